import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DescribeJobQueuesCommand } from '@aws-sdk/client-batch';
import { batchClient } from '../../helpers/clients.js';
import { MAIN, makeDataDir, startBarge } from '../../helpers/server.js';

/** Runs Barge to its exit (it is expected to refuse to start): exit code and stderr. */
function runToExit(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stderr: string }> {
  const dataDir = makeDataDir();
  const child = spawn(process.execPath, [MAIN, '--port', '0', '--data-dir', dataDir, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      rmSync(dataDir, { recursive: true, force: true });
      resolve({ code, stderr });
    }),
  );
}

describe('what Barge refuses at start, and what it says', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'barge-startup-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('listening beyond loopback without access keys exits non-zero, naming the flag to set', async () => {
    for (const [args, env] of [
      [['--host', '0.0.0.0'], {}],
      [[], { BARGE_HOST: '0.0.0.0' }],
      [['--host', '::'], {}],
    ] as const) {
      const { code, stderr } = await runToExit([...args], env);
      assert.equal(code, 2, stderr);
      assert.match(stderr, /refusing to listen on .* without access keys.*--credentials-file/s);
    }
  });

  test('with keys from the environment Barge listens beyond loopback and verifies them', async () => {
    const barge = await startBarge({ args: ['--host', '0.0.0.0'], env: { BARGE_ACCESS_KEY_ID: 'AKIDSERVER', BARGE_SECRET_ACCESS_KEY: 'server-secret-0123456789' } });
    try {
      const url = barge.url.replace('0.0.0.0', '127.0.0.1');
      const client = batchClient(url);
      await assert.rejects(client.send(new DescribeJobQueuesCommand({})), { name: 'UnrecognizedClientException' });
      client.destroy();
      assert.ok(barge.logs.some((l) => String(l['msg']).startsWith('SigV4 signatures are verified')));
      assert.ok(!barge.logs.some((l) => String(l['msg']).startsWith('local mode')));
    } finally {
      await barge.stop();
    }
  });

  test('a credentials file other users can read, or a malformed one, is refused', async () => {
    const file = join(dir, 'creds.json');
    writeFileSync(file, JSON.stringify([{ accessKeyId: 'AKIDX', secretAccessKey: 's3cret-s3cret', name: 'x' }]));
    chmodSync(file, 0o644);
    let result = await runToExit(['--credentials-file', file]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /readable by other users.*chmod 600/);
    chmodSync(file, 0o600);
    for (const [content, pattern] of [
      ['not json', /not valid JSON/],
      ['[]', /non-empty JSON array/],
      ['[{"accessKeyId":"AKIDX"}]', /secretAccessKey is required/],
      ['[{"accessKeyId":"AKIDX","secretAccessKey":"a"},{"accessKeyId":"AKIDX","secretAccessKey":"b"}]', /configured twice/],
    ] as const) {
      writeFileSync(file, content);
      result = await runToExit(['--credentials-file', file]);
      assert.equal(result.code, 2, content);
      assert.match(result.stderr, pattern);
    }
    result = await runToExit([], { BARGE_ACCESS_KEY_ID: 'AKIDONLY' });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /must be set together/);
  });

  test('local mode says at start what it allows', async () => {
    const barge = await startBarge();
    try {
      const warning = barge.logs.find((l) => String(l['msg']).startsWith('local mode'));
      assert.ok(warning, 'a local-mode warning is logged');
      assert.equal(warning['level'], 40);
      assert.match(String(warning['msg']), /any well-formed SigV4 signature is accepted.*every job container on the host network/s);
    } finally {
      await barge.stop();
    }
  });
});
