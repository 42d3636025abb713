import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig, OPTIONS } from '../src/config.js';

const README = resolve(dirname(fileURLToPath(import.meta.url)), '../../README.md');

test('flags win over environment, environment over defaults', () => {
  const config = loadConfig(['--port', '9001'], { BARGE_PORT: '9000', BARGE_REGION: 'eu-west-1' });
  assert.ok(config !== 'help');
  assert.equal(config.port, 9001);
  assert.equal(config.region, 'eu-west-1');
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.accountId, '123456789012');
  assert.ok(Object.isFrozen(config));
  assert.equal(loadConfig(['--help'], {}), 'help');
  const fromEnv = loadConfig([], { BARGE_HOST: '127.0.0.2', BARGE_DATA_DIR: '/tmp/barge-env', BARGE_ACCOUNT_ID: '210987654321' });
  assert.ok(fromEnv !== 'help');
  assert.deepEqual([fromEnv.host, fromEnv.dataDir, fromEnv.accountId], ['127.0.0.2', '/tmp/barge-env', '210987654321']);
  const fromFlags = loadConfig(['--host', '127.0.0.3', '--account-id', '111111111111'], { BARGE_HOST: '127.0.0.2', BARGE_ACCOUNT_ID: '210987654321' });
  assert.ok(fromFlags !== 'help');
  assert.deepEqual([fromFlags.host, fromFlags.accountId], ['127.0.0.3', '111111111111']);
});

test('bad values are refused with the option named', () => {
  for (const [argv, pattern] of [
    [['--port', 'x'], /port/],
    [['--account-id', '12'], /account id/],
    [['--region', 'mars'], /region/],
    [['--log-level', 'loud'], /log level/],
    [['--job-pids-limit=-1'], /job pids limit/],
    [['--job-pids-limit', '1.5'], /job pids limit/],
    [['--job-pids-limit', ''], /job pids limit/],
    [['--job-pids-limit', '4194305'], /job pids limit/],
    [['--unknown'], /unknown/i],
  ] as const) {
    assert.throws(() => loadConfig([...argv], {}), (e: unknown) => e instanceof ConfigError && pattern.test(e.message));
  }
});

test('the job pids limit defaults to 1,024; 0 lifts it', () => {
  const limits = [[], ['--job-pids-limit', '0'], ['--job-pids-limit', '64']].map((argv) => {
    const config = loadConfig(argv, {});
    assert.ok(config !== 'help');
    return config.jobPidsLimit;
  });
  assert.deepEqual(limits, [1024, 0, 64]);
  const fromEnv = loadConfig([], { BARGE_JOB_PIDS_LIMIT: '4096' });
  assert.ok(fromEnv !== 'help');
  assert.equal(fromEnv.jobPidsLimit, 4096);
});

test('README configuration table lists exactly the options the code reads', () => {
  const readme = readFileSync(README, 'utf8');
  const rows = [...readme.matchAll(/^\| `--([a-z-]+)` \| `([A-Z_]+)` \| (?:`([^`]*)`|\(none\)) \|/gm)].map((m) => [m[1], m[2], m[3] ?? '']);
  const expected = Object.values(OPTIONS).map((o) => [o.flag, o.env, o.flag === 'data-dir' ? '~/.barge' : o.default]);
  assert.deepEqual(rows, expected);
});
