import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type BatchClient, DescribeJobsCommand, type JobDetail, SubmitJobCommand } from '@aws-sdk/client-batch';
import { Cluster } from '../helpers/cluster.js';
import { createEnvironment, createQueue, shellDefinition } from '../helpers/fixtures.js';
import { testCluster } from '../helpers/test-database.js';
import { waitFor } from '../helpers/wait.js';

/** Every job among `jobIds` once all have ended. */
async function allEnded(client: BatchClient, jobIds: string[], timeoutMs = 180_000): Promise<JobDetail[]> {
  return waitFor('every job to end', async () => {
    const jobs: JobDetail[] = [];
    for (let i = 0; i < jobIds.length; i += 100) jobs.push(...((await client.send(new DescribeJobsCommand({ jobs: jobIds.slice(i, i + 100) }))).jobs ?? []));
    return jobs.length === jobIds.length && jobs.every((j) => j.status === 'SUCCEEDED' || j.status === 'FAILED') ? jobs : undefined;
  }, timeoutMs, 500);
}

function runsOf(hostDir: string): string[] {
  try {
    return readFileSync(join(hostDir, 'runs'), 'utf8').trim().split('\n').filter((l) => l !== '');
  } catch {
    return [];
  }
}

describe('handing the lead over', () => {
  let cluster: Cluster;
  let hostDir: string;

  before(async () => {
    hostDir = mkdtempSync(join(tmpdir(), 'barge-handover-'));
    // The default lease (10 s): a clean stop must not wait for it.
    cluster = await Cluster.start({ replicas: 3, leaseSeconds: 10, args: ['--stop-grace-seconds', '2'] });
  });

  after(async () => {
    await cluster?.stop();
    if (hostDir) rmSync(hostDir, { recursive: true, force: true });
  });

  const setUp = async (client: BatchClient, script: string) => {
    const ce = await createEnvironment(client, { maxvCpus: 4 });
    const queue = await createQueue(client, ce.arn);
    const definition = await shellDefinition(client, script, { hostDir, retryStrategy: { attempts: 3 } });
    return { queue: queue.name, definition: definition.name };
  };

  test('SIGTERM of the leader: another replica leads within 2 s, running jobs finish once', async () => {
    const leader = await cluster.leader();
    const client = cluster.client(leader);
    const { queue, definition } = await setUp(client, 'sleep 3; echo "$AWS_BATCH_JOB_ID $AWS_BATCH_JOB_ATTEMPT" >> /out/runs');
    const jobIds: string[] = [];
    for (let i = 0; i < 4; i++) jobIds.push((await client.send(new SubmitJobCommand({ jobName: `t${i}`, jobQueue: queue, jobDefinition: definition }))).jobId!);
    await waitFor('the jobs to run', async () => {
      const jobs = (await client.send(new DescribeJobsCommand({ jobs: jobIds }))).jobs ?? [];
      return jobs.every((j) => j.status === 'RUNNING') ? true : undefined;
    }, 30_000, 100);

    const stoppedAt = Date.now();
    const exited = cluster.stopReplica(leader);
    const next = await cluster.leader(10_000, leader);
    const handover = Date.now() - stoppedAt;
    await exited;
    assert.notEqual(next, leader);
    assert.ok(handover <= 2000, `the lead was handed over in ${handover} ms`);

    const jobs = await allEnded(cluster.client(next), jobIds);
    for (const job of jobs) {
      assert.equal(job.status, 'SUCCEEDED', job.statusReason);
      assert.equal(job.attempts?.length, 1);
    }
    const runs = runsOf(hostDir).filter((l) => jobIds.some((id) => l.startsWith(id)));
    assert.deepEqual(runs.sort(), jobIds.map((id) => `${id} 1`).sort(), 'each job ran once');
    await cluster.startReplica(leader);
  });

  test('SIGSTOP of the leader past its lease, then SIGCONT: another leads, the old one acts no more, nothing runs twice', async () => {
    const leader = await cluster.leader();
    const client = cluster.client(cluster.running.find((i) => i !== leader)!);
    const { queue, definition } = await setUp(client, 'sleep 2; echo "$AWS_BATCH_JOB_ID $AWS_BATCH_JOB_ATTEMPT" >> /out/runs');
    const jobIds: string[] = [];
    for (let i = 0; i < 8; i++) jobIds.push((await client.send(new SubmitJobCommand({ jobName: `f${i}`, jobQueue: queue, jobDefinition: definition }))).jobId!);
    await new Promise((r) => setTimeout(r, 1000));

    const frozen = cluster.replica(leader);
    frozen.process.kill('SIGSTOP');
    try {
      const next = await cluster.leader(20_000);
      assert.notEqual(next, leader);
      // Past its lease by a few seconds, with the new leader at work.
      await new Promise((r) => setTimeout(r, 4000));
    } finally {
      frozen.process.kill('SIGCONT');
    }
    await waitFor('the thawed replica to step down', async () => (frozen.logs.some((l) => l['msg'] === 'no longer the leader') ? true : undefined), 20_000);
    assert.equal((await cluster.leaders()).length, 1, 'one leader after the thaw');

    const jobs = await allEnded(client, jobIds);
    for (const job of jobs) {
      assert.equal(job.status, 'SUCCEEDED', job.statusReason);
      assert.equal(job.attempts?.length, 1, `${job.jobId}: ${JSON.stringify(job.attempts)}`);
    }
    const runs = runsOf(hostDir).filter((l) => jobIds.some((id) => l.startsWith(id)));
    assert.deepEqual(runs.sort(), jobIds.map((id) => `${id} 1`).sort(), 'each job ran once');
  });

  test('PostgreSQL restarted under load: every acknowledged SubmitJob exists, and Barge carries on', async () => {
    const leader = await cluster.leader();
    const client = cluster.client(leader);
    // The stream of submits goes to a queue whose environment is DISABLED (they wait), so the
    // test checks every one of them without running hundreds of containers.
    const parkedCe = await createEnvironment(client, { state: 'DISABLED' });
    const parked = await createQueue(client, parkedCe.arn);
    const { queue, definition } = await setUp(client, 'echo "$AWS_BATCH_JOB_ID $AWS_BATCH_JOB_ATTEMPT" >> /out/runs');
    const acknowledged: string[] = [];
    const failures: string[] = [];
    let submitting = true;
    const submitters = cluster.running.map(async (i) => {
      for (let n = 0; submitting; n++) {
        try {
          acknowledged.push((await cluster.client(i).send(new SubmitJobCommand({ jobName: `pg-${i}-${n}`, jobQueue: parked.name, jobDefinition: definition }))).jobId!);
        } catch (error) {
          const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
          failures.push(`${e.name} ${e.$metadata?.httpStatusCode} ${(error as Error).message}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    });
    await new Promise((r) => setTimeout(r, 1500));
    (await testCluster()).restart();
    await new Promise((r) => setTimeout(r, 3000));
    submitting = false;
    await Promise.all(submitters);
    const died = cluster.replicas.flatMap((r, i) => (r && (r.process.exitCode !== null || r.process.signalCode !== null) ? [`${i}: ${r.stderr().slice(-3000)}`] : []));
    assert.deepEqual(died, [], 'no replica died');

    assert.ok(acknowledged.length > 0);
    // While PostgreSQL was away, calls failed as the service's fault (retryable), never as the caller's.
    for (const failure of failures) assert.match(failure, /^(ServerException 500|ServiceUnavailable)/);
    const reader = cluster.client(await cluster.leader(30_000));
    for (let i = 0; i < acknowledged.length; i += 100) {
      const found = (await reader.send(new DescribeJobsCommand({ jobs: acknowledged.slice(i, i + 100) }))).jobs ?? [];
      assert.equal(found.length, Math.min(100, acknowledged.length - i), 'every acknowledged job exists');
    }
    // And the cluster carries on: a job submitted now runs, once.
    const after = (await reader.send(new SubmitJobCommand({ jobName: 'after-restart', jobQueue: queue, jobDefinition: definition }))).jobId!;
    const [job] = await allEnded(reader, [after], 60_000);
    assert.equal(job!.status, 'SUCCEEDED', job!.statusReason);
    assert.deepEqual(runsOf(hostDir).filter((l) => l.startsWith(after)), [`${after} 1`]);
  });
});
