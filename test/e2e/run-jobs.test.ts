import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ListJobsCommand, RegisterJobDefinitionCommand, SubmitJobCommand, type SubmitJobCommandInput, TerminateJobCommand } from '@aws-sdk/client-batch';
import { type CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { JobStatus } from '../../src/domain/jobs/job.js';
import { canTransition } from '../../src/domain/jobs/state-machine.js';
import { createEnvironment, createQueue, registerEcsDefinition, shellDefinition, uniqueName } from '../helpers/fixtures.js';
import { logsClient, streamMessages } from '../helpers/logs-client.js';
import { useBarge } from '../helpers/server.js';
import { describeJob, waitFor, waitForEnd, waitForStatus } from '../helpers/wait.js';

describe('jobs run as containers on the local Docker engine', () => {
  const server = useBarge({ args: ['--stop-grace-seconds', '2', '--job-pids-limit', '64'] });
  let logs: CloudWatchLogsClient;
  let queue: { name: string; arn: string };
  let ceName: string;
  let hostDir: string;
  before(async () => {
    logs = logsClient(server.barge.url);
    const ce = await createEnvironment(server.client, { maxvCpus: 8 });
    ceName = ce.name;
    queue = await createQueue(server.client, ce.arn);
    hostDir = mkdtempSync(join(tmpdir(), 'barge-out-'));
  });
  after(async () => {
    logs.destroy();
    rmSync(hostDir, { recursive: true, force: true });
  });

  const submit = (definition: string, extra: Partial<SubmitJobCommandInput> = {}) =>
    server.client.send(new SubmitJobCommand({ jobName: uniqueName('run'), jobQueue: queue.name, jobDefinition: definition, ...extra }));

  test('a job goes SUBMITTED → … → SUCCEEDED and its output is in CloudWatch Logs', async () => {
    const def = await shellDefinition(server.client, 'echo "hello Ref::who"; sleep 0.1; echo "to stderr" >&2; sleep 0.1; printf "no newline"', { parameters: { who: 'nobody' } });
    const { jobId } = await submit(def.name, { parameters: { who: 'world' } });
    const seen = new Set<string>();
    const job = await waitFor('job to end', async () => {
      const j = await describeJob(server.client, jobId!);
      seen.add(j.status!);
      return j.status === 'SUCCEEDED' || j.status === 'FAILED' ? j : undefined;
    }, 60_000, 20);
    assert.equal(job.status, 'SUCCEEDED', job.statusReason);
    assert.equal(job.container?.exitCode, 0);
    assert.equal(job.statusReason, 'Essential container in task exited');
    assert.ok(job.startedAt && job.stoppedAt && job.stoppedAt >= job.startedAt);
    assert.equal(job.attempts?.length, 1);
    const stream = job.container?.logStreamName;
    assert.match(stream ?? '', new RegExp(`^${def.name}/default/[0-9a-f]{32}$`));
    assert.equal(job.attempts?.[0]?.container?.logStreamName, stream);
    assert.match(job.container?.taskArn ?? '', /^arn:aws:ecs:us-east-1:123456789012:task\/.+\/[0-9a-f]{32}$/);
    const messages = await waitFor('log lines', async () => {
      const m = await streamMessages(logs, '/aws/batch/job', stream!);
      return m.length >= 3 ? m : undefined;
    });
    assert.deepEqual(messages, ['hello world', 'to stderr', 'no newline']);
    assert.ok(seen.has('SUCCEEDED'));
    // Every status change went through the state machine, and was logged from → to as it did.
    const logged = () => server.barge.logs.filter((l) => l['jobId'] === jobId && l['msg'] === 'job status changed').map((l) => [l['from'], l['to']] as [JobStatus, JobStatus]);
    const moves = await waitFor('the last status change in the log', async () => (logged().some(([, to]) => to === 'SUCCEEDED') ? logged() : undefined), 5000);
    assert.deepEqual(moves, [['SUBMITTED', 'RUNNABLE'], ['RUNNABLE', 'STARTING'], ['STARTING', 'RUNNING'], ['RUNNING', 'SUCCEEDED']]);
    for (const [from, to] of moves) assert.ok(canTransition(from, to), `${from} → ${to}`);
  });

  test("a RUNNING job's log stream exists before the job prints anything, as on AWS", async () => {
    const def = await shellDefinition(server.client, 'sleep 3; echo late');
    const { jobId } = await submit(def.name);
    const running = await waitForStatus(server.client, jobId!, ['RUNNING']);
    const stream = running.container?.logStreamName;
    assert.ok(stream, 'a RUNNING job shows its logStreamName');
    const early = await logs.send(new GetLogEventsCommand({ logGroupName: '/aws/batch/job', logStreamName: stream, startFromHead: true }));
    assert.deepEqual(early.events, []);
    assert.equal((await describeJob(server.client, jobId!)).status, 'RUNNING', 'the stream was read before the job printed');
    assert.equal((await waitForEnd(server.client, jobId!)).status, 'SUCCEEDED');
    assert.deepEqual(await streamMessages(logs, '/aws/batch/job', stream), ['late']);
  });

  test('a failing command ends FAILED with its exit code and AWS reason', async () => {
    const def = await shellDefinition(server.client, 'echo failing; exit 3');
    const { jobId } = await submit(def.name);
    const job = await waitForEnd(server.client, jobId!);
    assert.equal(job.status, 'FAILED');
    assert.equal(job.container?.exitCode, 3);
    assert.equal(job.statusReason, 'Essential container in task exited');
    assert.equal(job.attempts?.[0]?.statusReason, 'Essential container in task exited');
    const listed = await server.client.send(new ListJobsCommand({ jobQueue: queue.name, jobStatus: 'FAILED' }));
    const summary = listed.jobSummaryList?.find((j) => j.jobId === jobId);
    assert.equal(summary?.container?.exitCode, 3);
  });

  test('containers get AWS_BATCH_* variables, definition environment and overrides', async () => {
    const def = await shellDefinition(server.client, 'env | grep -E "^(AWS_BATCH|MY_)" | sort > /out/env-$AWS_BATCH_JOB_ID', {
      hostDir,
      environment: [{ name: 'MY_VAR', value: 'from-definition' }, { name: 'MY_OTHER', value: 'kept' }],
    });
    const { jobId } = await submit(def.name, { containerOverrides: { environment: [{ name: 'MY_VAR', value: 'overridden' }] } });
    const job = await waitForEnd(server.client, jobId!);
    assert.equal(job.status, 'SUCCEEDED', job.statusReason);
    const env = readFileSync(join(hostDir, `env-${jobId}`), 'utf8').trim().split('\n');
    assert.deepEqual(env, [
      'AWS_BATCH_CE_NAME=' + ceName,
      'AWS_BATCH_JOB_ATTEMPT=1',
      `AWS_BATCH_JOB_ID=${jobId}`,
      `AWS_BATCH_JQ_NAME=${queue.name}`,
      'MY_OTHER=kept',
      'MY_VAR=overridden',
    ]);
  });

  test('a retry that succeeds on its second attempt records both attempts', async () => {
    const def = await shellDefinition(server.client, 'echo "attempt $AWS_BATCH_JOB_ATTEMPT"; test "$AWS_BATCH_JOB_ATTEMPT" -ge 2', {
      retryStrategy: { attempts: 3 },
    });
    const { jobId } = await submit(def.name);
    const job = await waitForEnd(server.client, jobId!);
    assert.equal(job.status, 'SUCCEEDED', job.statusReason);
    assert.equal(job.attempts?.length, 2);
    assert.equal(job.attempts?.[0]?.container?.exitCode, 1);
    assert.equal(job.attempts?.[1]?.container?.exitCode, 0);
    const streams = job.attempts!.map((a) => a.container!.logStreamName!);
    assert.notEqual(streams[0], streams[1], 'each attempt has its own log stream');
    assert.deepEqual(await streamMessages(logs, '/aws/batch/job', streams[0]!), ['attempt 1']);
    assert.deepEqual(await streamMessages(logs, '/aws/batch/job', streams[1]!), ['attempt 2']);
  });

  test('evaluateOnExit EXIT stops retrying; unmatched exits retry', async () => {
    const def = await shellDefinition(server.client, 'exit 7', {
      retryStrategy: { attempts: 5, evaluateOnExit: [{ onExitCode: '7', action: 'EXIT' }, { onExitCode: '*', action: 'RETRY' }] },
    });
    const job = await waitForEnd(server.client, (await submit(def.name)).jobId!);
    assert.equal(job.status, 'FAILED');
    assert.equal(job.attempts?.length, 1);
    const retried = await shellDefinition(server.client, 'exit 8', {
      retryStrategy: { attempts: 2, evaluateOnExit: [{ onExitCode: '7', action: 'EXIT' }] },
    });
    const job2 = await waitForEnd(server.client, (await submit(retried.name)).jobId!);
    assert.equal(job2.status, 'FAILED');
    assert.equal(job2.attempts?.length, 2, 'no rule matched exit 8, so it was retried');
  });

  test('TerminateJob stops a running container and fails the job with the reason', async () => {
    const def = await shellDefinition(server.client, 'echo started; sleep 300');
    const { jobId } = await submit(def.name, { retryStrategy: { attempts: 3 } });
    await waitForStatus(server.client, jobId!, ['RUNNING']);
    await server.client.send(new TerminateJobCommand({ jobId: jobId!, reason: 'operator said stop' }));
    const job = await waitForEnd(server.client, jobId!, 30_000);
    assert.equal(job.status, 'FAILED');
    assert.equal(job.statusReason, 'operator said stop');
    assert.equal(job.isTerminated, true);
    assert.equal(job.attempts?.length, 1, 'terminated jobs are not retried');
  });

  test('a missing image fails the attempt with CannotPullContainerError', async () => {
    const def = await shellDefinition(server.client, 'true', { image: '127.0.0.1:1/missing:latest' });
    const job = await waitForEnd(server.client, (await submit(def.name)).jobId!);
    assert.equal(job.status, 'FAILED');
    assert.equal(job.statusReason, 'Task failed to start');
    assert.match(job.container?.reason ?? '', /^CannotPullContainerError: /);
    assert.equal(job.container?.logStreamName, undefined, 'no stream for an attempt that never ran');
  });

  test('a job printing a lot of output keeps the server memory bounded and every line is stored', async () => {
    const lines = 500_000;
    const def = await shellDefinition(server.client, `yes 0123456789012345678901234567890123456789012345678 | head -n ${lines}; echo last-line`, { memory: 256 });
    const { jobId } = await submit(def.name);
    let peakKb = 0;
    const job = await waitFor('the chatty job to end', async () => {
      const status = readFileSync(`/proc/${server.barge.process.pid}/status`, 'utf8');
      peakKb = Math.max(peakKb, Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0));
      const j = await describeJob(server.client, jobId!);
      return j.status === 'SUCCEEDED' || j.status === 'FAILED' ? j : undefined;
    }, 180_000, 200);
    assert.equal(job.status, 'SUCCEEDED', job.statusReason);
    process.stdout.write(`# 25 MB of output: Barge peak RSS ${Math.round(peakKb / 1024)} MiB\n`);
    assert.ok(peakKb < 300 * 1024, `Barge RSS peaked at ${peakKb} kB`);
    let count = 0;
    let lastMessage = '';
    let token: string | undefined;
    for (;;) {
      const page = await logs.send(new GetLogEventsCommand({ logGroupName: '/aws/batch/job', logStreamName: job.container!.logStreamName!, startFromHead: true, ...(token ? { nextToken: token } : {}) }));
      count += page.events?.length ?? 0;
      if (page.events?.length) lastMessage = page.events[page.events.length - 1]!.message!;
      if (page.nextForwardToken === token) break;
      token = page.nextForwardToken;
    }
    assert.equal(count, lines + 1);
    assert.equal(lastMessage, 'last-line');
  });

  test('a runaway job is held to --job-pids-limit; a definition with an nproc ulimit gets that many', async () => {
    // Forks up to 300 sleeps and prints how many processes it holds (shell builtins only: once
    // the cap is reached nothing else can fork), then its nproc ulimit.
    const script = '(i=0; while [ $i -lt 300 ]; do sleep 60 & i=$((i+1)); done) 2>/dev/null; set -- /proc/[0-9]*; echo $#; ulimit -u';
    const counts: number[] = [];
    for (const ulimits of [undefined, [{ name: 'nproc', softLimit: 200, hardLimit: 200 }]]) {
      const name = uniqueName('forks');
      await server.client.send(
        new RegisterJobDefinitionCommand({
          jobDefinitionName: name,
          type: 'container',
          containerProperties: {
            image: 'localhost/busybox:latest',
            command: ['sh', '-c', script],
            resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '256' }],
            ...(ulimits ? { ulimits } : {}),
          },
        }),
      );
      const job = await waitForEnd(server.client, (await submit(name)).jobId!);
      assert.equal(job.status, 'SUCCEEDED', job.statusReason);
      const output = await waitFor('the count', async () => {
        const m = await streamMessages(logs, '/aws/batch/job', job.container!.logStreamName!);
        return m.length >= 2 ? m : undefined;
      });
      counts.push(Number(output[0]));
      if (ulimits) assert.equal(output[1], '200', 'the ulimit applies as given');
    }
    const [capped, raised] = counts as [number, number];
    assert.ok(capped <= 64 && capped >= 61, `${capped} processes under the default limit of 64`);
    assert.ok(raised <= 200 && raised >= 197, `${raised} processes under nproc 200`);
  });

  test('a job kind Barge cannot run yet fails at once with a reason that says so', async () => {
    const name = await registerEcsDefinition(server.client);
    const job = await waitForEnd(server.client, (await submit(name)).jobId!);
    assert.equal(job.status, 'FAILED');
    assert.equal(job.statusReason, 'Task failed to start');
    assert.match(job.attempts?.[0]?.container?.reason ?? '', /multi-node, ecsProperties and eksProperties jobs are stored but not run yet/);
  });

  test('a job larger than any environment waits RUNNABLE with a reason that has the numbers', async () => {
    const def = await shellDefinition(server.client, 'true', { vcpus: 72 });
    const { jobId } = await submit(def.name);
    const job = await waitFor('a wait reason', async () => {
      const j = await describeJob(server.client, jobId!);
      return j.status === 'RUNNABLE' && j.statusReason ? j : undefined;
    });
    assert.match(job.statusReason!, /^MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE - the job needs 72 vCPUs but the largest compute environment of job queue .* allows 8/);
    const small = await shellDefinition(server.client, 'true');
    const after = await waitForEnd(server.client, (await submit(small.name)).jobId!);
    assert.equal(after.status, 'SUCCEEDED', 'a job that can never fit does not block the queue');
  });
});
