import type { Migration } from './migrations.js';

/**
 * Numbered, append-only migrations of the log store (`logs.db`). Logs live in their own file so
 * that container output, which can be far bigger than the control plane's data, never makes a
 * Batch write wait behind a large append, and so the file can be removed without losing jobs.
 * Never edit a migration that has shipped; add one.
 */
export const LOG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'log groups, streams and events',
    sql: `
      CREATE TABLE log_groups (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        creation_time INTEGER NOT NULL,
        retention_in_days INTEGER,
        log_group_class TEXT NOT NULL,
        kms_key_id TEXT,
        deletion_protection INTEGER NOT NULL DEFAULT 0,
        tags TEXT,
        stored_bytes INTEGER NOT NULL DEFAULT 0
      );

      CREATE TABLE log_streams (
        id INTEGER PRIMARY KEY,
        group_id INTEGER NOT NULL,
        name TEXT NOT NULL,
        creation_time INTEGER NOT NULL,
        first_event_timestamp INTEGER,
        last_event_timestamp INTEGER,
        last_ingestion_time INTEGER,
        stored_bytes INTEGER NOT NULL DEFAULT 0,
        UNIQUE (group_id, name)
      );
      -- DescribeLogStreams orderBy=LastEventTime; streams without events sort first (-1).
      CREATE INDEX log_streams_by_last_event ON log_streams (group_id, IFNULL(last_event_timestamp, -1), name);

      -- seq is the event's place in insertion order; AUTOINCREMENT so a seq (and the eventId
      -- made from it) is never reused after its group is deleted.
      CREATE TABLE log_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        group_id INTEGER NOT NULL,
        stream_id INTEGER NOT NULL,
        timestamp INTEGER NOT NULL,
        ingestion_time INTEGER NOT NULL,
        message TEXT NOT NULL
      );
      -- GetLogEvents: one stream by (timestamp, seq), walked in either direction.
      CREATE INDEX log_events_by_stream ON log_events (stream_id, timestamp, seq);
      -- FilterLogEvents: a whole group by (timestamp, seq), interleaving its streams.
      CREATE INDEX log_events_by_group ON log_events (group_id, timestamp, seq);
    `,
  },
  {
    version: 2,
    name: 'resume cursor of a stream',
    sql: `
      -- Where a job's output resumes after a crash: written with the events it follows.
      ALTER TABLE log_streams ADD COLUMN resume_cursor TEXT;
    `,
  },
];
