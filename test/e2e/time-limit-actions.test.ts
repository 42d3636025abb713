import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { describe, test } from 'node:test';
import { type BatchClient, CreateJobQueueCommand, type JobStateTimeLimitAction, SubmitJobCommand } from '@aws-sdk/client-batch';
import { batchClient } from '../helpers/clients.js';
import { createEnvironment, shellDefinition, uniqueName } from '../helpers/fixtures.js';
import { type BargeProcess, makeDataDir, startBarge } from '../helpers/server.js';
import { describeJob, waitFor, waitForEnd } from '../helpers/wait.js';

/** From Debian's `faketime` package (through its `libfaketime` dependency), which `scripts/setup.sh --test` installs. */
const LIBFAKETIME = `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu/faketime/libfaketime.so.1`;
const NEVER_FITS = 'MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE';

async function queueWithAction(client: BatchClient, ceArn: string, reason: string): Promise<string> {
  const name = uniqueName('q');
  const action: JobStateTimeLimitAction = { state: 'RUNNABLE', reason, maxTimeSeconds: 600, action: 'CANCEL' };
  await client.send(
    new CreateJobQueueCommand({ jobQueueName: name, priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: ceArn }], jobStateTimeLimitActions: [action] }),
  );
  return name;
}

/** Waits until the scheduler has seen the job and given it its wait reason. */
function waitForReason(client: BatchClient, jobId: string, prefix: string) {
  return waitFor(`job ${jobId} to wait with ${prefix}`, async () => {
    const job = await describeJob(client, jobId);
    return job.status === 'RUNNABLE' && job.statusReason?.startsWith(prefix) ? job : undefined;
  });
}

/*
 * AWS's shortest time limit is 600 s. Rather than wait ten minutes, or give Barge a test-only
 * clock, the test restarts Barge on the same data directory under libfaketime, 700 s in the
 * future: to Barge the jobs have then waited RUNNABLE for over 600 s. Only the wall clock jumps
 * (DONT_FAKE_MONOTONIC), so Node's timers, which run on the monotonic clock, behave as usual.
 */
describe('jobStateTimeLimitActions', () => {
  test('a job RUNNABLE longer than maxTimeSeconds with the action reason is cancelled', async (t) => {
    assert.ok(existsSync(LIBFAKETIME), `${LIBFAKETIME} is missing: install the faketime package (scripts/setup.sh --test does)`);
    const dataDir = makeDataDir();
    let barge: BargeProcess | undefined;
    let client: BatchClient | undefined;
    t.after(async () => {
      client?.destroy();
      await barge?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    barge = await startBarge({ dataDir });
    client = batchClient(barge.url);
    const ce = await createEnvironment(client, { maxvCpus: 1 });
    const matching = await queueWithAction(client, ce.arn, NEVER_FITS);
    const otherReason = await queueWithAction(client, ce.arn, 'CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY');
    const tooBig = await shellDefinition(client, 'true', { vcpus: 4 });
    const cancelled = (await client.send(new SubmitJobCommand({ jobName: 'too-big', jobQueue: matching, jobDefinition: tooBig.name }))).jobId!;
    const kept = (await client.send(new SubmitJobCommand({ jobName: 'too-big-too', jobQueue: otherReason, jobDefinition: tooBig.name }))).jobId!;
    await waitForReason(client, cancelled, NEVER_FITS);
    await waitForReason(client, kept, NEVER_FITS);
    // A few passes after the reason appeared, well under 600 s: nothing is cancelled yet.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.equal((await describeJob(client, cancelled)).status, 'RUNNABLE');

    client.destroy();
    assert.equal(await barge.stop(), 0);
    barge = await startBarge({
      dataDir,
      env: { LD_PRELOAD: LIBFAKETIME, FAKETIME: '+700s', DONT_FAKE_MONOTONIC: '1' },
    });
    client = batchClient(barge.url);

    const job = await waitForEnd(client, cancelled, 30_000);
    assert.equal(job.status, 'FAILED');
    assert.equal(job.statusReason, `Canceled by JobStateTimeLimit action due to reason: ${NEVER_FITS}`);
    assert.equal(job.isCancelled, true);
    assert.equal(job.attempts?.length ?? 0, 0, 'a cancelled job never ran');
    assert.ok(job.stoppedAt! - job.createdAt! >= 600_000, `stoppedAt is on the faked clock, 600 s or more after createdAt (${job.stoppedAt! - job.createdAt!} ms)`);

    // The other queue's action names a reason this job does not wait with: it keeps waiting.
    const other = await waitForReason(client, kept, NEVER_FITS);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.equal((await describeJob(client, kept)).status, 'RUNNABLE', `still waiting: ${other.statusReason}`);
  });
});
