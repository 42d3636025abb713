import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDatabase } from '../../src/store/sqlite/database.js';
import { MIGRATIONS } from '../../src/store/sqlite/migrations.js';

/** A store written by an older Barge opens under the current schema with its job rows intact. */
test('migration 4 rebuilds jobs without AUTOINCREMENT, keeping every row, seq and index', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'barge-migrate-'));
  const file = join(dir, 'barge.db');
  try {
    const old = openDatabase(file, MIGRATIONS.filter((m) => m.version <= 3), { synchronous: 'normal' });
    const insert = old.db.prepare(
      `INSERT INTO jobs (job_id, queue_arn, name, definition_arn, status, created_at, spec, vcpus) VALUES (?, 'q', ?, 'd', ?, ?, '{}', 1)`,
    );
    for (let i = 1; i <= 5; i++) insert.run(`job-${i}`, `n${i}`, i === 3 ? 'RUNNABLE' : 'SUCCEEDED', 1000 + i);
    old.db.prepare(`DELETE FROM jobs WHERE job_id = 'job-5'`).run();
    await old.close();

    const current = openDatabase(file, MIGRATIONS, { synchronous: 'normal' });
    try {
      const { db } = current;
      assert.deepEqual(db.prepare('SELECT max(version) AS v FROM schema_migrations').get(), { v: MIGRATIONS.at(-1)!.version });
      assert.deepEqual(
        db.prepare('SELECT seq, job_id, status, created_at, vcpus FROM jobs ORDER BY seq').all(),
        [1, 2, 3, 4].map((i) => ({ seq: i, job_id: `job-${i}`, status: i === 3 ? 'RUNNABLE' : 'SUCCEEDED', created_at: 1000 + i, vcpus: 1 })),
      );
      const table = db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'jobs'`).get() as { sql: string };
      assert.doesNotMatch(table.sql, /AUTOINCREMENT/i);
      const indexes = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'jobs' AND sql IS NOT NULL ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
      assert.deepEqual(indexes, ['jobs_by_parent', 'jobs_by_status', 'jobs_holding_capacity', 'jobs_runnable', 'jobs_runnable_by_share']);
      db.prepare(`INSERT INTO jobs (job_id, queue_arn, name, definition_arn, status, created_at) VALUES ('job-new', 'q', 'n', 'd', 'SUBMITTED', 2000)`).run();
      assert.deepEqual(db.prepare(`SELECT seq FROM jobs WHERE job_id = 'job-new'`).get(), { seq: 5 });
      assert.throws(() => db.prepare(`INSERT INTO jobs (job_id, queue_arn, name, definition_arn, status, created_at) VALUES ('job-1', 'q', 'n', 'd', 'SUBMITTED', 1)`).run(), /UNIQUE/);
    } finally {
      await current.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
