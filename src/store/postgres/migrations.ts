import type { PostgresMigration } from './database.js';

/**
 * The job store's schema (component `store` in barge_migrations). Text that is ordered or
 * compared is COLLATE "C": bytewise, as SQLite orders it, whatever the database's locale (and
 * lower()/ILIKE then fold ASCII letters only, as SQLite's lower()/LIKE do).
 */
export const STORE_MIGRATIONS: readonly PostgresMigration[] = [
  {
    id: 1,
    name: 'control plane and job records',
    sql: `
      CREATE TABLE resources (
        kind TEXT COLLATE "C" NOT NULL,
        name TEXT COLLATE "C" NOT NULL,
        -- Creation order across replicas: a sequence, never MAX + 1.
        seq BIGINT GENERATED ALWAYS AS IDENTITY,
        body TEXT NOT NULL,
        PRIMARY KEY (kind, name)
      );
      CREATE UNIQUE INDEX resources_by_seq ON resources (kind, seq);

      -- The highest revision ever handed out per definition name. Incremented in the transaction
      -- that inserts the revision: concurrent registrations of a name queue on this row.
      CREATE TABLE job_definition_revisions (
        name TEXT COLLATE "C" PRIMARY KEY,
        last INTEGER NOT NULL
      );

      CREATE TABLE job_definitions (
        name TEXT COLLATE "C" NOT NULL,
        revision INTEGER NOT NULL,
        status TEXT COLLATE "C" NOT NULL,
        body TEXT NOT NULL,
        tags TEXT NOT NULL,
        PRIMARY KEY (name, revision)
      );
      CREATE INDEX job_definitions_by_status ON job_definitions (status, name, revision);

      CREATE TABLE jobs (
        -- Insertion order (ties of created_at, cursors of listJobsByStatus).
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        job_id TEXT COLLATE "C" NOT NULL UNIQUE,
        queue_arn TEXT COLLATE "C" NOT NULL,
        parent_id TEXT COLLATE "C",
        array_index INTEGER,
        name TEXT COLLATE "C" NOT NULL,
        definition_arn TEXT COLLATE "C" NOT NULL,
        share_identifier TEXT COLLATE "C",
        status TEXT COLLATE "C" NOT NULL,
        status_reason TEXT,
        created_at BIGINT NOT NULL,
        started_at BIGINT,
        stopped_at BIGINT,
        is_cancelled BOOLEAN NOT NULL DEFAULT false,
        is_terminated BOOLEAN NOT NULL DEFAULT false,
        -- NULL for array children: they share their parent's.
        spec TEXT,
        attempts TEXT NOT NULL DEFAULT '[]',
        tags TEXT NOT NULL DEFAULT '{}',
        compute_environment_arn TEXT COLLATE "C",
        vcpus DOUBLE PRECISION NOT NULL DEFAULT 0,
        scheduling_priority INTEGER NOT NULL DEFAULT 0,
        status_changed_at BIGINT
      );
      -- ListJobs of a queue, newest or oldest first; array children are listed through their parent.
      CREATE INDEX jobs_by_queue ON jobs (queue_arn, created_at, seq) WHERE parent_id IS NULL;
      CREATE INDEX jobs_by_parent ON jobs (parent_id, array_index) WHERE parent_id IS NOT NULL;
      CREATE INDEX jobs_by_status ON jobs (status, seq);
      CREATE INDEX jobs_runnable ON jobs (queue_arn, status, created_at, seq);
      CREATE INDEX jobs_runnable_by_share ON jobs (queue_arn, status, share_identifier, scheduling_priority DESC, created_at, seq)
        WHERE share_identifier IS NOT NULL;
      CREATE INDEX jobs_holding_capacity ON jobs (compute_environment_arn, vcpus) WHERE status IN ('STARTING', 'RUNNING');
    `,
  },
  {
    id: 2,
    name: 'wait board',
    sql: `
      -- The leader's "why does each job wait" board, saved at most once a second, read by the
      -- other replicas for DescribeJobs and ListJobs.
      CREATE TABLE wait_board (id INTEGER PRIMARY KEY CHECK (id = 1), body TEXT NOT NULL);
    `,
  },
];
