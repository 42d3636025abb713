import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  type BatchClient,
  CreateSchedulingPolicyCommand,
  DescribeComputeEnvironmentsCommand,
  DescribeJobsCommand,
  GetJobQueueSnapshotCommand,
  SubmitJobCommand,
  UpdateComputeEnvironmentCommand,
  UpdateJobQueueCommand,
} from '@aws-sdk/client-batch';
import { createEnvironment, createQueue, shellDefinition, uniqueName } from '../helpers/fixtures.js';
import { useBarge } from '../helpers/server.js';
import { describeJob, waitFor, waitForEnd, waitForStatus } from '../helpers/wait.js';

/** Submits jobs and samples how many hold capacity at once until all have ended. */
async function maxConcurrency(client: BatchClient, ids: string[]): Promise<number> {
  let max = 0;
  const deadline = Date.now() + 180_000;
  for (;;) {
    const jobs = (await client.send(new DescribeJobsCommand({ jobs: ids }))).jobs ?? [];
    const holding = jobs.filter((j) => j.status === 'STARTING' || j.status === 'RUNNING').length;
    max = Math.max(max, holding);
    if (jobs.every((j) => j.status === 'SUCCEEDED' || j.status === 'FAILED')) {
      assert.ok(jobs.every((j) => j.status === 'SUCCEEDED'), 'every job succeeded');
      return max;
    }
    if (Date.now() > deadline) throw new Error('jobs did not finish');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('capacity and scheduling order', () => {
  const server = useBarge();

  test('ten 10-vCPU jobs run three at a time on 36 vCPUs, five at a time with 24 more', async () => {
    const ce36 = await createEnvironment(server.client, { maxvCpus: 36 });
    const queue = await createQueue(server.client, ce36.arn);
    const def = await shellDefinition(server.client, 'sleep 2', { vcpus: 10 });
    const submitTen = async () => {
      const ids: string[] = [];
      for (let i = 0; i < 10; i++) ids.push((await server.client.send(new SubmitJobCommand({ jobName: `c${i}`, jobQueue: queue.name, jobDefinition: def.name }))).jobId!);
      return ids;
    };
    const first = await submitTen();
    const waiting = await waitForStatus(server.client, first[9]!, ['RUNNABLE']);
    assert.match(waiting.statusReason ?? '', /Waiting for capacity: the job needs 10 vCPUs \(.*: 30 of 36 vCPUs in use\)/);
    const ce = (await server.client.send(new DescribeComputeEnvironmentsCommand({ computeEnvironments: [ce36.name] }))).computeEnvironments?.[0];
    assert.ok((ce?.computeResources?.desiredvCpus ?? 0) > 0, 'desiredvCpus follows demand');
    assert.equal(await maxConcurrency(server.client, first), 3);

    const ce24 = await createEnvironment(server.client, { maxvCpus: 24 });
    await server.client.send(
      new UpdateJobQueueCommand({
        jobQueue: queue.name,
        computeEnvironmentOrder: [
          { order: 1, computeEnvironment: ce36.arn },
          { order: 2, computeEnvironment: ce24.arn },
        ],
      }),
    );
    assert.equal(await maxConcurrency(server.client, await submitTen()), 5);
  });

  test('a DISABLED environment lets its running job finish and starts no new one; a DISABLED queue dispatches nothing', async (t) => {
    const hostDir = mkdtempSync(join(tmpdir(), 'barge-disabled-'));
    t.after(() => rmSync(hostDir, { recursive: true, force: true }));
    const ce = await createEnvironment(server.client, { maxvCpus: 1 });
    const queue = await createQueue(server.client, ce.arn);
    const held = await shellDefinition(server.client, 'while [ ! -e /out/go ]; do sleep 0.1; done', { hostDir });
    const quick = await shellDefinition(server.client, 'true');
    const submit = async (definition: string) =>
      (await server.client.send(new SubmitJobCommand({ jobName: uniqueName('d'), jobQueue: queue.name, jobDefinition: definition }))).jobId!;

    const running = await submit(held.name);
    await waitForStatus(server.client, running, ['RUNNING']);
    const next = await submit(quick.name);
    await server.client.send(new UpdateComputeEnvironmentCommand({ computeEnvironment: ce.name, state: 'DISABLED' }));
    writeFileSync(join(hostDir, 'go'), '');
    assert.equal((await waitForEnd(server.client, running)).status, 'SUCCEEDED');
    const waiting = await waitFor('the next job to say its environment is disabled', async () => {
      const job = await describeJob(server.client, next);
      return job.status === 'RUNNABLE' && /no compute environment of job queue .* takes new jobs/.test(job.statusReason ?? '') ? job : undefined;
    });
    assert.equal(waiting.attempts?.length ?? 0, 0, 'nothing started on the DISABLED environment');

    await server.client.send(new UpdateJobQueueCommand({ jobQueue: queue.name, state: 'DISABLED' }));
    await server.client.send(new UpdateComputeEnvironmentCommand({ computeEnvironment: ce.name, state: 'ENABLED' }));
    await waitFor('the job to say its queue is disabled', async () => {
      const job = await describeJob(server.client, next);
      return job.status === 'RUNNABLE' && /^Job queue \S+ is DISABLED/.test(job.statusReason ?? '') ? job : undefined;
    });
    await server.client.send(new UpdateJobQueueCommand({ jobQueue: queue.name, state: 'ENABLED' }));
    assert.equal((await waitForEnd(server.client, next)).status, 'SUCCEEDED');
  });

  test('when capacity frees, the higher-priority queue goes first', async () => {
    const ce = await createEnvironment(server.client, { maxvCpus: 1 });
    const low = await createQueue(server.client, ce.arn, { priority: 1 });
    const high = await createQueue(server.client, ce.arn, { priority: 10 });
    const blocker = await shellDefinition(server.client, 'sleep 2');
    const quick = await shellDefinition(server.client, 'sleep 0.2');
    const b = await server.client.send(new SubmitJobCommand({ jobName: 'blocker', jobQueue: low.name, jobDefinition: blocker.name }));
    await waitForStatus(server.client, b.jobId!, ['STARTING', 'RUNNING']);
    const lows: string[] = [];
    const highs: string[] = [];
    for (let i = 0; i < 3; i++) lows.push((await server.client.send(new SubmitJobCommand({ jobName: `low${i}`, jobQueue: low.name, jobDefinition: quick.name }))).jobId!);
    for (let i = 0; i < 3; i++) highs.push((await server.client.send(new SubmitJobCommand({ jobName: `high${i}`, jobQueue: high.name, jobDefinition: quick.name }))).jobId!);
    // Submitted jobs are evaluated by the next scheduling pass, and a job submitted while a pass
    // runs by the one after it: wait until a pass has seen every one of them.
    const waiting = await waitFor('a wait reason on every job', async () => {
      const { jobs } = await server.client.send(new DescribeJobsCommand({ jobs: [...lows, ...highs] }));
      return jobs?.length === 6 && jobs.every((j) => j.status === 'RUNNABLE' && j.statusReason) ? jobs : undefined;
    });
    const lowWait = waiting.find((j) => j.jobId === lows[0])!;
    assert.match(lowWait.statusReason ?? '', /higher-priority job queue|Waiting for capacity/);
    const snapshot = await server.client.send(new GetJobQueueSnapshotCommand({ jobQueue: high.name }));
    assert.deepEqual(snapshot.frontOfQueue?.jobs?.map((j) => j.jobArn?.split('/').pop()), highs);
    const ended = await Promise.all([...highs, ...lows].map((id) => waitForEnd(server.client, id, 120_000)));
    const started = (id: string) => ended.find((j) => j.jobId === id)!.startedAt!;
    const lastHigh = Math.max(...highs.map(started));
    const firstLow = Math.min(...lows.map(started));
    assert.ok(lastHigh < firstLow, `high-priority jobs started before low-priority ones (${lastHigh} < ${firstLow})`);
  });

  test('fair share interleaves shares instead of running the first submitter first', async () => {
    const ce = await createEnvironment(server.client, { maxvCpus: 1 });
    const policy = await server.client.send(
      new CreateSchedulingPolicyCommand({ name: uniqueName('fs'), fairsharePolicy: { shareDecaySeconds: 3600, shareDistribution: [{ shareIdentifier: 'A', weightFactor: 1 }, { shareIdentifier: 'B', weightFactor: 1 }] } }),
    );
    const queue = await createQueue(server.client, ce.arn, { schedulingPolicyArn: policy.arn! });
    const blocker = await shellDefinition(server.client, 'sleep 2');
    const quick = await shellDefinition(server.client, 'sleep 0.2');
    const b = await server.client.send(new SubmitJobCommand({ jobName: 'blocker', jobQueue: queue.name, jobDefinition: blocker.name, shareIdentifier: 'C' }));
    await waitForStatus(server.client, b.jobId!, ['STARTING', 'RUNNING']);
    const a: string[] = [];
    const bIds: string[] = [];
    for (let i = 0; i < 3; i++) a.push((await server.client.send(new SubmitJobCommand({ jobName: `a${i}`, jobQueue: queue.name, jobDefinition: quick.name, shareIdentifier: 'A' }))).jobId!);
    for (let i = 0; i < 3; i++) bIds.push((await server.client.send(new SubmitJobCommand({ jobName: `b${i}`, jobQueue: queue.name, jobDefinition: quick.name, shareIdentifier: 'B' }))).jobId!);
    const ended = await Promise.all([...a, ...bIds].map((id) => waitForEnd(server.client, id, 120_000)));
    const order = [...ended].sort((x, y) => x.startedAt! - y.startedAt!).map((j) => j.jobName![0]);
    assert.ok(order.slice(0, 2).includes('b'), `share B started among the first two, not after all of A: ${order.join('')}`);
  });
});
