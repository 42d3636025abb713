import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type BatchClient, type JobDetail, SubmitJobCommand } from '@aws-sdk/client-batch';
import { batchClient } from '../helpers/clients.js';
import { createEnvironment, createQueue, shellDefinition } from '../helpers/fixtures.js';
import { PrivateEngine } from '../helpers/private-engine.js';
import { type BargeProcess, startBarge } from '../helpers/server.js';
import { describeJob, waitFor, waitForEnd, waitForStatus } from '../helpers/wait.js';

const ENGINE_WAIT = 'waiting for the Docker engine to answer';

/**
 * "A Docker engine restart does not wedge Barge": the engine is stopped under running jobs,
 * both as a service manager stops it (SIGTERM: it kills the containers, then exits) and as a
 * crash (SIGKILL: containers outlive it until it starts again and stops them). The shared
 * engine serves other tests, so these run against an engine of their own.
 */
describe('Docker engine restart', () => {
  let engine: PrivateEngine;
  let barge: BargeProcess;
  let client: BatchClient;
  let queueName: string;
  let hostDir: string;
  let definition: string;
  let noRetryDefinition: string;

  before(async () => {
    engine = await PrivateEngine.create();
    barge = await startBarge({ args: ['--docker-socket', engine.socket, '--stop-grace-seconds', '2'] });
    client = batchClient(barge.url);
    const ce = await createEnvironment(client, { maxvCpus: 8 });
    queueName = (await createQueue(client, ce.arn)).name;
    hostDir = mkdtempSync(join(tmpdir(), 'barge-engine-runs-'));
    // Every attempt that begins writes one line, so an attempt started twice would show. The first
    // attempt runs until the engine goes; a retry ends at once. The shell runs as PID 1, which ignores
    // SIGTERM, so a stopping engine has to kill it, as it would a real job that does not stop.
    const script = 'echo "$AWS_BATCH_JOB_ID $AWS_BATCH_JOB_ATTEMPT" >> /out/runs; [ "$AWS_BATCH_JOB_ATTEMPT" = 1 ] && [ "$FIRST_RUN" = long ] && sleep 600; echo done';
    definition = (await shellDefinition(client, script, { hostDir, retryStrategy: { attempts: 2 } })).name;
    noRetryDefinition = (await shellDefinition(client, script, { hostDir, retryStrategy: { attempts: 1 } })).name;
  });

  after(async () => {
    client?.destroy();
    try {
      await barge?.stop();
    } finally {
      await engine?.destroy();
      if (hostDir) rmSync(hostDir, { recursive: true, force: true });
    }
  });

  const submit = async (name: string, jobDefinition: string, firstRun: 'long' | 'short') =>
    (
      await client.send(
        new SubmitJobCommand({
          jobName: name,
          jobQueue: queueName,
          jobDefinition,
          containerOverrides: { environment: [{ name: 'FIRST_RUN', value: firstRun }] },
        }),
      )
    ).jobId!;

  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    test(`${signal} to the engine under running jobs: attempts end with a reason, retry per strategy, nothing is lost`, async () => {
      // A test that failed half way may have left the engine down.
      if (!engine.running) await engine.start();
      const retried = await submit(`retried-${signal}`, definition, 'long');
      const noRetry = await submit(`no-retry-${signal}`, noRetryDefinition, 'long');
      await waitForStatus(client, retried, ['RUNNING']);
      await waitForStatus(client, noRetry, ['RUNNING']);

      engine.signal(signal);
      // The running attempts end while the engine goes away; the retried job must wait for the
      // engine instead of spending its second attempt against a dead socket.
      const waiting = await waitForStatus(client, retried, ['RUNNABLE', 'SUCCEEDED', 'FAILED'], 60_000);
      await engine.stopped;
      assert.equal(waiting.status, 'RUNNABLE', `the retry must wait for the engine: ${JSON.stringify(waiting.attempts)}`);
      const submittedWhileDown = await submit(`while-down-${signal}`, definition, 'short');
      for (const jobId of [retried, submittedWhileDown]) {
        let last: JobDetail | undefined;
        const job = await waitFor(`${jobId} to say it waits for the engine`, async () => {
          last = await describeJob(client, jobId);
          return last.statusReason?.includes(ENGINE_WAIT) ? last : undefined;
        }, 30_000).catch((error: Error) => {
          throw new Error(`${error.message}; last seen ${last?.status}: ${last?.statusReason}`);
        });
        assert.equal(job.status, 'RUNNABLE');
      }
      const failed = await waitForEnd(client, noRetry);
      assertEndedByEngine(failed, 'FAILED', 1);
      assert.equal(failed.statusReason, failed.attempts![0]!.statusReason, 'the job says why its only attempt ended');
      // Waiting more scheduling passes with the engine down changes nothing.
      await new Promise((r) => setTimeout(r, 2000));
      const stillWaiting = await describeJob(client, retried);
      assert.equal(stillWaiting.status, 'RUNNABLE');
      assert.equal(stillWaiting.attempts?.length, 1, 'no attempt is used up while the engine is down');

      await engine.start();
      const succeeded = await waitForEnd(client, retried, 120_000);
      assertEndedByEngine(succeeded, 'SUCCEEDED', 2);
      assert.equal(succeeded.attempts![1]!.container?.exitCode, 0);
      const late = await waitForEnd(client, submittedWhileDown, 120_000);
      assert.equal(late.status, 'SUCCEEDED', late.statusReason);
      assert.equal(late.attempts?.length, 1);

      const runs = readFileSync(join(hostDir, 'runs'), 'utf8').split('\n');
      for (const [jobId, attempts] of [[retried, 2], [noRetry, 1], [submittedWhileDown, 1]] as const) {
        const started = runs.filter((line) => line.startsWith(`${jobId} `)).sort();
        assert.deepEqual(started, Array.from({ length: attempts }, (_, i) => `${jobId} ${i + 1}`), `each attempt of ${jobId} started once`);
      }
      await waitFor('every container of these jobs to be removed', async () => {
        const left = (await engine.containerNames()).filter((n) => [retried, noRetry, submittedWhileDown].some((id) => n.includes(id)));
        return left.length === 0 ? true : undefined;
      }, 30_000).catch(async (error: Error) => {
        throw new Error(`${error.message}; left: ${(await engine.containerNames()).join(', ')}`);
      });
    });
  }
  test('engine down when Barge starts: recovery is retried once a second and warned about once, jobs run when it answers', async () => {
    if (engine.running) await engine.stop('SIGTERM');
    const late = await startBarge({ args: ['--docker-socket', engine.socket, '--stop-grace-seconds', '2'] });
    const lateClient = batchClient(late.url);
    try {
      const ce = await createEnvironment(lateClient, { maxvCpus: 4 });
      const queue = (await createQueue(lateClient, ce.arn)).name;
      const jobDefinition = (await shellDefinition(lateClient, 'echo ok', { retryStrategy: { attempts: 1 } })).name;
      // Every submit wakes the scheduler; each wake used to retry recovery and warn (every ~7 ms
      // under a stream of submits).
      const jobIds: string[] = [];
      for (let i = 0; i < 30; i++) {
        jobIds.push((await lateClient.send(new SubmitJobCommand({ jobName: `while-absent-${i}`, jobQueue: queue, jobDefinition }))).jobId!);
        await new Promise((r) => setTimeout(r, 50));
      }
      const recoveryLines = () => late.logs.filter((l) => String(l['msg']).startsWith('Recovering running jobs'));
      const warnings = recoveryLines().filter((l) => l['level'] === 40);
      assert.equal(warnings.length, 1, `one warning while the engine is absent: ${JSON.stringify(warnings.map((w) => w['msg']))}`);
      assert.match(String(warnings[0]!['msg']), /failed; it is retried/);

      await engine.start();
      for (const jobId of jobIds) {
        const job = await waitForEnd(lateClient, jobId, 120_000);
        assert.equal(job.status, 'SUCCEEDED', job.statusReason);
      }
      assert.ok(recoveryLines().some((l) => l['level'] === 30 && String(l['msg']).endsWith('succeeds again')), 'the recovery says it succeeded');
    } finally {
      lateClient.destroy();
      await late.stop();
    }
  });
});

/** The job ended as `status` after `attempts` attempts, the first one ended by the engine going away, and says so. */
function assertEndedByEngine(job: JobDetail, status: 'SUCCEEDED' | 'FAILED', attempts: number): void {
  const detail = JSON.stringify(job.attempts);
  assert.equal(job.status, status, `${job.statusReason}: ${detail}`);
  assert.equal(job.attempts?.length, attempts, detail);
  const first = job.attempts![0]!;
  assert.ok(first.startedAt && first.stoppedAt, `the first attempt has a start and an end: ${detail}`);
  const reason = first.statusReason ?? '';
  // Either the engine killed the container and reported its exit, or Barge lost it with the engine.
  const clear =
    (reason === 'Essential container in task exited' && first.container?.exitCode !== undefined && first.container.exitCode !== 0) ||
    /^Container of attempt 1 was lost: .+/.test(reason);
  assert.ok(clear, `the first attempt ends with a clear reason: ${detail}`);
}
