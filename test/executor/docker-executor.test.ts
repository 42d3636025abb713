import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ContainerStartError, type ContainerSpec, type LogLine } from '../../src/domain/executor.js';
import { pidsLimit } from '../../src/executor/docker/container-config.js';
import { DockerExecutor } from '../../src/executor/docker/docker-executor.js';
import { parseNanos } from '../../src/executor/docker/engine-time.js';
import { MAX_LINE_BYTES } from '../../src/executor/docker/log-lines.js';
import {
  UNREACHABLE_IMAGE,
  containerSpec,
  containersNamed,
  engine,
  runLabel,
  runToExit,
} from './docker-fixtures.js';

const executor = new DockerExecutor({ pullPolicy: 'if-not-present', networkMode: 'none', instanceLabel: runLabel });

after(async () => {
  for (const c of await executor.list()) await executor.remove(c.containerId);
});

test('the engine answers and host CPUs are reported', async () => {
  assert.equal(await executor.ping(), true);
  assert.equal(executor.hostCpus(), availableParallelism());
  const nowhere = new DockerExecutor({ pullPolicy: 'never', socketPath: '/nonexistent/docker.sock' });
  assert.equal(await nowhere.ping(), false);
});

test('environment and command reach the container', async (t) => {
  const run = await runToExit(
    executor,
    containerSpec({ command: ['sh', '-c', 'echo "$GREETING from $AWS_BATCH_JOB_ID"'], environment: { GREETING: 'hello', AWS_BATCH_JOB_ID: 'job-a' } }),
  );
  t.after(() => executor.remove(run.containerId));
  assert.deepEqual(run.stdout, ['hello from job-a']);
  assert.equal(run.exit.exitCode, 0);
});

test('exit codes, start and finish times are reported', async (t) => {
  for (const code of [0, 1, 42]) {
    const before = Date.now();
    const run = await runToExit(executor, containerSpec({ command: ['sh', '-c', `exit ${code}`] }));
    t.after(() => executor.remove(run.containerId));
    assert.equal(run.exit.exitCode, code);
    assert.equal(run.exit.oomKilled, false);
    assert.ok(run.exit.startedAt !== undefined && run.exit.finishedAt !== undefined);
    assert.ok(run.exit.startedAt >= before - 1000 && run.exit.finishedAt >= run.exit.startedAt);
  }
});

test('a container over its memory limit is OOM-killed', async (t) => {
  const run = await runToExit(
    executor,
    containerSpec({ memoryMiB: 8, command: ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=64M', 'count=1'] }),
  );
  t.after(() => executor.remove(run.containerId));
  assert.equal(run.exit.exitCode, 137);
  assert.equal(run.exit.oomKilled, true);
});

test('stdout and stderr arrive in order with timestamps, and a last line needs no newline', async (t) => {
  const started = Date.now();
  const run = await runToExit(
    executor,
    containerSpec({ command: ['sh', '-c', 'echo out1; echo err1 >&2; echo; echo out2; echo err2 >&2; printf last'] }),
  );
  t.after(() => executor.remove(run.containerId));
  assert.deepEqual(run.stdout, ['out1', '', 'out2', 'last']);
  assert.deepEqual(run.stderr, ['err1', 'err2']);
  // The engine copies stdout and stderr in separate goroutines: each stream's lines come in
  // order of their timestamps, but a line of one stream may be logged after a later-stamped
  // line of the other.
  for (const stream of ['stdout', 'stderr'] as const) {
    const lines = run.lines.filter((l) => l.stream === stream);
    const nanos = lines.map((l) => parseNanos(l.cursor));
    nanos.forEach((n, i) => {
      assert.ok(n !== undefined, `cursor ${lines[i]!.cursor}`);
      if (i > 0) assert.ok(n >= nanos[i - 1]!, `${stream} lines come in engine order`);
    });
  }
  for (const line of run.lines) assert.ok(line.timestamp >= started - 1000 && line.timestamp <= Date.now());
});

test('a line longer than the engine splits is joined; one longer than an event is cut', async (t) => {
  const run = await runToExit(
    executor,
    containerSpec({ command: ['sh', '-c', 'head -c 40000 /dev/zero | tr "\\0" a; echo; head -c 600000 /dev/zero | tr "\\0" b; echo'] }),
  );
  t.after(() => executor.remove(run.containerId));
  assert.deepEqual(
    run.stdout.map((m) => [m[0], m.length]),
    [['a', 40_000], ['b', MAX_LINE_BYTES], ['b', MAX_LINE_BYTES], ['b', 600_000 - 2 * MAX_LINE_BYTES]],
  );
});

test('following again after a cursor delivers only the later lines', async (t) => {
  const run = await runToExit(executor, containerSpec({ command: ['sh', '-c', 'for i in 1 2 3 4 5 6 7 8 9 10; do echo $i; done'] }));
  t.after(() => executor.remove(run.containerId));
  assert.equal(run.stdout.length, 10);

  const resumed: LogLine[] = [];
  const exit = await executor.follow(run.containerId, run.lines[3]!.cursor, async (batch) => {
    resumed.push(...batch);
  });
  assert.deepEqual(resumed.map((l) => l.message), ['5', '6', '7', '8', '9', '10']);
  assert.deepEqual(resumed, run.lines.slice(4));
  assert.equal(exit.exitCode, 0);

  let more = 0;
  await executor.follow(run.containerId, run.lines[9]!.cursor, async (batch) => {
    more += batch.length;
  });
  assert.equal(more, 0);
});

test('a slow consumer slows the reader: 50 MB of output with bounded memory', async (t) => {
  // 49,950 lines of 1,000 characters plus a last line of 50 without a newline: 50,000,000 bytes.
  const spec = containerSpec({ command: ['sh', '-c', `yes ${'x'.repeat(1000)} | head -c 50000000`] });
  const { containerId } = await executor.start(spec);
  t.after(() => executor.remove(containerId));
  let lines = 0;
  let bytes = 0;
  let largestBatch = 0;
  let peakRss = 0;
  const exit = await executor.follow(containerId, undefined, async (batch) => {
    lines += batch.length;
    largestBatch = Math.max(largestBatch, batch.length);
    for (const line of batch) bytes += line.message.length;
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    await new Promise((resolve) => setImmediate(resolve));
  });
  assert.equal(exit.exitCode, 0);
  assert.equal(lines, 49_951);
  assert.equal(bytes + 49_950, 50_000_000);
  assert.ok(largestBatch <= 500, `batch of ${largestBatch} lines`);
  t.diagnostic(`peak RSS ${Math.round(peakRss / 1024 / 1024)} MiB`);
  assert.ok(peakRss < 300 * 1024 * 1024, `peak RSS ${Math.round(peakRss / 1024 / 1024)} MiB`);
});

test('start() is idempotent on the container name, also when two calls race', async (t) => {
  const spec = containerSpec({ command: ['sleep', '300'] });
  const first = await executor.start(spec);
  t.after(() => executor.remove(first.containerId));
  const second = await executor.start(spec);
  assert.equal(second.containerId, first.containerId);
  assert.equal(second.startedAt, first.startedAt);
  assert.equal((await containersNamed(spec.name)).length, 1);

  // Concurrent calls on one executor, and on two executors as two Barge processes would race.
  const twin = new DockerExecutor({ pullPolicy: 'never', networkMode: 'none', instanceLabel: runLabel });
  for (const starters of [[executor, executor, executor], [executor, twin, twin]]) {
    const raced = containerSpec({ command: ['sleep', '300'] });
    const results = await Promise.all(starters.map((e) => e.start(raced)));
    t.after(() => executor.remove(results[0]!.containerId));
    assert.equal(new Set(results.map((r) => r.containerId)).size, 1);
    assert.equal((await containersNamed(raced.name)).length, 1);
  }
});

test('an exited container of the same name is returned, not run again', async (t) => {
  const spec = containerSpec({ command: ['sh', '-c', 'echo once; exit 3'] });
  const run = await runToExit(executor, spec);
  t.after(() => executor.remove(run.containerId));
  const again = await executor.start(spec);
  assert.equal(again.containerId, run.containerId);
  const lines: string[] = [];
  const exit = await executor.follow(again.containerId, undefined, async (b) => {
    lines.push(...b.map((l) => l.message));
  });
  assert.deepEqual(lines, ['once']);
  assert.equal(exit.exitCode, 3);
});

test('pull policy never refuses an image that is not present', async () => {
  const never = new DockerExecutor({ pullPolicy: 'never', networkMode: 'none', instanceLabel: runLabel });
  const spec = containerSpec({ image: UNREACHABLE_IMAGE });
  await assert.rejects(never.start(spec), (error: unknown) => {
    assert.ok(error instanceof ContainerStartError);
    assert.equal(error.reason, `CannotPullContainerError: image ${UNREACHABLE_IMAGE} is not present locally and the pull policy is never`);
    return true;
  });
  assert.equal((await containersNamed(spec.name)).length, 0);
});

test('an image that cannot be pulled fails with CannotPullContainerError', async () => {
  for (const pullPolicy of ['if-not-present', 'always'] as const) {
    const puller = new DockerExecutor({ pullPolicy, networkMode: 'none', instanceLabel: runLabel });
    const spec = containerSpec({ image: UNREACHABLE_IMAGE });
    await assert.rejects(puller.start(spec), (error: unknown) => {
      assert.ok(error instanceof ContainerStartError, String(error));
      assert.match(error.reason, /^CannotPullContainerError: .*127\.0\.0\.1:1/);
      assert.ok(error.reason.length <= 255);
      return true;
    });
    assert.equal((await containersNamed(spec.name)).length, 0);
  }
});

test('stop() ends a running container: SIGTERM, then SIGKILL after the grace period', async (t) => {
  const { containerId } = await executor.start(containerSpec({ command: ['sleep', '300'] }));
  t.after(() => executor.remove(containerId));
  const exited = executor.follow(containerId, undefined, async () => {});
  const stopping = Date.now();
  await executor.stop(containerId, 1);
  const exit = await exited;
  assert.ok(exit.exitCode === 137 || exit.exitCode === 143, `exit ${exit.exitCode}`);
  assert.ok(Date.now() - stopping < 30_000);
  await executor.stop(containerId, 1);
  await executor.stop('no-such-container-barge-test', 1);
  await executor.remove('no-such-container-barge-test');
});

test('user, read-only root file system, ulimits, init, shared memory and tmpfs are applied', async (t) => {
  const user = await runToExit(executor, containerSpec({ user: 'nobody', command: ['id', '-u'] }));
  t.after(() => executor.remove(user.containerId));
  assert.deepEqual(user.stdout, ['65534']);

  const readonly = await runToExit(executor, containerSpec({ readonlyRootFilesystem: true, command: ['touch', '/x'] }));
  t.after(() => executor.remove(readonly.containerId));
  assert.notEqual(readonly.exit.exitCode, 0);
  assert.match(readonly.stderr.join('\n'), /Read-only file system/);

  const ulimit = await runToExit(
    executor,
    containerSpec({ ulimits: [{ name: 'nofile', soft: 1234, hard: 2048 }], command: ['sh', '-c', 'ulimit -n; ulimit -Hn'] }),
  );
  t.after(() => executor.remove(ulimit.containerId));
  assert.deepEqual(ulimit.stdout, ['1234', '2048']);

  const init = await runToExit(executor, containerSpec({ initProcessEnabled: true, command: ['cat', '/proc/1/cmdline'] }));
  t.after(() => executor.remove(init.containerId));
  assert.match(init.stdout.join(''), /docker-init/);

  const mounts = await runToExit(
    executor,
    containerSpec({
      sharedMemoryMiB: 16,
      tmpfs: [{ containerPath: '/scratch', sizeMiB: 8, options: ['noexec'] }],
      command: ['sh', '-c', 'df -m /dev/shm /scratch; grep /scratch /proc/mounts'],
    }),
  );
  t.after(() => executor.remove(mounts.containerId));
  const output = mounts.stdout.join('\n');
  assert.match(output, /\s16\s.*\/dev\/shm/);
  assert.match(output, /\s8\s.*\/scratch/);
  assert.match(output, /noexec/);
});

/**
 * Forks up to 200 `sleep`s, then reports how many processes the container holds, with shell
 * builtins only (once the cap is reached nothing else can fork), and its nproc ulimits.
 */
const FORK_LOOP = [
  'sh',
  '-c',
  '(i=0; while [ $i -lt 200 ]; do sleep 60 & i=$((i+1)); done) 2>/dev/null; set -- /proc/[0-9]*; echo $#; ulimit -u; ulimit -Hu',
];

async function processesAfterForkLoop(t: { after: (fn: () => Promise<void>) => void }, runner: DockerExecutor, overrides: Partial<ContainerSpec> = {}) {
  const run = await runToExit(runner, containerSpec({ command: FORK_LOOP, ...overrides }));
  t.after(() => runner.remove(run.containerId));
  assert.equal(run.exit.exitCode, 0, run.stderr.join('\n'));
  const info = await engine.getContainer(run.containerId).inspect();
  const [processes, soft, hard] = run.stdout;
  return { processes: Number(processes), nproc: [soft, hard], pidsLimit: info.HostConfig.PidsLimit };
}

test('a job holds at most the pids limit of processes; an nproc ulimit replaces that limit and applies as given', async (t) => {
  const limited = new DockerExecutor({ pullPolicy: 'never', networkMode: 'none', instanceLabel: runLabel, pidsLimit: 40 });
  // Without a limit the loop gets all 200 (plus the shell): the probe itself can fail.
  const free = await processesAfterForkLoop(t, executor);
  assert.equal(free.processes, 201);

  const capped = await processesAfterForkLoop(t, limited);
  assert.equal(capped.pidsLimit, 40);
  assert.ok(capped.processes <= 40 && capped.processes >= 37, `${capped.processes} processes`);

  // Root is exempt from RLIMIT_NPROC, so the ulimit alone would not hold it: the hard limit
  // becomes the container's pids limit, lower or higher than the default.
  const fewer = await processesAfterForkLoop(t, limited, { ulimits: [{ name: 'nproc', soft: 10, hard: 20 }] });
  assert.equal(fewer.pidsLimit, 20);
  assert.deepEqual(fewer.nproc, ['10', '20']);
  assert.ok(fewer.processes <= 20 && fewer.processes >= 17, `${fewer.processes} processes`);
  const more = await processesAfterForkLoop(t, limited, { ulimits: [{ name: 'nproc', soft: 150, hard: 150 }] });
  assert.equal(more.pidsLimit, 150);
  assert.ok(more.processes <= 150 && more.processes >= 147, `${more.processes} processes`);

  // For any other user the kernel applies the soft ulimit as given, below the pids limit.
  const user = await processesAfterForkLoop(t, limited, { user: 'nobody', ulimits: [{ name: 'nproc', soft: 10, hard: 20 }] });
  assert.equal(user.pidsLimit, 20);
  assert.deepEqual(user.nproc, ['10', '20']);
  assert.ok(user.processes <= 10, `${user.processes} processes`);

  // -1 is "unlimited" in Docker's ulimit syntax. This engine refuses to raise nproc past its own
  // hard limit (the job fails to start, as `docker run --ulimit nproc=-1` does here), but one run
  // with LimitNPROC=infinity (Debian's docker.service) takes it, and then no pids limit applies.
  assert.equal(pidsLimit([{ name: 'nproc', soft: -1, hard: -1 }], 40), -1);
  assert.equal(pidsLimit([{ name: 'nofile', soft: 10, hard: 10 }], 40), 40);
  assert.equal(pidsLimit([], 0), -1);
});

test('labels and resource limits are set on the container', async (t) => {
  const { containerId } = await executor.start(
    containerSpec({ jobId: 'job-labels', attempt: 2, vcpus: 64, memoryMiB: 96, labels: { team: 'science' }, command: ['true'] }),
  );
  t.after(() => executor.remove(containerId));
  const info = await engine.getContainer(containerId).inspect();
  assert.equal(info.Config.Labels['barge.job-id'], 'job-labels');
  assert.equal(info.Config.Labels['barge.attempt'], '2');
  assert.equal(info.Config.Labels['barge.instance'], runLabel);
  assert.equal(info.Config.Labels.team, 'science');
  assert.equal(info.HostConfig.Memory, 96 * 1024 * 1024);
  assert.equal(info.HostConfig.NanoCpus, availableParallelism() * 1e9);
  assert.equal(info.HostConfig.CpuShares, 64 * 1024);
  assert.equal(info.HostConfig.NetworkMode, 'none');
  assert.equal(info.HostConfig.LogConfig?.Type, 'json-file');
});

test('a bind mount shares a host directory', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'barge-mount-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const write = await runToExit(
    executor,
    containerSpec({ mounts: [{ hostPath: dir, containerPath: '/data', readOnly: false }], command: ['sh', '-c', 'echo written > /data/out.txt'] }),
  );
  t.after(() => executor.remove(write.containerId));
  assert.equal(write.exit.exitCode, 0);
  assert.equal(await readFile(join(dir, 'out.txt'), 'utf8'), 'written\n');

  const readOnly = await runToExit(
    executor,
    containerSpec({ mounts: [{ hostPath: dir, containerPath: '/data', readOnly: true }], command: ['sh', '-c', 'cat /data/out.txt; touch /data/x'] }),
  );
  t.after(() => executor.remove(readOnly.containerId));
  assert.deepEqual(readOnly.stdout, ['written']);
  assert.notEqual(readOnly.exit.exitCode, 0);
});

test('containers the engine refuses fail with ContainerStartError and are not left behind', async () => {
  const cases = [
    { spec: containerSpec({ mounts: [{ hostPath: 'not/absolute', containerPath: '/data', readOnly: false }] }), prefix: 'CannotCreateContainerError: ' },
    { spec: containerSpec({ user: 'no-such-user', command: ['true'] }), prefix: 'CannotStartContainerError: ' },
  ];
  for (const { spec, prefix } of cases) {
    await assert.rejects(executor.start(spec), (error: unknown) => {
      assert.ok(error instanceof ContainerStartError, String(error));
      assert.ok(error.reason.startsWith(prefix), error.reason);
      assert.ok(error.reason.length <= 255);
      return true;
    });
    assert.equal((await containersNamed(spec.name)).length, 0);
  }
});

test('a privileged container runs, or fails to start with a reason where the host forbids it', async (t) => {
  const spec = containerSpec({ privileged: true, command: ['true'] });
  try {
    const run = await runToExit(executor, spec);
    t.after(() => executor.remove(run.containerId));
    assert.equal(run.exit.exitCode, 0);
  } catch (error) {
    assert.ok(error instanceof ContainerStartError, String(error));
    assert.match(error.reason, /^CannotStartContainerError: /);
    t.diagnostic(error.reason);
    assert.equal((await containersNamed(spec.name)).length, 0);
  }
});

test('list() returns this installation’s containers and no one else’s', async (t) => {
  const other = new DockerExecutor({ pullPolicy: 'never', networkMode: 'none', instanceLabel: `${runLabel}-other` });
  const mine = containerSpec({ jobId: 'job-mine', attempt: 3, command: ['true'] });
  const theirs = containerSpec({ jobId: 'job-theirs', command: ['true'] });
  const a = await runToExit(executor, mine);
  const b = await runToExit(other, theirs);
  t.after(() => executor.remove(a.containerId));
  t.after(() => other.remove(b.containerId));

  const listed = await executor.list();
  assert.deepEqual(
    listed.find((c) => c.containerId === a.containerId),
    { containerId: a.containerId, name: mine.name, jobId: 'job-mine', attempt: 3, status: 'exited' },
  );
  assert.ok(!listed.some((c) => c.containerId === b.containerId));
  assert.deepEqual((await other.list()).map((c) => c.containerId), [b.containerId]);
});

test('no container of this run is left behind', async () => {
  const leaked = await executor.list();
  for (const c of leaked) await executor.remove(c.containerId);
  assert.deepEqual(leaked.map((c) => c.name), [], 'every test removes its containers');
  const left = await engine.listContainers({ all: true, filters: { label: [`barge.instance=${runLabel}`] } });
  const leftOther = await engine.listContainers({ all: true, filters: { label: [`barge.instance=${runLabel}-other`] } });
  assert.deepEqual([...left, ...leftOther].map((c) => c.Names), []);
});
