import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import {
  CreateJobQueueCommand,
  CreateSchedulingPolicyCommand,
  DeleteJobQueueCommand,
  DescribeJobQueuesCommand,
  DescribeJobsCommand,
  GetJobQueueSnapshotCommand,
  ListJobsCommand,
  SubmitJobCommand,
  type SubmitJobCommandInput,
  UpdateJobQueueCommand,
} from '@aws-sdk/client-batch';
import { rejection } from '../../helpers/clients.js';
import { createEnvironment, createQueue, registerDefinition, shellDefinition, uniqueName } from '../../helpers/fixtures.js';
import { useBarge } from '../../helpers/server.js';
import { describeJob, waitFor, waitForEnd, waitForStatus } from '../../helpers/wait.js';

describe('job queues', () => {
  const server = useBarge();
  let ceArn: string;
  before(async () => {
    ceArn = (await createEnvironment(server.client)).arn;
  });
  const describeOne = async (name: string) => (await server.client.send(new DescribeJobQueuesCommand({ jobQueues: [name] }))).jobQueues?.[0];

  test('CreateJobQueue resolves environment names to ARNs and starts VALID and ENABLED', async () => {
    const ce = await createEnvironment(server.client);
    const name = uniqueName('q');
    const out = await server.client.send(
      new CreateJobQueueCommand({ jobQueueName: name, priority: 10, computeEnvironmentOrder: [{ order: 1, computeEnvironment: ce.name }], tags: { team: 'a' } }),
    );
    assert.equal(out.jobQueueArn, `arn:aws:batch:us-east-1:123456789012:job-queue/${name}`);
    const q = await describeOne(name);
    assert.equal(q?.state, 'ENABLED');
    assert.equal(q?.status, 'VALID');
    assert.equal(q?.priority, 10);
    assert.equal(q?.jobQueueType, 'ECS');
    assert.deepEqual(q?.computeEnvironmentOrder, [{ order: 1, computeEnvironment: ce.arn }]);
    assert.deepEqual(q?.tags, { team: 'a' });
  });

  test('computeEnvironmentOrder rules: 1 to 3 entries, distinct orders, known environments', async () => {
    const name = uniqueName('q');
    const cases = [
      { computeEnvironmentOrder: [], pattern: /1 to 3/ },
      {
        computeEnvironmentOrder: [
          { order: 1, computeEnvironment: ceArn },
          { order: 1, computeEnvironment: (await createEnvironment(server.client)).arn },
        ],
        pattern: /order 1 more than once/,
      },
      { computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'missing-ce' }], pattern: /missing-ce does not exist/ },
    ];
    for (const c of cases) {
      const err = await rejection(server.client.send(new CreateJobQueueCommand({ jobQueueName: name, priority: 1, computeEnvironmentOrder: c.computeEnvironmentOrder })));
      assert.equal(err.name, 'ClientException');
      assert.match(err.message, c.pattern);
    }
    const negative = await rejection(createQueue(server.client, ceArn, { name, priority: -1 }));
    assert.match(negative.message, /priority/);
    assert.equal(await describeOne(name), undefined, 'no refused create left a queue behind');
  });

  test('jobStateTimeLimitActions are validated and stored', async () => {
    const name = uniqueName('q');
    const bad = await rejection(
      server.client.send(
        new CreateJobQueueCommand({
          jobQueueName: name,
          priority: 1,
          computeEnvironmentOrder: [{ order: 1, computeEnvironment: ceArn }],
          jobStateTimeLimitActions: [{ reason: 'CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY', state: 'RUNNABLE', maxTimeSeconds: 10, action: 'CANCEL' }],
        }),
      ),
    );
    assert.match(bad.message, /600 to 86400/);
    const action = { reason: 'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT', state: 'RUNNABLE' as const, maxTimeSeconds: 600, action: 'CANCEL' as const };
    await server.client.send(
      new CreateJobQueueCommand({ jobQueueName: name, priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: ceArn }], jobStateTimeLimitActions: [action] }),
    );
    assert.deepEqual((await describeOne(name))?.jobStateTimeLimitActions, [action]);
  });

  test('UpdateJobQueue changes state, priority and order; DeleteJobQueue needs DISABLED', async () => {
    const q = await createQueue(server.client, ceArn);
    const other = await createEnvironment(server.client);
    await server.client.send(
      new UpdateJobQueueCommand({ jobQueue: q.arn, priority: 5, computeEnvironmentOrder: [{ order: 2, computeEnvironment: other.name }, { order: 1, computeEnvironment: ceArn }] }),
    );
    let current = await describeOne(q.name);
    assert.equal(current?.priority, 5);
    assert.deepEqual(current?.computeEnvironmentOrder?.map((o) => o.computeEnvironment), [ceArn, other.arn]);

    const refused = await rejection(server.client.send(new DeleteJobQueueCommand({ jobQueue: q.name })));
    assert.match(refused.message, /must be DISABLED/);
    await server.client.send(new UpdateJobQueueCommand({ jobQueue: q.name, state: 'DISABLED' }));
    current = await describeOne(q.name);
    assert.equal(current?.state, 'DISABLED');
    await server.client.send(new DeleteJobQueueCommand({ jobQueue: q.arn }));
    assert.equal(await describeOne(q.name), undefined);
  });

  test('a DISABLED queue refuses SubmitJob; deleting it fails its waiting jobs', async () => {
    const idle = await createEnvironment(server.client, { state: 'DISABLED' });
    const q = await createQueue(server.client, idle.arn);
    const jd = await registerDefinition(server.client);
    const { jobId } = await server.client.send(new SubmitJobCommand({ jobName: 'before', jobQueue: q.name, jobDefinition: jd.name }));
    await server.client.send(new UpdateJobQueueCommand({ jobQueue: q.name, state: 'DISABLED' }));
    const err = await rejection(server.client.send(new SubmitJobCommand({ jobName: 'after', jobQueue: q.name, jobDefinition: jd.name })));
    assert.equal(err.name, 'ClientException');
    assert.match(err.message, /DISABLED/);
    await server.client.send(new DeleteJobQueueCommand({ jobQueue: q.name }));
    const job = (await server.client.send(new DescribeJobsCommand({ jobs: [jobId!] }))).jobs?.[0];
    assert.equal(job?.status, 'FAILED');
    assert.match(job?.statusReason ?? '', /was deleted/);
  });

  test('deleting a queue fails every job that never started with its reason, array children included', async () => {
    const idle = await createEnvironment(server.client, { state: 'DISABLED' });
    const q = await createQueue(server.client, idle.arn);
    const jd = await registerDefinition(server.client);
    const submit = (extra: Partial<SubmitJobCommandInput> = {}) =>
      server.client.send(new SubmitJobCommand({ jobName: uniqueName('doomed'), jobQueue: q.name, jobDefinition: jd.name, ...extra }));
    const plain = (await submit()).jobId!;
    const dependant = (await submit({ dependsOn: [{ jobId: plain }] })).jobId!;
    const array = (await submit({ arrayProperties: { size: 3 } })).jobId!;
    const children = [0, 1, 2].map((i) => `${array}:${i}`);
    const describe = async (ids: string[]) => (await server.client.send(new DescribeJobsCommand({ jobs: ids }))).jobs ?? [];
    // As in the report: the parent PENDING with its children RUNNABLE, waiting for capacity.
    await waitFor('the array children to be RUNNABLE', async () => ((await describe(children)).every((j) => j.status === 'RUNNABLE') ? true : undefined));
    // And an array deleted before the scheduler has even looked at it.
    const fresh = (await submit({ arrayProperties: { size: 2 } })).jobId!;
    await server.client.send(new UpdateJobQueueCommand({ jobQueue: q.name, state: 'DISABLED' }));
    await server.client.send(new DeleteJobQueueCommand({ jobQueue: q.name }));

    const all = [plain, dependant, array, ...children, fresh, `${fresh}:0`, `${fresh}:1`];
    const jobs = await describe(all);
    assert.equal(jobs.length, all.length);
    for (const job of jobs) {
      assert.deepEqual([job.jobId, job.status, job.statusReason], [job.jobId, 'FAILED', `Job queue ${q.name} was deleted`]);
      assert.ok(job.stoppedAt, `${job.jobId} has stoppedAt`);
    }
    const parent = jobs.find((j) => j.jobId === array)!;
    assert.deepEqual(parent.arrayProperties?.statusSummary, { SUBMITTED: 0, PENDING: 0, RUNNABLE: 0, STARTING: 0, RUNNING: 0, SUCCEEDED: 0, FAILED: 3 });
    const listed = await server.client.send(new ListJobsCommand({ arrayJobId: array, jobStatus: 'RUNNABLE' }));
    assert.deepEqual(listed.jobSummaryList, []);
  });

  test('a running job of a deleted queue that would retry ends FAILED with the deletion as reason', async () => {
    const hostDir = mkdtempSync(join(tmpdir(), 'barge-deleted-queue-'));
    try {
      const q = await createQueue(server.client, ceArn);
      const def = await shellDefinition(server.client, 'while [ ! -e /out/go ]; do sleep 0.05; done; exit 1', { hostDir });
      const { jobId } = await server.client.send(
        new SubmitJobCommand({ jobName: uniqueName('orphan'), jobQueue: q.name, jobDefinition: def.name, retryStrategy: { attempts: 3 } }),
      );
      await waitForStatus(server.client, jobId!, ['RUNNING']);
      await server.client.send(new UpdateJobQueueCommand({ jobQueue: q.name, state: 'DISABLED' }));
      await server.client.send(new DeleteJobQueueCommand({ jobQueue: q.name }));
      assert.equal((await describeJob(server.client, jobId!)).status, 'RUNNING', 'a job already running runs on');
      writeFileSync(join(hostDir, 'go'), '');
      const ended = await waitForEnd(server.client, jobId!);
      assert.equal(ended.status, 'FAILED');
      assert.equal(ended.statusReason, `Job queue ${q.name} was deleted`);
      assert.equal(ended.attempts?.length, 1, 'no retry waits in a queue that is gone');
      assert.equal(ended.attempts?.[0]?.statusReason, 'Essential container in task exited');
      assert.equal(ended.container?.exitCode, 1);
    } finally {
      rmSync(hostDir, { recursive: true, force: true });
    }
  });

  test('a FIFO queue can never gain a scheduling policy; a fair-share queue can swap it', async () => {
    const policy = await server.client.send(new CreateSchedulingPolicyCommand({ name: uniqueName('sp') }));
    const policy2 = await server.client.send(new CreateSchedulingPolicyCommand({ name: uniqueName('sp') }));
    const fifo = await createQueue(server.client, ceArn);
    const err = await rejection(server.client.send(new UpdateJobQueueCommand({ jobQueue: fifo.name, schedulingPolicyArn: policy.arn })));
    assert.match(err.message, /cannot be added/);
    const fair = await createQueue(server.client, ceArn, { schedulingPolicyArn: policy.arn! });
    await server.client.send(new UpdateJobQueueCommand({ jobQueue: fair.name, schedulingPolicyArn: policy2.arn }));
    assert.equal((await describeOne(fair.name))?.schedulingPolicyArn, policy2.arn);
  });

  test('GetJobQueueSnapshot answers for a known queue and refuses an unknown one', async () => {
    const q = await createQueue(server.client, ceArn);
    const snap = await server.client.send(new GetJobQueueSnapshotCommand({ jobQueue: q.name }));
    assert.deepEqual(snap.frontOfQueue?.jobs, []);
    assert.equal(typeof snap.frontOfQueue?.lastUpdatedAt, 'number');
    const err = await rejection(server.client.send(new GetJobQueueSnapshotCommand({ jobQueue: 'nope' })));
    assert.equal(err.name, 'ClientException');
  });
});
