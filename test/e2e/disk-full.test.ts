import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DescribeJobsCommand, SubmitJobCommand } from '@aws-sdk/client-batch';
import { CreateLogGroupCommand, CreateLogStreamCommand, GetLogEventsCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { batchClient } from '../helpers/clients.js';
import { removeContainersWithLabelValue } from '../helpers/docker.js';
import { createEnvironment, createQueue, registerDefinition, shellDefinition } from '../helpers/fixtures.js';
import { logsClient, streamMessages } from '../helpers/logs-client.js';
import { startBarge } from '../helpers/server.js';
import { describeJob, waitFor, waitForEnd, waitForStatus } from '../helpers/wait.js';

/** Lines the job prints, one every ~10 ms: it runs for well over the seconds the disk is full. */
const JOB_LINES = 1500;
/** How long the disk stays full: 30 checkpoint attempts per store file at the worker's 100 ms. */
const FULL_MS = 3000;

/**
 * Issue 11: with the data directory's disk full, Barge must answer AWS-shaped errors, keep what
 * it acknowledged, recover once space is freed, and not log ~20 warnings a second meanwhile.
 * The data directory sits on a 24 MiB tmpfs of the test's own (the test runs as root, as the
 * suite does), filled with a filler file while a job prints.
 */
describe('a full disk under the data directory', () => {
  test('errors are AWS-shaped, warnings stay few, a running job loses no output, and all recovers', async (t) => {
    const mountPoint = mkdtempSync(join(tmpdir(), 'barge-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', mountPoint]);
    const dataDir = join(mountPoint, 'data');
    const filler = join(mountPoint, 'filler');
    let barge = await startBarge({ dataDir });
    const first = barge;
    let batch = batchClient(barge.url);
    let logs = logsClient(barge.url);
    t.after(async () => {
      batch.destroy();
      logs.destroy();
      await barge.stop();
      // A job a failed assertion left running (startBarge leaves a given data directory's containers).
      const instance = first.logs.find((l) => l['msg'] === 'Barge listening')?.['instance'];
      if (typeof instance === 'string') removeContainersWithLabelValue('barge.instance', instance);
      execFileSync('umount', [mountPoint]);
      rmSync(mountPoint, { recursive: true, force: true });
    });

    const ce = await createEnvironment(batch, { maxvCpus: 1 });
    const queue = await createQueue(batch, ce.arn);
    const parked = await createQueue(batch, (await createEnvironment(batch, { state: 'DISABLED' })).arn);
    const parkedDefinition = await registerDefinition(batch);
    await logs.send(new CreateLogGroupCommand({ logGroupName: 'full' }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: 'full', logStreamName: 's' }));
    const printer = await shellDefinition(batch, `i=0; while [ $i -lt ${JOB_LINES} ]; do echo line $i; i=$((i+1)); sleep 0.01; done; echo done`);
    const { jobId } = await batch.send(new SubmitJobCommand({ jobName: 'printer', jobQueue: queue.name, jobDefinition: printer.name }));
    const running = await waitForStatus(batch, jobId!, ['RUNNING']);
    const stream = running.container!.logStreamName!;
    await waitFor('the first lines stored', async () => ((await streamMessages(logs, '/aws/batch/job', stream)).length > 10 ? true : undefined));

    const fd = openSync(filler, 'w');
    const block = Buffer.alloc(1024 * 1024, 1);
    try {
      for (;;) writeSync(fd, block);
    } catch (error) {
      assert.equal((error as NodeJS.ErrnoException).code, 'ENOSPC');
    } finally {
      closeSync(fd);
    }
    const fullAt = Date.now();
    const logsBefore = first.logs.length;

    // Writes that still fit in the WAL's existing space succeed; the first that needs more fails.
    const acknowledgedEvents: string[] = [];
    const putFailure = await waitFor('a PutLogEvents to fail', async () => {
      const messages = Array.from({ length: 8 }, (_, k) => `event ${acknowledgedEvents.length + k} ${'x'.repeat(32_000)}`);
      try {
        await logs.send(new PutLogEventsCommand({ logGroupName: 'full', logStreamName: 's', logEvents: messages.map((message) => ({ timestamp: Date.now(), message })) }));
      } catch (error) {
        return error as Error & { $metadata?: { httpStatusCode?: number } };
      }
      acknowledgedEvents.push(...messages);
      return undefined;
    }, 20_000, 0);
    assert.equal(putFailure.name, 'ServiceUnavailableException');
    assert.equal(putFailure.$metadata?.httpStatusCode, 500);

    const acknowledgedJobs: string[] = [];
    const submitFailure = await waitFor('a SubmitJob to fail', async () => {
      try {
        const out = await batch.send(
          new SubmitJobCommand({ jobName: 'parked', jobQueue: parked.name, jobDefinition: parkedDefinition.name, parameters: { word: 'y'.repeat(20_000) } }),
        );
        acknowledgedJobs.push(out.jobId!);
      } catch (error) {
        return error as Error & { $metadata?: { httpStatusCode?: number } };
      }
      return undefined;
    }, 20_000, 0);
    assert.equal(submitFailure.name, 'ServerException');
    assert.equal(submitFailure.$metadata?.httpStatusCode, 500);

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, fullAt + FULL_MS - Date.now())));
    assert.equal((await describeJob(batch, jobId!)).status, 'RUNNING', 'the job still runs when space is freed');
    const whileFull = first.logs.slice(logsBefore);
    // Failed requests are logged one line each, as every failed request is; everything else
    // that warns did so once per cause, however long the disk stays full.
    const warnings = whileFull.filter((l) => Number(l['level']) >= 40 && l['msg'] !== 'operation failed');
    const described = warnings.map((l) => String(l['msg']));
    t.diagnostic(`${whileFull.length} log lines in ${Date.now() - fullAt} ms of full disk; warnings: ${JSON.stringify(described)}`);
    assert.ok(described.some((m) => /^WAL checkpoint of .*logs\.db failed/.test(m)), 'the checkpoints did fail');
    assert.ok(
      warnings.some((l) => /^Storing the output or state of a running job .* failed; it is retried$/.test(String(l['msg'])) && l['jobId'] === jobId),
      'the job met the full store',
    );
    // One warning per kind of background work (two checkpoint workers, the scheduler, the
    // attempts), however often each retried.
    assert.equal(new Set(described).size, described.length, 'no warning repeats');
    assert.ok(warnings.length <= 4, `${warnings.length} warnings`);

    rmSync(filler);
    const job = await waitForEnd(batch, jobId!, 120_000);
    assert.equal(job.status, 'SUCCEEDED', job.statusReason);
    assert.equal(job.attempts?.length, 1);
    const printed = await streamMessages(logs, '/aws/batch/job', stream);
    assert.deepEqual(printed, [...Array.from({ length: JOB_LINES }, (_, i) => `line ${i}`), 'done'], 'every line the job printed is stored, once');
    await logs.send(new PutLogEventsCommand({ logGroupName: 'full', logStreamName: 's', logEvents: [{ timestamp: Date.now(), message: 'after' }] }));
    acknowledgedEvents.push('after');
    acknowledgedJobs.push((await batch.send(new SubmitJobCommand({ jobName: 'after', jobQueue: parked.name, jobDefinition: parkedDefinition.name }))).jobId!);
    await waitFor('checkpoints to succeed again', async () =>
      first.logs.some((l) => /^WAL checkpoint of .*logs\.db succeeds again$/.test(String(l['msg'])) && l['level'] === 30) ? true : undefined,
    );

    // What was acknowledged is on disk: a restart on the same directory finds it all.
    batch.destroy();
    logs.destroy();
    assert.equal(await first.stop(), 0);
    barge = await startBarge({ dataDir });
    batch = batchClient(barge.url);
    logs = logsClient(barge.url);
    const stored = await logs.send(new GetLogEventsCommand({ logGroupName: 'full', logStreamName: 's', startFromHead: true }));
    assert.deepEqual((stored.events ?? []).map((e) => e.message), acknowledgedEvents);
    for (let i = 0; i < acknowledgedJobs.length; i += 100) {
      const chunk = acknowledgedJobs.slice(i, i + 100);
      const found = await batch.send(new DescribeJobsCommand({ jobs: chunk }));
      assert.equal(found.jobs?.length, chunk.length, 'every acknowledged job is there');
    }
  });
});
