import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { RegisterJobDefinitionCommand } from '@aws-sdk/client-batch';
import { batchClient } from '../helpers/clients.js';
import { startBarge } from '../helpers/server.js';

const SECRET = 'hunter2-secret-env-value';

/** What the unprivileged account `nobody` gets from `cat <path>`: its exit status and output. */
function readAsNobody(path: string): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync('runuser', ['-u', 'nobody', '--', 'cat', path], { encoding: 'utf8' });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function modeOf(path: string): string {
  return (statSync(path).mode & 0o7777).toString(8);
}

/** Every entry of the data directory with its mode, e.g. `{ 'barge.db': '600', … }`. */
function modes(dataDir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dataDir).sort().map((name) => [name, modeOf(join(dataDir, name))]));
}

const STORE_FILES = ['barge.db', 'barge.db-shm', 'barge.db-wal', 'barge.db.lock', 'logs.db', 'logs.db-shm', 'logs.db-wal', 'logs.db.lock'];

/**
 * The data directory holds definitions' environments and jobs' output: other accounts on the
 * machine must not read them (issue 11). The parent directory is world-traversable here, as a
 * home directory or /var/lib often is, so only the data directory's own modes stand between
 * `nobody` and the files.
 */
describe('data directory permissions', () => {
  test('a new data directory is 0700 and every store file 0600, even under umask 000', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'barge-perm-'));
    chmodSync(parent, 0o755);
    const dataDir = join(parent, 'data');
    // The child inherits the umask: with 000, anything left to the umask would come out 0666/0777.
    const umask = process.umask(0);
    let barge;
    try {
      barge = await startBarge({ dataDir });
    } finally {
      process.umask(umask);
    }
    const client = batchClient(barge.url);
    try {
      await registerSecretDefinition(client);
      assert.equal(modeOf(dataDir), '700');
      assert.deepEqual(modes(dataDir), Object.fromEntries(STORE_FILES.map((name) => [name, '600'])));
      for (const name of ['barge.db', 'barge.db-wal', 'logs.db']) {
        const read = readAsNobody(join(dataDir, name));
        assert.notEqual(read.status, 0, `nobody read ${name}`);
        assert.match(read.stderr, /Permission denied/);
      }
    } finally {
      client.destroy();
      await barge.stop();
      rmSync(parent, { recursive: true, force: true });
    }
  });

  test('a data directory left open by an earlier version is made private at start, and says so', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'barge-perm-'));
    chmodSync(parent, 0o755);
    const dataDir = join(parent, 'data');
    try {
      const first = await startBarge({ dataDir });
      const client = batchClient(first.url);
      await registerSecretDefinition(client);
      client.destroy();
      assert.equal(await first.stop(), 0);
      // The modes Barge used to leave (issue 11: 0755 and 0644).
      chmodSync(dataDir, 0o755);
      for (const name of readdirSync(dataDir)) chmodSync(join(dataDir, name), 0o644);
      const before = readAsNobody(join(dataDir, 'barge.db'));
      assert.equal(before.status, 0, 'the probe itself works: nobody can read a 0644 file in a 0755 directory');
      assert.ok(before.stdout.includes(SECRET), 'the definition and its secret are in barge.db');

      const second = await startBarge({ dataDir });
      try {
        const line = second.logs.find((entry) => entry['msg'] === 'made the data directory private');
        assert.ok(line, 'the change is logged');
        assert.deepEqual([line['level'], line['was'], line['now']], [40, '755', '700']);
        assert.equal(modeOf(dataDir), '700');
        for (const [name, mode] of Object.entries(modes(dataDir))) assert.equal(mode, '600', name);
        const after = readAsNobody(join(dataDir, 'barge.db'));
        assert.notEqual(after.status, 0);
        assert.ok(!after.stdout.includes(SECRET));
        // Even with the directory opened up again, the files themselves stay closed.
        chmodSync(dataDir, 0o755);
        for (const name of ['barge.db', 'logs.db', 'barge.db-wal']) assert.match(readAsNobody(join(dataDir, name)).stderr, /Permission denied/);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});

async function registerSecretDefinition(client: ReturnType<typeof batchClient>): Promise<void> {
  await client.send(
    new RegisterJobDefinitionCommand({
      jobDefinitionName: 'with-secret',
      type: 'container',
      containerProperties: {
        image: 'localhost/busybox:latest',
        command: ['true'],
        environment: [{ name: 'API_TOKEN', value: SECRET }],
        resourceRequirements: [
          { type: 'VCPU', value: '1' },
          { type: 'MEMORY', value: '64' },
        ],
      },
    }),
  );
}
