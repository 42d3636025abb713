import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SubmitJobCommand, TerminateJobCommand } from '@aws-sdk/client-batch';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { containersWithLabelValue } from '../helpers/docker.js';
import { createEnvironment, createQueue, shellDefinition, uniqueName } from '../helpers/fixtures.js';
import { logsClient, streamMessages } from '../helpers/logs-client.js';
import { useBarge } from '../helpers/server.js';
import { describeJob, waitFor, waitForEnd, waitForStatus } from '../helpers/wait.js';

const DOCKER_ENV = { ...process.env, DOCKER_API_VERSION: '1.41' };

/** Resolves as soon as the engine reports the container's exit (its wait endpoint, no CLI in between). */
function engineWait(container: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ socketPath: '/var/run/docker.sock', method: 'POST', path: `/v1.41/containers/${container}/wait` }, (response) => {
      response.resume();
      response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`wait answered ${response.statusCode}`))));
    });
    request.on('error', reject);
    request.end();
  });
}

/**
 * TerminateJob as AWS has it: the call answers as soon as the termination is recorded and the
 * container's stop is issued, however long the grace period, and an acknowledged terminate is
 * never followed by another attempt. Barge runs with a 300 s grace period here, so a call that
 * waited for the container would take minutes.
 */
describe('TerminateJob', () => {
  const server = useBarge({ args: ['--stop-grace-seconds', '300'] });
  let logs: CloudWatchLogsClient;
  let queue: string;
  let hostDir: string;
  before(async () => {
    logs = logsClient(server.barge.url);
    const ce = await createEnvironment(server.client, { maxvCpus: 4 });
    queue = (await createQueue(server.client, ce.arn)).name;
    hostDir = mkdtempSync(join(tmpdir(), 'barge-terminate-'));
  });
  after(() => {
    logs.destroy();
    rmSync(hostDir, { recursive: true, force: true });
  });

  const submit = async (definition: string, attempts = 1) =>
    (await server.client.send(new SubmitJobCommand({ jobName: uniqueName('t'), jobQueue: queue, jobDefinition: definition, retryStrategy: { attempts } }))).jobId!;

  test('answers within a second on a RUNNING job with a 300 s grace; the job ends FAILED with the reason when its container exits', async () => {
    // The shell ignores SIGTERM, so only the SIGKILL at the end of the grace period stops it.
    const def = await shellDefinition(server.client, "trap '' TERM; echo ready; sleep 1000");
    const jobId = await submit(def.name, 3);
    const running = await waitForStatus(server.client, jobId, ['RUNNING']);
    await waitFor('the trap to be set', async () => ((await streamMessages(logs, '/aws/batch/job', running.container!.logStreamName!)).includes('ready') ? true : undefined));

    const started = performance.now();
    await server.client.send(new TerminateJobCommand({ jobId, reason: 'shutting the workflow down' }));
    const answeredMs = performance.now() - started;
    assert.ok(answeredMs < 1000, `TerminateJob answered in ${Math.round(answeredMs)} ms`);
    process.stdout.write(`# TerminateJob on a RUNNING job ignoring SIGTERM, 300 s grace: answered in ${Math.round(answeredMs)} ms\n`);

    // The call did not cut the grace period short: the container still runs, and the job
    // already says it is terminated.
    const [container] = containersWithLabelValue('barge.job-id', jobId);
    assert.ok(container, 'the container exists');
    assert.equal(execFileSync('docker', ['inspect', '-f', '{{.State.Running}}', container], { env: DOCKER_ENV, encoding: 'utf8' }).trim(), 'true');
    const meanwhile = await describeJob(server.client, jobId);
    assert.equal(meanwhile.status, 'RUNNING');
    assert.equal(meanwhile.isTerminated, true);

    // The end of the grace period, without waiting 300 s: the engine kills the container.
    execFileSync('docker', ['kill', container], { env: DOCKER_ENV, stdio: 'ignore' });
    const ended = await waitForEnd(server.client, jobId, 30_000);
    assert.equal(ended.status, 'FAILED');
    assert.equal(ended.statusReason, 'shutting the workflow down');
    assert.equal(ended.isTerminated, true);
    assert.equal(ended.container?.exitCode, 137);
    assert.equal(ended.attempts?.length, 1, 'a terminated job is not retried');
  });

  test('an acknowledged TerminateJob is never followed by another attempt, even when it lands as the container exits with retries left', async () => {
    // Attempt 1 exits 1 when the test says so; any later attempt exits 1 at once, so a retry
    // that should not have happened shows quickly.
    const def = await shellDefinition(
      server.client,
      'if [ "$AWS_BATCH_JOB_ATTEMPT" = 1 ]; then while [ ! -e /out/exit-$AWS_BATCH_JOB_ID ]; do sleep 0.01; done; fi; exit 1',
      { hostDir },
    );
    const rounds = 64;
    const reason = 'terminated as it exited';
    const runRound = async (round: number) => {
      const jobId = await submit(def.name, 3);
      await waitFor('attempt 1 to run', async () => ((await describeJob(server.client, jobId)).status === 'RUNNING' ? true : undefined), 60_000, 10);
      const [container] = containersWithLabelValue('barge.job-id', jobId);
      const exited = engineWait(container!);
      writeFileSync(join(hostDir, `exit-${jobId}`), '');
      await exited;
      // Barge learns of the exit as the test does, from the engine; the terminate is sent at
      // once or a little later, so it lands while Barge reads the end of the output, records
      // the attempt, or has just sent the job back to RUNNABLE.
      await sleep(round % 16 * 5);
      await server.client.send(new TerminateJobCommand({ jobId, reason }));
      return { jobId, ended: await waitForEnd(server.client, jobId, 60_000) };
    };
    const results = [];
    for (let round = 0; round < rounds; round += 4) {
      results.push(...(await Promise.all([0, 1, 2, 3].map((i) => runRound(round + i)))));
    }

    const landed = new Map<string, number>();
    for (const { jobId, ended } of results) {
      assert.equal(ended.status, 'FAILED', jobId);
      assert.equal(ended.statusReason, reason, `${jobId}: the termination was not lost`);
      assert.equal(ended.isTerminated, true, jobId);
      // Attempt 2 may have been placed before the terminate landed; none after it. Barge logs
      // each change as it commits, in commit order.
      const lines = server.barge.logs.filter((l) => l['jobId'] === jobId);
      const recorded = lines.findIndex((l) => l['msg'] === 'job termination recorded; stopping its container' || (l['to'] === 'FAILED' && l['reason'] === reason));
      assert.ok(recorded >= 0, `${jobId}: the termination was recorded`);
      const placedAfter = lines.slice(recorded).filter((l) => l['msg'] === 'job status changed' && l['to'] === 'STARTING');
      assert.deepEqual(placedAfter, [], `${jobId}: no attempt was placed after the termination was recorded`);
      assert.ok((ended.attempts?.length ?? 0) <= 2, `${jobId} ran ${ended.attempts?.length} attempts`);
      const where = lines.some((l) => /^a TerminateJob landed as the attempt ended/.test(String(l['msg'])))
        ? 'as the result of attempt 1 was recorded'
        : lines[recorded]!['from'] === 'RUNNABLE'
          ? 'after the retry was recorded'
          : ended.attempts!.length === 2
            ? 'on attempt 2, placed before it'
            : 'before Barge read the result of attempt 1';
      landed.set(where, (landed.get(where) ?? 0) + 1);
    }
    process.stdout.write(`# ${rounds} terminates around the exit landed: ${[...landed].map(([where, n]) => `${n} ${where}`).join(', ')}\n`);
  });
});
