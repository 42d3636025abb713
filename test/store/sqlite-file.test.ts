import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { BATCH_JOB_LOG_GROUP, Logs } from '../../src/domain/logs/logs.js';
import { DatabaseInUseError, type StoreFileOptions } from '../../src/store/sqlite/database.js';
import { SqliteLogStore } from '../../src/store/sqlite/log-store.js';
import { waitFor } from '../helpers/wait.js';

/**
 * How a store file is opened and kept: one owner at a time, and WAL checkpoints done by the
 * worker thread while the store is open (SQLite's automatic checkpoint is off in the server
 * thread, so without the worker nothing would reach the database file before close).
 */
describe('SQLite store file', () => {
  const open = (file: string, options: StoreFileOptions = {}) => {
    const store = new SqliteLogStore(file, { synchronous: 'normal', ...options });
    return { store, logs: new Logs({ store, clock: { now: () => 1_800_000_000_000 }, region: 'eu-west-1', accountId: '111122223333' }) };
  };
  /** A fresh directory and a store open on `logs.db` in it for `body`; both gone afterwards. */
  const withStore = async (options: StoreFileOptions, body: (file: string, logs: Logs) => Promise<void>) => {
    const dir = mkdtempSync(join(tmpdir(), 'barge-file-'));
    const file = join(dir, 'logs.db');
    const { store, logs } = open(file, options);
    try {
      await body(file, logs);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  };

  test('committed writes reach the database file while the store stays open', () =>
    withStore({}, async (file, logs) => {
      const initial = statSync(file).size;
      // ~150 WAL frames: far below SQLite's own 1,000-frame automatic checkpoint.
      const lines = Array.from({ length: 10_000 }, (_, k) => ({ timestamp: 1_800_000_000_000 + k, message: `line ${k}` }));
      await logs.appendJobOutput(BATCH_JOB_LOG_GROUP, 'jd/default/checkpointed', lines);
      await waitFor('the database file to grow', async () => (statSync(file).size > initial + 100_000 ? true : undefined), 5000);
    }));

  test('writes that read first keep succeeding while the worker makes the WAL start over', () =>
    // Appending output reads the stream's row, then writes. The worker holds the write lock
    // for a moment each time it restarts the log (every 256 pages here); a write transaction
    // that had already read would fail at once with "database is locked" instead of waiting.
    withStore({ walRestartFrames: 256 }, async (_file, logs) => {
      const message = 'x'.repeat(2000);
      let appends = 0;
      const failures: string[] = [];
      const until = Date.now() + 3000;
      for (let b = 0; Date.now() < until; b += 1) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        const lines = Array.from({ length: 20 }, (_, k) => ({ timestamp: 1_800_000_000_000 + b * 20 + k, message: `${message}${k}` }));
        try {
          await logs.appendJobOutput(BATCH_JOB_LOG_GROUP, `s${b % 3}`, lines);
          appends += 1;
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
      assert.deepEqual(failures.slice(0, 3), [], `${failures.length} of ${appends + failures.length} appends failed`);
      assert.ok(appends > 100, `only ${appends} appends in 3 s`);
    }));

  test('a second store on the same file is refused until the first closes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'barge-file-'));
    const file = join(dir, 'logs.db');
    const first = open(file);
    try {
      assert.throws(() => new SqliteLogStore(file, { synchronous: 'normal' }), DatabaseInUseError);
      await first.logs.appendJobOutput(BATCH_JOB_LOG_GROUP, 's', [{ timestamp: 1_800_000_000_000, message: 'still mine' }]);
    } finally {
      await first.store.close();
    }
    const second = open(file);
    try {
      const page = await second.logs.getLogEvents({ logGroup: BATCH_JOB_LOG_GROUP, logStreamName: 's', startFromHead: true });
      assert.deepEqual(page.events.map((e) => e.message), ['still mine']);
    } finally {
      await second.store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
