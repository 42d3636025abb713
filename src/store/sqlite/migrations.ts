/**
 * Numbered, append-only schema migrations for the SQLite store. Each runs in its own
 * transaction together with the row that records it, so a crash mid-migration leaves
 * the previous version intact. Never edit a migration that has shipped; add one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'control plane and job records',
    sql: `
      CREATE TABLE resources (
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        seq INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (kind, name)
      );
      CREATE UNIQUE INDEX resources_by_seq ON resources (kind, seq);

      CREATE TABLE job_definitions (
        name TEXT NOT NULL,
        revision INTEGER NOT NULL,
        status TEXT NOT NULL,
        body TEXT NOT NULL,
        tags TEXT NOT NULL,
        PRIMARY KEY (name, revision)
      );
      CREATE INDEX job_definitions_by_status ON job_definitions (status, name, revision);

      CREATE TABLE jobs (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id TEXT NOT NULL UNIQUE,
        queue_arn TEXT NOT NULL,
        parent_id TEXT,
        array_index INTEGER,
        name TEXT NOT NULL,
        definition_arn TEXT NOT NULL,
        share_identifier TEXT,
        status TEXT NOT NULL,
        status_reason TEXT,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        stopped_at INTEGER,
        is_cancelled INTEGER NOT NULL DEFAULT 0,
        is_terminated INTEGER NOT NULL DEFAULT 0,
        spec TEXT,
        attempts TEXT NOT NULL DEFAULT '[]',
        tags TEXT NOT NULL DEFAULT '{}'
      );
      -- ListJobs by queue and status, newest first; array children are listed through their parent.
      CREATE INDEX jobs_by_queue_status ON jobs (queue_arn, status, created_at, seq) WHERE parent_id IS NULL;
      CREATE INDEX jobs_by_parent ON jobs (parent_id, array_index) WHERE parent_id IS NOT NULL;
      CREATE INDEX jobs_by_status ON jobs (status, seq);
    `,
  },
  {
    version: 2,
    name: 'scheduling columns',
    sql: `
      ALTER TABLE jobs ADD COLUMN compute_environment_arn TEXT;
      ALTER TABLE jobs ADD COLUMN vcpus REAL NOT NULL DEFAULT 0;
      ALTER TABLE jobs ADD COLUMN scheduling_priority INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE jobs ADD COLUMN status_changed_at INTEGER;
      UPDATE jobs SET
        vcpus = COALESCE(json_extract(COALESCE(spec, (SELECT p.spec FROM jobs p WHERE p.job_id = jobs.parent_id)), '$.reservation.vcpus'), 0),
        scheduling_priority = COALESCE(json_extract(COALESCE(spec, (SELECT p.spec FROM jobs p WHERE p.job_id = jobs.parent_id)), '$.schedulingPriority'), 0),
        status_changed_at = created_at;
      -- The scheduler reads the head of each queue (children included) and the jobs holding capacity.
      CREATE INDEX jobs_runnable ON jobs (queue_arn, status, created_at, seq);
      CREATE INDEX jobs_runnable_by_share ON jobs (queue_arn, status, share_identifier, scheduling_priority DESC, created_at, seq);
      CREATE INDEX jobs_by_environment ON jobs (status, compute_environment_arn);
    `,
  },
  {
    version: 3,
    name: 'fewer indexes on job status',
    sql: `
      -- Every status change rewrites each index that holds the status; keep only those a query needs.
      DROP INDEX jobs_by_queue_status;
      DROP INDEX jobs_runnable_by_share;
      CREATE INDEX jobs_runnable_by_share ON jobs (queue_arn, status, share_identifier, scheduling_priority DESC, created_at, seq)
        WHERE share_identifier IS NOT NULL;
      DROP INDEX jobs_by_environment;
      CREATE INDEX jobs_holding_capacity ON jobs (compute_environment_arn, vcpus) WHERE status IN ('STARTING', 'RUNNING');
    `,
  },
  {
    version: 4,
    name: 'job seq without AUTOINCREMENT',
    sql: `
      -- AUTOINCREMENT rewrote a row of sqlite_sequence in every SubmitJob's commit: one more page
      -- in the WAL per commit. Jobs are never deleted, so the plain rowid (largest + 1) gives the
      -- same ever-increasing seq. SQLite cannot drop AUTOINCREMENT in place; the table is rebuilt.
      CREATE TABLE jobs_rebuilt (
        seq INTEGER PRIMARY KEY,
        job_id TEXT NOT NULL UNIQUE,
        queue_arn TEXT NOT NULL,
        parent_id TEXT,
        array_index INTEGER,
        name TEXT NOT NULL,
        definition_arn TEXT NOT NULL,
        share_identifier TEXT,
        status TEXT NOT NULL,
        status_reason TEXT,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        stopped_at INTEGER,
        is_cancelled INTEGER NOT NULL DEFAULT 0,
        is_terminated INTEGER NOT NULL DEFAULT 0,
        spec TEXT,
        attempts TEXT NOT NULL DEFAULT '[]',
        tags TEXT NOT NULL DEFAULT '{}',
        compute_environment_arn TEXT,
        vcpus REAL NOT NULL DEFAULT 0,
        scheduling_priority INTEGER NOT NULL DEFAULT 0,
        status_changed_at INTEGER
      );
      INSERT INTO jobs_rebuilt (seq, job_id, queue_arn, parent_id, array_index, name, definition_arn, share_identifier, status, status_reason, created_at, started_at, stopped_at, is_cancelled, is_terminated, spec, attempts, tags, compute_environment_arn, vcpus, scheduling_priority, status_changed_at)
        SELECT seq, job_id, queue_arn, parent_id, array_index, name, definition_arn, share_identifier, status, status_reason, created_at, started_at, stopped_at, is_cancelled, is_terminated, spec, attempts, tags, compute_environment_arn, vcpus, scheduling_priority, status_changed_at FROM jobs;
      DROP TABLE jobs;
      ALTER TABLE jobs_rebuilt RENAME TO jobs;
      DELETE FROM sqlite_sequence WHERE name = 'jobs';
      CREATE INDEX jobs_by_parent ON jobs (parent_id, array_index) WHERE parent_id IS NOT NULL;
      CREATE INDEX jobs_by_status ON jobs (status, seq);
      CREATE INDEX jobs_runnable ON jobs (queue_arn, status, created_at, seq);
      CREATE INDEX jobs_runnable_by_share ON jobs (queue_arn, status, share_identifier, scheduling_priority DESC, created_at, seq)
        WHERE share_identifier IS NOT NULL;
      CREATE INDEX jobs_holding_capacity ON jobs (compute_environment_arn, vcpus) WHERE status IN ('STARTING', 'RUNNING');
    `,
  },
  {
    version: 5,
    name: 'leader lease and installation id',
    sql: `
      -- The same lease as PostgreSQL's (src/domain/leadership.ts). One process owns an SQLite
      -- file (its lock), so it always leads; the term still grows with every start.
      CREATE TABLE leader_lease (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        holder TEXT NOT NULL,
        term INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE TABLE installation (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        installation_id TEXT NOT NULL
      );
    `,
  },
  {
    version: 6,
    name: 'wait board',
    sql: `
      -- The leader's "why does each job wait" board, for other processes (unused by one process).
      CREATE TABLE wait_board (id INTEGER PRIMARY KEY CHECK (id = 1), body TEXT NOT NULL);
    `,
  },
];
