import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CancelJobCommand,
  CreateJobQueueCommand,
  DeleteComputeEnvironmentCommand,
  DescribeComputeEnvironmentsCommand,
  DescribeJobsCommand,
  GetJobQueueSnapshotCommand,
  ListJobsCommand,
  SubmitJobCommand,
  TerminateJobCommand,
} from '@aws-sdk/client-batch';
import { Cluster } from '../helpers/cluster.js';
import { createEnvironment, createQueue, registerDefinition, shellDefinition, uniqueName } from '../helpers/fixtures.js';
import { sample, scrape } from '../helpers/metrics.js';
import { describeJob, waitFor, waitForEnd, waitForStatus } from '../helpers/wait.js';

/**
 * Three Barge processes on one PostgreSQL database: any of them answers any call with the same
 * result, one of them leads (schedules and runs jobs), and what is asked of a follower reaches
 * the leader through the database.
 */
describe('three replicas on PostgreSQL', () => {
  let cluster: Cluster;

  before(async () => {
    cluster = await Cluster.start({ replicas: 3, leaseSeconds: 4, args: ['--stop-grace-seconds', '2'] });
  });

  after(async () => {
    await cluster?.stop();
  });

  test('exactly one replica leads, and every replica says so in /metrics', async () => {
    const leader = await cluster.leader();
    let leaders = 0;
    for (const i of cluster.running) {
      const { body } = await scrape(cluster.replica(i).url);
      leaders += sample(body, 'barge_leader') ?? 0;
      assert.ok((sample(body, 'barge_leader_term') ?? 0) >= 1 || i !== leader);
    }
    assert.equal(leaders, 1);
  });

  test('a job submitted on a follower runs, and every replica describes and lists it alike', async () => {
    const leader = await cluster.leader();
    const follower = cluster.running.find((i) => i !== leader)!;
    const other = cluster.running.find((i) => i !== leader && i !== follower)!;
    const client = cluster.client(follower);
    const ce = await createEnvironment(client, { maxvCpus: 4 });
    const queue = await createQueue(cluster.client(other), ce.arn);
    const definition = await shellDefinition(cluster.client(leader), 'echo from-a-follower');
    const jobId = (await client.send(new SubmitJobCommand({ jobName: 'cross', jobQueue: queue.name, jobDefinition: definition.name }))).jobId!;
    const ended = await waitForEnd(cluster.client(other), jobId);
    assert.equal(ended.status, 'SUCCEEDED', ended.statusReason);
    const views = await Promise.all(cluster.running.map((i) => describeJob(cluster.client(i), jobId)));
    for (const view of views) assert.deepEqual(view, views[0]);
    const lists = await Promise.all(
      cluster.running.map(async (i) => (await cluster.client(i).send(new ListJobsCommand({ jobQueue: queue.name, jobStatus: 'SUCCEEDED' }))).jobSummaryList),
    );
    for (const list of lists) assert.deepEqual(list, lists[0]);
  });

  test("a waiting job's reason and its place in the queue snapshot are the same on every replica", async () => {
    const leader = await cluster.leader();
    const client = cluster.client(leader);
    // Room for one 2-vCPU job at a time: the second waits for capacity, with numbers.
    const ce = await createEnvironment(client, { maxvCpus: 2 });
    const queue = await createQueue(client, ce.arn);
    const long = await shellDefinition(client, 'sleep 300', { vcpus: 2 });
    const first = (await client.send(new SubmitJobCommand({ jobName: 'holds', jobQueue: queue.name, jobDefinition: long.name }))).jobId!;
    await waitForStatus(client, first, ['RUNNING']);
    const follower = cluster.running.find((i) => i !== leader)!;
    const short = await shellDefinition(client, 'echo done', { vcpus: 2 });
    const waiting = (await cluster.client(follower).send(new SubmitJobCommand({ jobName: 'waits', jobQueue: queue.name, jobDefinition: short.name }))).jobId!;
    const reasons = await waitFor('every replica to give the waiting job the same reason', async () => {
      const seen = await Promise.all(cluster.running.map(async (i) => (await describeJob(cluster.client(i), waiting)).statusReason));
      return seen.every((r) => r !== undefined && r === seen[0]) ? seen : undefined;
    }, 20_000, 200);
    assert.match(reasons[0]!, /2 of 2 vCPUs in use/);
    const snapshots = await Promise.all(
      cluster.running.map(async (i) => (await cluster.client(i).send(new GetJobQueueSnapshotCommand({ jobQueue: queue.name }))).frontOfQueue?.jobs?.map((j) => j.jobArn)),
    );
    for (const snapshot of snapshots) assert.deepEqual(snapshot, snapshots[0]);
    assert.ok(snapshots[0]!.some((arn) => arn?.endsWith(waiting)), 'the waiting job is in the snapshot');

    // Terminated through a follower: the leader stops the container, the job ends FAILED with the reason.
    await cluster.client(follower).send(new TerminateJobCommand({ jobId: first, reason: 'stopped from a follower' }));
    const terminated = await waitForEnd(client, first, 30_000);
    assert.equal(terminated.status, 'FAILED');
    assert.equal(terminated.statusReason, 'stopped from a follower');
    assert.equal((await waitForEnd(client, waiting, 60_000)).status, 'SUCCEEDED');
  });

  test('a job cancelled on one replica is cancelled for all', async () => {
    const leader = await cluster.leader();
    const client = cluster.client(leader);
    const ce = await createEnvironment(client, { state: 'DISABLED' });
    const queue = await createQueue(client, ce.arn);
    const definition = await registerDefinition(client);
    const jobId = (await client.send(new SubmitJobCommand({ jobName: 'parked', jobQueue: queue.name, jobDefinition: definition.name }))).jobId!;
    const follower = cluster.running.find((i) => i !== leader)!;
    await waitForStatus(cluster.client(follower), jobId, ['RUNNABLE']);
    await cluster.client(follower).send(new CancelJobCommand({ jobId, reason: 'not needed' }));
    for (const i of cluster.running) {
      const job = (await cluster.client(i).send(new DescribeJobsCommand({ jobs: [jobId] }))).jobs![0]!;
      assert.equal(job.status, 'FAILED');
      assert.equal(job.statusReason, 'not needed');
    }
  });

  test('/metrics on each replica: job counts from the shared store match the API, requests are counted where they were served', async () => {
    const leader = await cluster.leader();
    const client = cluster.client(leader);
    const ce = await createEnvironment(client, { state: 'DISABLED' });
    const queue = await createQueue(client, ce.arn);
    const definition = await registerDefinition(client);
    const submittedOn = new Map<number, number>();
    for (const [n, i] of [...cluster.running, ...cluster.running, cluster.running[0]!].entries()) {
      await cluster.client(i).send(new SubmitJobCommand({ jobName: `m${n}`, jobQueue: queue.name, jobDefinition: definition.name }));
      submittedOn.set(i, (submittedOn.get(i) ?? 0) + 1);
    }
    const total = [...submittedOn.values()].reduce((a, b) => a + b, 0);
    await waitFor('the jobs to be RUNNABLE', async () => {
      const listed = (await client.send(new ListJobsCommand({ jobQueue: queue.name, jobStatus: 'RUNNABLE' }))).jobSummaryList ?? [];
      return listed.length === total ? true : undefined;
    }, 20_000, 200);
    for (const i of cluster.running) {
      // Job counts are read from the store at most every 5 s, however often a replica is scraped.
      const body = await waitFor(`replica ${i} to count the queue's jobs`, async () => {
        const scraped = (await scrape(cluster.replica(i).url)).body;
        return sample(scraped, 'barge_jobs', { queue: queue.name, status: 'RUNNABLE' }) === total ? scraped : undefined;
      }, 15_000, 500);
      assert.equal(sample(body, 'barge_jobs', { queue: queue.name, status: 'RUNNABLE' }), total, `replica ${i} counts the queue's jobs`);
      assert.ok((sample(body, 'barge_api_requests_total', { service: 'batch', operation: 'SubmitJob', status: '200' }) ?? 0) >= submittedOn.get(i)!);
      assert.equal(sample(body, 'barge_leader'), i === leader ? 1 : 0);
    }
  });

  test('check-then-write rules hold across replicas: an environment is never deleted while a queue created at once on another replica uses it', async () => {
    const [a, b] = cluster.running;
    for (let round = 0; round < 8; round++) {
      const ce = await createEnvironment(cluster.client(a!), { state: 'DISABLED' });
      const queueName = uniqueName('race');
      const [deleted, created] = await Promise.allSettled([
        cluster.client(a!).send(new DeleteComputeEnvironmentCommand({ computeEnvironment: ce.name })),
        cluster.client(b!).send(
          new CreateJobQueueCommand({ jobQueueName: queueName, priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: ce.arn }] }),
        ),
      ]);
      assert.ok(!(deleted.status === 'fulfilled' && created.status === 'fulfilled'), `round ${round}: both the deletion and the queue succeeded`);
      if (created.status === 'fulfilled') {
        const envs = (await cluster.client(b!).send(new DescribeComputeEnvironmentsCommand({ computeEnvironments: [ce.name] }))).computeEnvironments ?? [];
        assert.equal(envs.length, 1, `round ${round}: the queue's environment exists`);
      }
    }
  });
});
