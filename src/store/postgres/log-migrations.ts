import type { PostgresMigration } from './database.js';

/**
 * The log store's schema (component `logs` in barge_migrations). Never edit a migration that has
 * shipped; add one.
 *
 * Names are COLLATE "C" so that they compare bytewise (UTF-8, hence code point order) whatever
 * the database's default collation: the listing order and the prefix ranges depend on it.
 * Messages are BYTEA (UTF-8) because PostgreSQL's TEXT cannot hold U+0000, which container
 * output may contain and SQLite stores as is.
 */
export const LOG_MIGRATIONS: readonly PostgresMigration[] = [
  {
    id: 1,
    name: 'log groups, streams and events',
    sql: `
      CREATE TABLE log_groups (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name TEXT COLLATE "C" NOT NULL UNIQUE,
        creation_time BIGINT NOT NULL,
        retention_in_days INTEGER,
        log_group_class TEXT NOT NULL,
        kms_key_id TEXT,
        deletion_protection BOOLEAN NOT NULL DEFAULT false,
        tags TEXT,
        stored_bytes BIGINT NOT NULL DEFAULT 0
      );

      CREATE TABLE log_streams (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        group_id BIGINT NOT NULL REFERENCES log_groups (id),
        name TEXT COLLATE "C" NOT NULL,
        creation_time BIGINT NOT NULL,
        first_event_timestamp BIGINT,
        last_event_timestamp BIGINT,
        last_ingestion_time BIGINT,
        stored_bytes BIGINT NOT NULL DEFAULT 0,
        UNIQUE (group_id, name)
      );
      -- DescribeLogStreams orderBy=LastEventTime; streams without events sort first (-1).
      CREATE INDEX log_streams_by_last_event ON log_streams (group_id, (COALESCE(last_event_timestamp, -1)), name);

      -- seq is the event's place in insertion order, from one sequence shared by every process
      -- and never reused. No foreign key: its per-row check would slow bulk appends, and the
      -- store's own row locks keep events from outliving their stream.
      CREATE TABLE log_events (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        group_id BIGINT NOT NULL,
        stream_id BIGINT NOT NULL,
        timestamp BIGINT NOT NULL,
        ingestion_time BIGINT NOT NULL,
        message BYTEA NOT NULL
      );
      -- GetLogEvents: one stream by (timestamp, seq), walked in either direction.
      CREATE INDEX log_events_by_stream ON log_events (stream_id, timestamp, seq);
      -- FilterLogEvents: a whole group by (timestamp, seq), interleaving its streams.
      CREATE INDEX log_events_by_group ON log_events (group_id, timestamp, seq);
    `,
  },
  {
    id: 2,
    name: 'resume cursor of a stream',
    sql: `
      -- Where a job's output resumes after a failover: written with the events it follows.
      ALTER TABLE log_streams ADD COLUMN resume_cursor TEXT;
    `,
  },
];
