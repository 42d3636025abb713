/**
 * End-to-end compatibility: the real AWS CLI v1 and v2 and boto3 drive the Batch getting-started
 * flow (scripts/smoke-cli.sh, scripts/smoke-boto3.py) against one Barge process.
 * A missing CLI fails its subtest: this file never passes without having run both CLIs.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type BargeProcess, startBarge } from '../../helpers/server.js';
import { cliMajors } from '../../helpers/cli-majors.js';

/** dist/test/protocol/batch/ → repository root. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const SCRIPTS = join(ROOT, 'scripts');
/** Per script run. The CLIs start a Python interpreter per call, which is slow on a loaded machine. */
const TIMEOUT_MS = Number(process.env['BARGE_SMOKE_TIMEOUT_MS'] ?? 300_000);

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs a command in its own process group; on timeout the whole group is killed. */
function run(command: string, args: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((res, rej) => {
    const child = spawn(command, args, { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      rej(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      res({ code, signal, stdout, stderr, timedOut });
    });
  });
}

function describeRun(what: string, r: RunResult): string {
  const how = r.timedOut ? `timed out after ${TIMEOUT_MS} ms` : r.signal ? `was killed by ${r.signal}` : `exited ${r.code}`;
  return `${what} ${how}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}

let barge: BargeProcess | undefined;
/** "v1" / "v2" → CLI command line, from scripts/aws-clis.sh. */
const clis = new Map<string, string>();
let clisReport = '';

before(async () => {
  barge = await startBarge();
  const found = await run('bash', [join(SCRIPTS, 'aws-clis.sh')], 60_000);
  clisReport = describeRun('scripts/aws-clis.sh', found);
  for (const line of found.stdout.split('\n')) {
    const match = /^(v[12]) (.+)$/.exec(line.trim());
    if (match) clis.set(match[1]!, match[2]!);
  }
});

after(async () => {
  await barge?.stop();
});

for (const major of cliMajors()) {
  test(`aws-cli ${major} drives the Batch tutorial flow (scripts/smoke-cli.sh)`, async () => {
    assert.ok(barge, 'Barge did not start');
    const cli = clis.get(major);
    if (!cli) assert.fail(`no aws-cli ${major} on this machine (install it: scripts/setup.sh --test)\n${clisReport}`);
    const r = await run('bash', [join(SCRIPTS, 'smoke-cli.sh'), cli, barge.url], TIMEOUT_MS);
    assert.ok(r.code === 0 && !r.timedOut, describeRun(`smoke-cli.sh '${cli}'`, r));
    assert.match(r.stdout, new RegExp(`^smoke-cli: OK \\(aws-cli/${major.slice(1)}\\.`, 'm'), describeRun(`smoke-cli.sh '${cli}'`, r));
  });
}

test('boto3 drives the Batch tutorial flow (scripts/smoke-boto3.py)', async () => {
  assert.ok(barge, 'Barge did not start');
  // The script re-executes itself with a python3 that has boto3 (PATH or ~/.pyenv/shims).
  const r = await run('python3', [join(SCRIPTS, 'smoke-boto3.py'), barge.url], TIMEOUT_MS);
  assert.ok(r.code === 0 && !r.timedOut, describeRun('smoke-boto3.py', r));
  assert.match(r.stdout, /^smoke-boto3: OK \(boto3 /m, describeRun('smoke-boto3.py', r));
});
