import type { LogGroup, LogGroupClass, LogStream } from '../../domain/logs/log-store.js';

/** Rows of logs.db as SQLite returns them; they never leave store/. */
export interface GroupRow {
  id: number;
  name: string;
  creation_time: number;
  retention_in_days: number | null;
  log_group_class: string;
  kms_key_id: string | null;
  deletion_protection: number;
  tags: string | null;
  stored_bytes: number;
}

export interface StreamRow {
  group_name: string;
  name: string;
  creation_time: number;
  first_event_timestamp: number | null;
  last_event_timestamp: number | null;
  last_ingestion_time: number | null;
  stored_bytes: number;
}

export interface EventRow {
  seq: number;
  timestamp: number;
  ingestion_time: number;
  message: string;
  stream_name: string;
}

export function groupFromRow(row: GroupRow): LogGroup {
  const group: LogGroup = {
    logGroupName: row.name,
    creationTime: row.creation_time,
    storedBytes: row.stored_bytes,
    logGroupClass: row.log_group_class as LogGroupClass,
    deletionProtectionEnabled: row.deletion_protection === 1,
  };
  if (row.retention_in_days !== null) group.retentionInDays = row.retention_in_days;
  if (row.kms_key_id !== null) group.kmsKeyId = row.kms_key_id;
  if (row.tags !== null) group.tags = JSON.parse(row.tags) as Record<string, string>;
  return group;
}

export function streamFromRow(row: StreamRow): LogStream {
  const stream: LogStream = {
    logGroupName: row.group_name,
    logStreamName: row.name,
    creationTime: row.creation_time,
    storedBytes: row.stored_bytes,
  };
  if (row.first_event_timestamp !== null) stream.firstEventTimestamp = row.first_event_timestamp;
  if (row.last_event_timestamp !== null) stream.lastEventTimestamp = row.last_event_timestamp;
  if (row.last_ingestion_time !== null) stream.lastIngestionTime = row.last_ingestion_time;
  return stream;
}
