import type Database from 'better-sqlite3';
import type { Slice } from '../../domain/common.js';
import { ConflictError, NotFoundError } from '../../domain/errors.js';
import type {
  CreateMissing,
  GroupEventPage,
  GroupEventQuery,
  LogEvent,
  LogGroup,
  LogGroupQuery,
  LogStore,
  LogStream,
  LogStreamQuery,
  StoredLogEvent,
  StreamEventQuery,
} from '../../domain/logs/log-store.js';
import { lastEventCursor, parseLastEventCursor } from '../log-stream-cursor.js';
import { LOG_MIGRATIONS } from './log-migrations.js';
import { limitClause, openDatabase, sliceOf, type SqliteFile, StatementCache, type StoreFileOptions } from './database.js';
import { type EventRow, groupFromRow, type GroupRow, streamFromRow, type StreamRow } from './log-rows.js';
import { readGroupEvents } from './group-event-walk.js';
import { addPrefixRange } from './prefix-range.js';
import { ReadTurns } from './read-turns.js';
import { WriteBatcher } from './write-batcher.js';

/** Rows per multi-row INSERT of events (500 parameters, far below SQLite's limit of 32,766). */
const INSERT_ROWS = 100;

const STREAM_COLUMNS = `g.name AS group_name, s.name, s.creation_time, s.first_event_timestamp, s.last_event_timestamp,
  s.last_ingestion_time, s.stored_bytes`;

/**
 * The log store: its own SQLite file (WAL, synchronous as configured) written through the same
 * group-commit batcher as the main store, so a job's output lines and a user's PutLogEvents
 * arriving in one event-loop turn share one fsync. Reads run on the same connection.
 */
export class SqliteLogStore implements LogStore {
  private readonly db: Database.Database;
  private readonly writes: WriteBatcher;
  private readonly readTurns = new ReadTurns();
  /** The listing and event queries vary with their filters; each variant is prepared once. */
  private readonly statements: StatementCache;

  private readonly file: SqliteFile;

  constructor(file: string, options: StoreFileOptions = {}) {
    this.file = openDatabase(file, LOG_MIGRATIONS, options);
    this.db = this.file.db;
    this.statements = new StatementCache(this.db);
    this.writes = new WriteBatcher(this.db);
  }

  private sql(text: string): Database.Statement {
    return this.statements.get(text);
  }

  // ---- groups ----

  createLogGroup(group: LogGroup): Promise<void> {
    return this.writes.write(() => {
      if (!this.insertGroup(group)) throw new ConflictError('log group', group.logGroupName, `Log group ${group.logGroupName} already exists`);
    });
  }

  /** INSERT OR IGNORE; true when the row was inserted. */
  private insertGroup(group: LogGroup): boolean {
    const result = this.sql(
      `INSERT OR IGNORE INTO log_groups (name, creation_time, retention_in_days, log_group_class, kms_key_id, deletion_protection, tags)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      group.logGroupName,
      group.creationTime,
      group.retentionInDays ?? null,
      group.logGroupClass,
      group.kmsKeyId ?? null,
      group.deletionProtectionEnabled ? 1 : 0,
      group.tags ? JSON.stringify(group.tags) : null,
    );
    return result.changes === 1;
  }

  deleteLogGroup(logGroupName: string): Promise<boolean> {
    return this.writes.write(() => {
      const group = this.groupId(logGroupName);
      if (group === undefined) return false;
      this.sql('DELETE FROM log_events WHERE group_id = ?').run(group);
      this.sql('DELETE FROM log_streams WHERE group_id = ?').run(group);
      this.sql('DELETE FROM log_groups WHERE id = ?').run(group);
      return true;
    });
  }

  setRetention(logGroupName: string, retentionInDays: number | undefined): Promise<boolean> {
    return this.writes.write(
      () => this.sql('UPDATE log_groups SET retention_in_days = ? WHERE name = ?').run(retentionInDays ?? null, logGroupName).changes === 1,
    );
  }

  async getLogGroup(logGroupName: string): Promise<LogGroup | undefined> {
    const row = this.sql('SELECT * FROM log_groups WHERE name = ?').get(logGroupName) as GroupRow | undefined;
    return row ? groupFromRow(row) : undefined;
  }

  async listLogGroups(query: LogGroupQuery): Promise<Slice<LogGroup>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.prefix !== undefined) {
      addPrefixRange('name', query.prefix, where, params);
    }
    if (query.contains !== undefined && query.contains !== '') {
      where.push('instr(name, ?) > 0');
      params.push(query.contains);
    }
    if (query.names !== undefined) {
      if (query.names.length === 0) return { items: [] };
      where.push(`name IN (${query.names.map(() => '?').join(',')})`);
      params.push(...query.names);
    }
    if (query.logGroupClass !== undefined) {
      where.push('log_group_class = ?');
      params.push(query.logGroupClass);
    }
    if (query.after !== undefined) {
      where.push('name > ?');
      params.push(query.after);
    }
    const rows = this.sql(
      `SELECT * FROM log_groups ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY name ${limitClause(query.limit + 1)}`,
    ).all(...params) as GroupRow[];
    return sliceOf(rows, query.limit, groupFromRow, (r) => r.name);
  }

  // ---- streams ----

  createLogStream(logGroupName: string, logStreamName: string, creationTime: number): Promise<void> {
    return this.writes.write(() => {
      const group = this.groupId(logGroupName);
      if (group === undefined) throw new NotFoundError('log group', logGroupName);
      const inserted = this.sql('INSERT OR IGNORE INTO log_streams (group_id, name, creation_time) VALUES (?, ?, ?)').run(group, logStreamName, creationTime);
      if (inserted.changes === 0) throw new ConflictError('log stream', logStreamName, `Log stream ${logStreamName} already exists`);
    });
  }

  deleteLogStream(logGroupName: string, logStreamName: string): Promise<boolean> {
    return this.writes.write(() => {
      const ids = this.streamIds(logGroupName, logStreamName);
      if (!ids) return false;
      const { stored_bytes } = this.sql('SELECT stored_bytes FROM log_streams WHERE id = ?').get(ids.stream) as { stored_bytes: number };
      this.sql('DELETE FROM log_events WHERE stream_id = ?').run(ids.stream);
      this.sql('DELETE FROM log_streams WHERE id = ?').run(ids.stream);
      this.sql('UPDATE log_groups SET stored_bytes = MAX(stored_bytes - ?, 0) WHERE id = ?').run(stored_bytes, ids.group);
      return true;
    });
  }

  async getLogStream(logGroupName: string, logStreamName: string): Promise<LogStream | undefined> {
    const row = this.sql(
      `SELECT ${STREAM_COLUMNS} FROM log_streams s JOIN log_groups g ON g.id = s.group_id WHERE g.name = ? AND s.name = ?`,
    ).get(logGroupName, logStreamName) as StreamRow | undefined;
    return row ? streamFromRow(row) : undefined;
  }

  async listLogStreams(query: LogStreamQuery): Promise<Slice<LogStream>> {
    const where = ['g.name = ?'];
    const params: unknown[] = [query.logGroupName];
    if (query.prefix !== undefined) {
      addPrefixRange('s.name', query.prefix, where, params);
    }
    const dir = query.descending ? 'DESC' : 'ASC';
    const cmp = query.descending ? '<' : '>';
    let order: string;
    let cursorOf: (row: StreamRow) => string;
    if (query.orderBy === 'LogStreamName') {
      if (query.after !== undefined) {
        where.push(`s.name ${cmp} ?`);
        params.push(query.after);
      }
      order = `s.name ${dir}`;
      cursorOf = (r) => r.name;
    } else {
      if (query.after !== undefined) {
        const [timestamp, name] = parseLastEventCursor(query.after);
        // Spelled out rather than as a row value, so the index range starts at the cursor.
        where.push(`IFNULL(s.last_event_timestamp, -1) ${cmp}= ? AND (IFNULL(s.last_event_timestamp, -1) ${cmp} ? OR s.name ${cmp} ?)`);
        params.push(timestamp, timestamp, name);
      }
      order = `IFNULL(s.last_event_timestamp, -1) ${dir}, s.name ${dir}`;
      cursorOf = (r) => lastEventCursor(r.last_event_timestamp, r.name);
    }
    const rows = this.sql(
      `SELECT ${STREAM_COLUMNS} FROM log_streams s JOIN log_groups g ON g.id = s.group_id
       WHERE ${where.join(' AND ')} ORDER BY ${order} ${limitClause(query.limit + 1)}`,
    ).all(...params) as StreamRow[];
    return sliceOf(rows, query.limit, streamFromRow, cursorOf);
  }

  async getResumeCursor(logGroupName: string, logStreamName: string): Promise<string | undefined> {
    const ids = this.streamIds(logGroupName, logStreamName);
    if (!ids) return undefined;
    const row = this.sql('SELECT resume_cursor FROM log_streams WHERE id = ?').get(ids.stream) as { resume_cursor: string | null } | undefined;
    return row?.resume_cursor ?? undefined;
  }

  // ---- events ----

  appendLogEvents(logGroupName: string, logStreamName: string, events: LogEvent[], createMissing?: CreateMissing, resumeCursor?: string): Promise<void> {
    return this.writes.write(() => {
      let ids = this.streamIds(logGroupName, logStreamName);
      if (!ids) {
        if (!createMissing) {
          if (this.groupId(logGroupName) === undefined) throw new NotFoundError('log group', logGroupName);
          throw new NotFoundError('log stream', logStreamName);
        }
        this.insertGroup(createMissing.group);
        const group = this.groupId(logGroupName)!;
        this.sql('INSERT OR IGNORE INTO log_streams (group_id, name, creation_time) VALUES (?, ?, ?)').run(group, logStreamName, createMissing.streamCreationTime);
        ids = this.streamIds(logGroupName, logStreamName)!;
      }
      if (resumeCursor !== undefined) this.sql('UPDATE log_streams SET resume_cursor = ? WHERE id = ?').run(resumeCursor, ids.stream);
      if (events.length === 0) return;
      let first = Infinity;
      let last = -Infinity;
      let ingested = -Infinity;
      let bytes = 0;
      const values: unknown[] = [];
      for (const e of events) {
        values.push(ids.group, ids.stream, e.timestamp, e.ingestionTime, e.message);
        if (e.timestamp < first) first = e.timestamp;
        if (e.timestamp > last) last = e.timestamp;
        if (e.ingestionTime > ingested) ingested = e.ingestionTime;
        bytes += Buffer.byteLength(e.message, 'utf8');
      }
      this.insertEvents(values);
      this.sql(
        `UPDATE log_streams SET
           first_event_timestamp = MIN(IFNULL(first_event_timestamp, @first), @first),
           last_event_timestamp = MAX(IFNULL(last_event_timestamp, @last), @last),
           last_ingestion_time = MAX(IFNULL(last_ingestion_time, @ingested), @ingested),
           stored_bytes = stored_bytes + @bytes
         WHERE id = @stream`,
      ).run({ first, last, ingested, bytes, stream: ids.stream });
      this.sql('UPDATE log_groups SET stored_bytes = stored_bytes + ? WHERE id = ?').run(bytes, ids.group);
    });
  }

  /**
   * Inserts rows of 5 values each. Multi-row INSERTs of INSERT_ROWS rows halve the cost per event
   * against one statement per row (measured on a 2-core machine: 100,000 rows in 0.7 s instead of 1.4 s);
   * beyond ~100 rows the gain flattens while the statement grows.
   */
  private insertEvents(values: unknown[]): void {
    const width = 5;
    const chunk = INSERT_ROWS * width;
    const insert = (rows: number) =>
      this.sql(`INSERT INTO log_events (group_id, stream_id, timestamp, ingestion_time, message) VALUES ${Array(rows).fill('(?, ?, ?, ?, ?)').join(', ')}`);
    let at = 0;
    for (; at + chunk <= values.length; at += chunk) insert(INSERT_ROWS).run(values.slice(at, at + chunk));
    for (; at < values.length; at += width) insert(1).run(values.slice(at, at + width));
  }

  async readStreamEvents(query: StreamEventQuery): Promise<StoredLogEvent[]> {
    const ids = this.streamIds(query.logGroupName, query.logStreamName);
    if (!ids) return [];
    const forward = query.direction === 'forward';
    const { timestamp, seq } = query.from;
    // Timestamps are integers, so the exclusive endTime is the inclusive endTime − 1. The bounds on
    // timestamp carry the position because SQLite does not use a row-value comparison such as
    // (timestamp, seq) > (?, ?) as an index bound: each page would rescan the stream from its start.
    const low = forward ? Math.max(query.startTime, timestamp) : query.startTime;
    const high = forward ? query.endTime - 1 : Math.min(query.endTime - 1, timestamp);
    const statement = this.sql(
      `SELECT seq, timestamp, ingestion_time, message FROM log_events INDEXED BY log_events_by_stream
       WHERE stream_id = ? AND timestamp >= ? AND timestamp <= ? AND ${forward ? '(timestamp > ? OR seq > ?)' : '(timestamp < ? OR seq <= ?)'}
       ORDER BY timestamp ${forward ? 'ASC' : 'DESC'}, seq ${forward ? 'ASC' : 'DESC'} ${limitClause(query.limit)}`,
    );
    const rows = statement.iterate(ids.stream, low, high, timestamp, seq) as IterableIterator<Omit<EventRow, 'stream_name'>>;
    const events: StoredLogEvent[] = [];
    let bytes = 0;
    for (const row of rows) {
      const event = { seq: row.seq, timestamp: row.timestamp, ingestionTime: row.ingestion_time, message: row.message };
      bytes += query.eventSize(event);
      if (bytes > query.maxBytes && events.length > 0) break;
      events.push(event);
    }
    return forward ? events : events.reverse();
  }

  readGroupEvents(query: GroupEventQuery): Promise<GroupEventPage> {
    return readGroupEvents(this.statements, this.readTurns, this.groupId(query.logGroupName), query);
  }

  async close(): Promise<void> {
    this.writes.flush();
    await this.file.close();
  }

  // ---- lookups ----

  private groupId(logGroupName: string): number | undefined {
    return (this.sql('SELECT id FROM log_groups WHERE name = ?').get(logGroupName) as { id: number } | undefined)?.id;
  }

  private streamIds(logGroupName: string, logStreamName: string): { group: number; stream: number } | undefined {
    return this.sql(
      'SELECT g.id AS "group", s.id AS stream FROM log_streams s JOIN log_groups g ON g.id = s.group_id WHERE g.name = ? AND s.name = ?',
    ).get(logGroupName, logStreamName) as { group: number; stream: number } | undefined;
  }
}
