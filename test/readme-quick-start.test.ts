import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startBarge } from './helpers/server.js';

const exec = promisify(execFile);
const README = resolve(dirname(fileURLToPath(import.meta.url)), '../../README.md');

/** The first ```sh block of README's "Quick start with the AWS CLI" section. */
function quickStart(): string {
  const readme = readFileSync(README, 'utf8');
  const section = readme.slice(readme.indexOf('## Quick start with the AWS CLI'));
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  assert.ok(block, 'README has a quick start block');
  return block[1]!;
}

test("README's quick start runs as written with Debian's AWS CLI v2: its job SUCCEEDS and prints its greeting", async () => {
  const script = quickStart();
  assert.match(script, /http:\/\/127\.0\.0\.1:8700/);
  const barge = await startBarge();
  const cwd = mkdtempSync(join(tmpdir(), 'barge-quick-start-'));
  try {
    // Only the port differs; /usr/bin/aws is what setup.sh installs (Debian's awscli package).
    const { stdout } = await exec('bash', ['-euo', 'pipefail', '-c', script.replaceAll('http://127.0.0.1:8700', barge.url)], {
      cwd,
      env: { PATH: `/usr/bin:/bin:/usr/sbin:/sbin`, HOME: cwd },
      timeout: 180_000,
    });
    const statuses = stdout.split('\n').filter((l) => /^(SUBMITTED|PENDING|RUNNABLE|STARTING|RUNNING|SUCCEEDED|FAILED)$/.test(l));
    assert.equal(statuses.at(-1), 'SUCCEEDED', stdout);
    assert.match(stdout, /"Hello, Barge"/);
    assert.match(stdout, /"jobName": "j"/, 'list-jobs shows the job');
  } finally {
    await barge.stop();
    rmSync(cwd, { recursive: true, force: true });
  }
});
