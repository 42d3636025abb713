/**
 * The real AWS CLIs against Barge's Logs API: v1 and v2 `get-log-events`, `describe-log-streams`,
 * `describe-log-groups`, `filter-log-events` (auto-paginated), and CLI v2's `logs tail`, once to
 * the end and once with --follow (cloudwatch-logs-api.md §2). A missing CLI fails its subtest.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type CloudWatchLogsClient, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { type BargeProcess, startBarge } from '../../helpers/server.js';
import { logsClient, seedStream } from './client.js';
import { cliMajors } from '../../helpers/cli-majors.js';

/** dist/test/protocol/logs/ → repository root. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
/** Per CLI call; each starts a Python interpreter, which is slow on a loaded machine. */
const TIMEOUT_MS = Number(process.env['BARGE_SMOKE_TIMEOUT_MS'] ?? 120_000);
const GROUP = '/aws/batch/job';
const CLI_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  AWS_ACCESS_KEY_ID: 'AKIDTEST',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_PAGER: '',
  AWS_CONFIG_FILE: '/nonexistent/barge-test-config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/barge-test-credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
};

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function start(command: string[]): ChildProcess {
  return spawn(command[0]!, command.slice(1), { cwd: ROOT, env: CLI_ENV, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
}

/** Kills the command's whole process group (the CLI may be a shim that forks Python). */
function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

function run(command: string[], timeoutMs = TIMEOUT_MS): Promise<RunResult> {
  return new Promise((res, rej) => {
    const child = start(command);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      rej(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr, timedOut });
    });
  });
}

function explain(command: string[], r: RunResult): string {
  return `${command.join(' ')} ${r.timedOut ? 'timed out' : `exited ${r.code}`}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}

let barge: BargeProcess | undefined;
let client: CloudWatchLogsClient | undefined;
const clis = new Map<string, string[]>();
let clisReport = '';
const base = Date.now() - 20 * 60_000;
const stream = 'smoke-jd/default/0123456789abcdef';

before(async () => {
  barge = await startBarge();
  client = logsClient(barge.url);
  const found = await run(['bash', join(ROOT, 'scripts', 'aws-clis.sh')], 60_000);
  clisReport = explain(['scripts/aws-clis.sh'], found);
  for (const line of found.stdout.split('\n')) {
    const match = /^(v[12]) (.+)$/.exec(line.trim());
    if (match) clis.set(match[1]!, match[2]!.split(' '));
  }
  await seedStream(
    client,
    GROUP,
    stream,
    Array.from({ length: 30 }, (_, i) => ({ timestamp: base + i * 1000, message: i % 10 === 3 ? `ERROR line ${i}` : `line ${i}` })),
  );
  await seedStream(client, GROUP, 'smoke-jd/default/other', [{ timestamp: base + 500, message: 'ERROR from the other stream' }]);
});

after(async () => {
  client?.destroy();
  await barge?.stop();
});

function cli(major: 'v1' | 'v2'): string[] {
  const command = clis.get(major);
  if (!command) assert.fail(`no aws-cli ${major} on this machine (install it: scripts/setup.sh --test)\n${clisReport}`);
  return command;
}

async function aws(major: 'v1' | 'v2', args: string[]): Promise<string> {
  assert.ok(barge, 'Barge did not start');
  const command = [...cli(major), 'logs', ...args, '--endpoint-url', barge.url];
  const r = await run(command);
  assert.ok(r.code === 0 && !r.timedOut, explain(command, r));
  return r.stdout;
}

for (const major of cliMajors()) {
  test(`aws-cli ${major}: get-log-events, describe-log-streams, describe-log-groups, filter-log-events`, async () => {
    const page = JSON.parse(await aws(major, ['get-log-events', '--log-group-name', GROUP, '--log-stream-name', stream, '--start-from-head', '--output', 'json'])) as {
      events: { message: string; timestamp: number }[];
      nextForwardToken: string;
    };
    assert.equal(page.events.length, 30);
    assert.equal(page.events[0]!.message, 'line 0');
    assert.equal(page.events[29]!.timestamp, base + 29_000);
    assert.match(page.nextForwardToken, /^f\//);

    const newest = JSON.parse(await aws(major, ['get-log-events', '--log-group-name', GROUP, '--log-stream-name', stream, '--limit', '2', '--output', 'json'])) as {
      events: { message: string }[];
    };
    assert.deepEqual(newest.events.map((e) => e.message), ['line 28', 'line 29']);

    const streams = JSON.parse(
      await aws(major, ['describe-log-streams', '--log-group-name', GROUP, '--order-by', 'LastEventTime', '--descending', '--page-size', '1', '--output', 'json']),
    ) as { logStreams: { logStreamName: string; lastEventTimestamp: number }[] };
    assert.deepEqual(streams.logStreams.map((s) => s.logStreamName), [stream, 'smoke-jd/default/other']);

    const groups = JSON.parse(await aws(major, ['describe-log-groups', '--log-group-name-prefix', '/aws/batch', '--output', 'json'])) as {
      logGroups: { logGroupName: string; arn: string }[];
    };
    assert.deepEqual(groups.logGroups.map((g) => g.logGroupName), [GROUP]);

    const filtered = JSON.parse(
      await aws(major, ['filter-log-events', '--log-group-name', GROUP, '--filter-pattern', 'ERROR', '--page-size', '2', '--output', 'json']),
    ) as { events: { message: string; logStreamName: string }[] };
    assert.deepEqual(filtered.events.map((e) => e.message), ['ERROR from the other stream', 'ERROR line 3', 'ERROR line 13', 'ERROR line 23']);
  });
}

test('aws-cli v2: logs tail --since 1h prints every event and exits', async () => {
  const out = await aws('v2', ['tail', GROUP, '--since', '1h', '--format', 'short']);
  const printed = out.trim().split('\n');
  assert.equal(printed.length, 31, out);
  assert.match(printed[0]!, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2} line 0$/);
  assert.match(printed[1]!, / ERROR from the other stream$/);
  assert.match(printed[30]!, / line 29$/);

  const errors = await aws('v2', ['tail', GROUP, '--since', '1h', '--filter-pattern', 'ERROR', '--log-stream-name-prefix', 'smoke-jd/default/0']);
  assert.deepEqual(
    errors.trim().split('\n').map((l) => l.split(' ').slice(2).join(' ')),
    ['ERROR line 3', 'ERROR line 13', 'ERROR line 23'],
    errors,
  );
});

test('aws-cli v2: logs tail --follow prints new events as they arrive', async () => {
  assert.ok(barge && client, 'Barge did not start');
  const command = [...cli('v2'), 'logs', 'tail', GROUP, '--follow', '--since', '1h', '--format', 'short', '--endpoint-url', barge.url];
  const child = start(command);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((res) => child.once('close', () => res()));
  const waitFor = async (pattern: RegExp, what: string) => {
    const deadline = Date.now() + 60_000;
    while (!pattern.test(stdout)) {
      if (Date.now() > deadline || child.exitCode !== null) assert.fail(`${what}: ${command.join(' ')}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  try {
    await waitFor(/ line 29\n/, 'the existing events were not printed');
    await client.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, logEvents: [{ timestamp: Date.now(), message: 'arrived later' }] }));
    // tail sleeps 5 s between polls once it has caught up.
    await waitFor(/ arrived later\n/, 'the new event was not printed');
    assert.equal(stdout.match(/ line 29\n/g)?.length, 1, 'events already printed are not repeated');
  } finally {
    killGroup(child);
    await exited;
  }
});
