import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CancelJobCommand, ListJobsCommand, SubmitJobCommand, type SubmitJobCommandInput } from '@aws-sdk/client-batch';
import { createEnvironment, createQueue, shellDefinition, uniqueName } from '../helpers/fixtures.js';
import { useBarge } from '../helpers/server.js';
import { describeJob, waitFor, waitForEnd, waitForStatus } from '../helpers/wait.js';

describe('dependencies and array jobs', () => {
  const server = useBarge();
  let q1: { name: string; arn: string };
  let q2: { name: string; arn: string };
  let hostDir: string;
  before(async () => {
    const ce = await createEnvironment(server.client, { maxvCpus: 8 });
    q1 = await createQueue(server.client, ce.arn);
    q2 = await createQueue(server.client, ce.arn);
    hostDir = mkdtempSync(join(tmpdir(), 'barge-deps-'));
  });
  after(async () => {
    rmSync(hostDir, { recursive: true, force: true });
  });

  const submit = (queue: string, definition: string, extra: Partial<SubmitJobCommandInput> = {}) =>
    server.client.send(new SubmitJobCommand({ jobName: uniqueName('dep'), jobQueue: queue, jobDefinition: definition, ...extra }));
  const lines = (file: string) => readFileSync(join(hostDir, file), 'utf8').trim().split('\n');

  test('three jobs chained across two queues run strictly one after another', async () => {
    const def = await shellDefinition(server.client, 'echo "start $TAG" >> /out/chain; sleep 1; echo "end $TAG" >> /out/chain', { hostDir });
    const tag = (t: string) => ({ containerOverrides: { environment: [{ name: 'TAG', value: t }] } });
    // The boto3 idiom: each submit passes the previous jobId.
    const a = await submit(q1.name, def.name, tag('a'));
    const b = await submit(q2.name, def.name, { ...tag('b'), dependsOn: [{ jobId: a.jobId! }] });
    const c = await submit(q1.name, def.name, { ...tag('c'), dependsOn: [{ jobId: b.jobId! }] });
    assert.equal((await describeJob(server.client, c.jobId!)).status !== 'RUNNING', true);
    const last = await waitForEnd(server.client, c.jobId!, 90_000);
    assert.equal(last.status, 'SUCCEEDED', last.statusReason);
    assert.deepEqual(lines('chain'), ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  test('a failed dependency fails its dependants, transitively, without running them', async () => {
    const failing = await shellDefinition(server.client, 'exit 1');
    const marker = await shellDefinition(server.client, 'echo ran >> /out/should-not-exist', { hostDir });
    const a = await submit(q1.name, failing.name);
    const b = await submit(q1.name, marker.name, { dependsOn: [{ jobId: a.jobId! }] });
    const c = await submit(q2.name, marker.name, { dependsOn: [{ jobId: b.jobId! }] });
    for (const id of [b.jobId!, c.jobId!]) {
      const job = await waitForEnd(server.client, id);
      assert.equal(job.status, 'FAILED');
      assert.equal(job.statusReason, 'Dependent Job failed');
      assert.deepEqual(job.attempts, []);
    }
    assert.throws(() => lines('should-not-exist'));
  });

  test('dependants wait while the upstream still has retries left', async () => {
    const flaky = await shellDefinition(server.client, 'test "$AWS_BATCH_JOB_ATTEMPT" -ge 2', { retryStrategy: { attempts: 2 } });
    const after = await shellDefinition(server.client, 'true');
    const a = await submit(q1.name, flaky.name);
    const b = await submit(q1.name, after.name, { dependsOn: [{ jobId: a.jobId! }] });
    const job = await waitForEnd(server.client, b.jobId!);
    assert.equal(job.status, 'SUCCEEDED');
    assert.equal((await describeJob(server.client, a.jobId!)).attempts?.length, 2);
  });

  test('a 1,000-child array runs every child with its index and size', async () => {
    const def = await shellDefinition(server.client, 'echo "$AWS_BATCH_JOB_ARRAY_INDEX/$AWS_BATCH_JOB_ARRAY_SIZE" > /out/child-$AWS_BATCH_JOB_ARRAY_INDEX', { hostDir });
    const parent = await submit(q1.name, def.name, { arrayProperties: { size: 1000 } });
    const seen = new Set<string>();
    const done = await waitFor('the array to finish', async () => {
      const p = await describeJob(server.client, parent.jobId!);
      seen.add(p.status!);
      return p.status === 'SUCCEEDED' || p.status === 'FAILED' ? p : undefined;
    }, 900_000, 500);
    const failed = done.status === 'SUCCEEDED' ? [] : (await server.client.send(new ListJobsCommand({ arrayJobId: parent.jobId!, jobStatus: 'FAILED', maxResults: 3 }))).jobSummaryList;
    assert.equal(done.status, 'SUCCEEDED', `failed children: ${JSON.stringify(failed?.map((c) => [c.jobId, c.statusReason, c.container]))}`);
    assert.equal(done.arrayProperties?.statusSummary?.['SUCCEEDED'], 1000);
    assert.ok(!seen.has('RUNNING') && !seen.has('RUNNABLE'), 'an array parent is never RUNNABLE or RUNNING');
    for (const i of [0, 499, 999]) assert.equal(lines(`child-${i}`)[0], `${i}/1000`);
    const children = await server.client.send(new ListJobsCommand({ arrayJobId: parent.jobId!, jobStatus: 'SUCCEEDED', maxResults: 1000 }));
    assert.equal(children.jobSummaryList?.length, 1000);
  });

  test('SEQUENTIAL arrays run children in index order, one at a time', async () => {
    const def = await shellDefinition(server.client, 'echo "start $AWS_BATCH_JOB_ARRAY_INDEX" >> /out/seq; sleep 0.5; echo "end $AWS_BATCH_JOB_ARRAY_INDEX" >> /out/seq', { hostDir });
    const parent = await submit(q1.name, def.name, { arrayProperties: { size: 3 }, dependsOn: [{ type: 'SEQUENTIAL' }] });
    assert.equal((await waitForEnd(server.client, parent.jobId!, 90_000)).status, 'SUCCEEDED');
    assert.deepEqual(lines('seq'), ['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
  });

  test('cancelling an array parent leaves its running child be and ends the parent after it', async () => {
    const def = await shellDefinition(server.client, 'while [ ! -e /out/go ]; do sleep 0.1; done', { hostDir });
    const parent = await submit(q1.name, def.name, { arrayProperties: { size: 3 }, dependsOn: [{ type: 'SEQUENTIAL' }] });
    await waitForStatus(server.client, `${parent.jobId}:0`, ['RUNNING']);
    await server.client.send(new CancelJobCommand({ jobId: parent.jobId!, reason: 'no longer needed' }));
    const waiting = await describeJob(server.client, `${parent.jobId}:2`);
    assert.equal(waiting.status, 'FAILED');
    assert.equal(waiting.statusReason, 'no longer needed');
    // CancelJob does not stop a running job, so the parent cannot end yet.
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await describeJob(server.client, `${parent.jobId}:0`)).status, 'RUNNING');
    assert.equal((await describeJob(server.client, parent.jobId!)).status, 'PENDING');
    writeFileSync(join(hostDir, 'go'), '');
    assert.equal((await waitForEnd(server.client, `${parent.jobId}:0`)).status, 'SUCCEEDED');
    const p = await waitForEnd(server.client, parent.jobId!);
    assert.equal(p.status, 'FAILED');
    assert.equal(p.statusReason, 'no longer needed');
    assert.equal(p.isCancelled, true);
  });

  test('a failing child of a SEQUENTIAL array fails the rest and the parent', async () => {
    const def = await shellDefinition(server.client, 'test "$AWS_BATCH_JOB_ARRAY_INDEX" != 1');
    const parent = await submit(q1.name, def.name, { arrayProperties: { size: 4 }, dependsOn: [{ type: 'SEQUENTIAL' }] });
    const p = await waitForEnd(server.client, parent.jobId!, 90_000);
    assert.equal(p.status, 'FAILED');
    assert.deepEqual(p.arrayProperties?.statusSummary?.['SUCCEEDED'], 1);
    const last = await describeJob(server.client, `${parent.jobId}:3`);
    assert.equal(last.statusReason, 'Dependent Job failed');
  });

  test('N_TO_N: child k waits for child k of the upstream array', async () => {
    const up = await shellDefinition(server.client, 'sleep $((3 - AWS_BATCH_JOB_ARRAY_INDEX)); echo "up $AWS_BATCH_JOB_ARRAY_INDEX" >> /out/n2n', { hostDir });
    const down = await shellDefinition(server.client, 'echo "down $AWS_BATCH_JOB_ARRAY_INDEX" >> /out/n2n', { hostDir });
    const a = await submit(q1.name, up.name, { arrayProperties: { size: 3 } });
    const b = await submit(q2.name, down.name, { arrayProperties: { size: 3 }, dependsOn: [{ jobId: a.jobId!, type: 'N_TO_N' }] });
    assert.equal((await waitForEnd(server.client, b.jobId!, 90_000)).status, 'SUCCEEDED');
    const order = lines('n2n');
    for (const i of [0, 1, 2]) assert.ok(order.indexOf(`up ${i}`) < order.indexOf(`down ${i}`), order.join(','));
    assert.ok(order.indexOf('down 2') < order.indexOf('up 0'), `child 2 did not wait for all of upstream: ${order.join(',')}`);
  });
});
