import type { Slice } from '../../domain/common.js';
import { ConflictError, NotFoundError } from '../../domain/errors.js';
import type {
  CreateMissing,
  EventPosition,
  GroupEventPage,
  GroupEventQuery,
  GroupLogEvent,
  LogEvent,
  LogGroup,
  LogGroupClass,
  LogGroupQuery,
  LogStore,
  LogStream,
  LogStreamQuery,
  StoredLogEvent,
  StreamEventQuery,
} from '../../domain/logs/log-store.js';
import { lastEventCursor, parseLastEventCursor } from '../log-stream-cursor.js';
import { prefixUpperBound } from '../sqlite/prefix-range.js';
import { type PostgresDatabase, type SqlDatabase, type Queryable, sqlState } from './database.js';
import { LOG_MIGRATIONS } from './log-migrations.js';

/**
 * Event reads go in slices: each query returns at most this many rows, and stops at the row
 * whose preceding messages add up to SLICE_BYTES, so no single query holds a connection (or
 * Barge's memory) for long whatever the page's limits. Slices start small, as most pages are, and
 * grow while a walk goes on.
 */
const FIRST_SLICE_ROWS = 100;
const MAX_SLICE_ROWS = 2000;
const SLICE_BYTES = 4 * 1_048_576;

/**
 * A write transaction that meets a deadlock (two appends and a group deletion can form one on the
 * group row) is rolled back by PostgreSQL and safe to run again.
 */
const WRITE_ATTEMPTS = 3;
const RETRYABLE_SQLSTATES = new Set(['40P01', '40001']);

/** Rows as pg returns them: BIGINT as a string, BYTEA as a Buffer. They never leave this file. */
interface GroupRow {
  name: string;
  creation_time: string;
  retention_in_days: number | null;
  log_group_class: string;
  kms_key_id: string | null;
  deletion_protection: boolean;
  tags: string | null;
  stored_bytes: string;
}

interface StreamRow {
  group_name: string;
  name: string;
  creation_time: string;
  first_event_timestamp: string | null;
  last_event_timestamp: string | null;
  last_ingestion_time: string | null;
  stored_bytes: string;
}

interface EventRow {
  seq: string;
  timestamp: string;
  ingestion_time: string;
  message: Buffer;
  /** Message bytes of this row and the rows before it in the slice. */
  through_bytes: string;
}

interface GroupEventRow extends EventRow {
  stream_name: string;
}

const GROUP_COLUMNS = 'name, creation_time, retention_in_days, log_group_class, kms_key_id, deletion_protection, tags, stored_bytes';
const STREAM_COLUMNS = `g.name AS group_name, s.name, s.creation_time, s.first_event_timestamp, s.last_event_timestamp,
  s.last_ingestion_time, s.stored_bytes`;

/** Placeholders numbered as values are added. */
class Params {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * The log store on PostgreSQL. Every fact lives in the database, none in this process, so any
 * number of Barge processes may share it: seq comes from the events' identity sequence, and a
 * stream's and its group's counters change in the transaction that appends.
 *
 * Lock order, which keeps deletions from leaving orphans behind concurrent appends: the group row
 * first (KEY SHARE for work inside the group, UPDATE to delete it), then the stream row, then the
 * group's stored_bytes, last so that appends to one group wait for each other only briefly.
 */
export class PostgresLogStore implements LogStore {
  constructor(private readonly db: SqlDatabase) {}

  static async open(db: PostgresDatabase): Promise<PostgresLogStore> {
    await db.migrate('logs', LOG_MIGRATIONS);
    return new PostgresLogStore(db);
  }

  // ---- groups ----

  async createLogGroup(group: LogGroup): Promise<void> {
    const inserted = await this.write((client) => this.insertGroup(client, group));
    if (!inserted) throw new ConflictError('log group', group.logGroupName, `Log group ${group.logGroupName} already exists`);
  }

  /** INSERT … ON CONFLICT DO NOTHING; true when the row was inserted. */
  private async insertGroup(client: Queryable, group: LogGroup): Promise<boolean> {
    const result = await query(
      client,
      `INSERT INTO log_groups (name, creation_time, retention_in_days, log_group_class, kms_key_id, deletion_protection, tags)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name) DO NOTHING RETURNING id`,
      [
        group.logGroupName,
        group.creationTime,
        group.retentionInDays ?? null,
        group.logGroupClass,
        group.kmsKeyId ?? null,
        group.deletionProtectionEnabled,
        group.tags ? JSON.stringify(group.tags) : null,
      ],
    );
    return result.length === 1;
  }

  deleteLogGroup(logGroupName: string): Promise<boolean> {
    return this.write(async (client) => {
      const [group] = await query<{ id: string }>(client, 'SELECT id FROM log_groups WHERE name = $1 FOR UPDATE', [logGroupName]);
      if (!group) return false;
      await client.query('DELETE FROM log_events WHERE group_id = $1', [group.id]);
      await client.query('DELETE FROM log_streams WHERE group_id = $1', [group.id]);
      await client.query('DELETE FROM log_groups WHERE id = $1', [group.id]);
      return true;
    });
  }

  async setRetention(logGroupName: string, retentionInDays: number | undefined): Promise<boolean> {
    const rows = await this.db.query('UPDATE log_groups SET retention_in_days = $1 WHERE name = $2 RETURNING id', [retentionInDays ?? null, logGroupName]);
    return rows.length === 1;
  }

  async getLogGroup(logGroupName: string): Promise<LogGroup | undefined> {
    const [row] = await this.db.query<GroupRow>(`SELECT ${GROUP_COLUMNS} FROM log_groups WHERE name = $1`, [logGroupName]);
    return row ? groupFromRow(row) : undefined;
  }

  async listLogGroups(query: LogGroupQuery): Promise<Slice<LogGroup>> {
    const where: string[] = [];
    const params = new Params();
    if (query.prefix !== undefined) where.push(...prefixRange('name', query.prefix, params));
    if (query.contains !== undefined && query.contains !== '') where.push(`strpos(name, ${params.add(query.contains)}) > 0`);
    if (query.names !== undefined) {
      if (query.names.length === 0) return { items: [] };
      where.push(`name = ANY(${params.add(query.names)}::text[])`);
    }
    if (query.logGroupClass !== undefined) where.push(`log_group_class = ${params.add(query.logGroupClass)}`);
    if (query.after !== undefined) where.push(`name > ${params.add(query.after)}`);
    const rows = await this.db.query<GroupRow>(
      `SELECT ${GROUP_COLUMNS} FROM log_groups ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY name LIMIT ${params.add(query.limit + 1)}`,
      params.values,
    );
    return sliceOf(rows, query.limit, groupFromRow, (r) => r.name);
  }

  // ---- streams ----

  async createLogStream(logGroupName: string, logStreamName: string, creationTime: number): Promise<void> {
    await this.write(async (client) => {
      const group = await lockGroup(client, logGroupName);
      if (group === undefined) throw new NotFoundError('log group', logGroupName);
      if (!(await insertStream(client, group, logStreamName, creationTime))) {
        throw new ConflictError('log stream', logStreamName, `Log stream ${logStreamName} already exists`);
      }
    });
  }

  deleteLogStream(logGroupName: string, logStreamName: string): Promise<boolean> {
    return this.write(async (client) => {
      const group = await lockGroup(client, logGroupName);
      if (group === undefined) return false;
      const [stream] = await query<{ id: string; stored_bytes: string }>(
        client,
        'SELECT id, stored_bytes FROM log_streams WHERE group_id = $1 AND name = $2 FOR UPDATE',
        [group, logStreamName],
      );
      if (!stream) return false;
      await client.query('DELETE FROM log_events WHERE stream_id = $1', [stream.id]);
      await client.query('DELETE FROM log_streams WHERE id = $1', [stream.id]);
      await client.query('UPDATE log_groups SET stored_bytes = GREATEST(stored_bytes - $1, 0) WHERE id = $2', [stream.stored_bytes, group]);
      return true;
    });
  }

  async getLogStream(logGroupName: string, logStreamName: string): Promise<LogStream | undefined> {
    const [row] = await this.db.query<StreamRow>(
      `SELECT ${STREAM_COLUMNS} FROM log_streams s JOIN log_groups g ON g.id = s.group_id WHERE g.name = $1 AND s.name = $2`,
      [logGroupName, logStreamName],
    );
    return row ? streamFromRow(row) : undefined;
  }

  async listLogStreams(query: LogStreamQuery): Promise<Slice<LogStream>> {
    const params = new Params();
    const where = [`g.name = ${params.add(query.logGroupName)}`];
    if (query.prefix !== undefined) where.push(...prefixRange('s.name', query.prefix, params));
    const dir = query.descending ? 'DESC' : 'ASC';
    const cmp = query.descending ? '<' : '>';
    let order: string;
    let cursorOf: (row: StreamRow) => string;
    if (query.orderBy === 'LogStreamName') {
      if (query.after !== undefined) where.push(`s.name ${cmp} ${params.add(query.after)}`);
      order = `s.name ${dir}`;
      cursorOf = (r) => r.name;
    } else {
      if (query.after !== undefined) {
        const [timestamp, name] = parseLastEventCursor(query.after);
        // A row comparison over the index's columns: the index range starts at the cursor.
        where.push(`(COALESCE(s.last_event_timestamp, -1), s.name) ${cmp} (${params.add(timestamp)}::bigint, ${params.add(name)}::text)`);
      }
      order = `COALESCE(s.last_event_timestamp, -1) ${dir}, s.name ${dir}`;
      cursorOf = (r) => lastEventCursor(nullableNumber(r.last_event_timestamp) ?? null, r.name);
    }
    const rows = await this.db.query<StreamRow>(
      `SELECT ${STREAM_COLUMNS} FROM log_streams s JOIN log_groups g ON g.id = s.group_id
       WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${params.add(query.limit + 1)}`,
      params.values,
    );
    return sliceOf(rows, query.limit, streamFromRow, cursorOf);
  }

  async getResumeCursor(logGroupName: string, logStreamName: string): Promise<string | undefined> {
    const [row] = await this.db.query<{ resume_cursor: string | null }>(
      'SELECT s.resume_cursor FROM log_streams s JOIN log_groups g ON g.id = s.group_id WHERE g.name = $1 AND s.name = $2',
      [logGroupName, logStreamName],
    );
    return row?.resume_cursor ?? undefined;
  }

  // ---- events ----

  async appendLogEvents(logGroupName: string, logStreamName: string, events: LogEvent[], createMissing?: CreateMissing, resumeCursor?: string): Promise<void> {
    let first = Infinity;
    let last = -Infinity;
    let ingested = -Infinity;
    let bytes = 0;
    const timestamps: number[] = [];
    const ingestionTimes: number[] = [];
    const messages: Buffer[] = [];
    for (const e of events) {
      const message = Buffer.from(e.message, 'utf8');
      timestamps.push(e.timestamp);
      ingestionTimes.push(e.ingestionTime);
      messages.push(message);
      if (e.timestamp < first) first = e.timestamp;
      if (e.timestamp > last) last = e.timestamp;
      if (e.ingestionTime > ingested) ingested = e.ingestionTime;
      bytes += message.length;
    }
    await this.write(async (client) => {
      let group = await lockGroup(client, logGroupName);
      if (group === undefined) {
        if (!createMissing) throw new NotFoundError('log group', logGroupName);
        await this.insertGroup(client, createMissing.group);
        group = await lockGroup(client, logGroupName);
        // Deleted again between the two statements by another process: the caller may retry.
        if (group === undefined) throw new NotFoundError('log group', logGroupName);
      }
      // Locks the stream row (against a concurrent deletion) and adds to its counters in one step;
      // concurrent appends to the stream wait here for each other's commit.
      const updateStream = async (): Promise<string | undefined> => {
        const [stream] = await query<{ id: string }>(
          client,
          events.length === 0
            ? 'SELECT id FROM log_streams WHERE group_id = $1 AND name = $2 FOR KEY SHARE'
            : `UPDATE log_streams SET
                 first_event_timestamp = LEAST(COALESCE(first_event_timestamp, $3), $3),
                 last_event_timestamp = GREATEST(COALESCE(last_event_timestamp, $4), $4),
                 last_ingestion_time = GREATEST(COALESCE(last_ingestion_time, $5), $5),
                 stored_bytes = stored_bytes + $6
               WHERE group_id = $1 AND name = $2 RETURNING id`,
          events.length === 0 ? [group, logStreamName] : [group, logStreamName, first, last, ingested, bytes],
        );
        return stream?.id;
      };
      let stream = await updateStream();
      if (stream === undefined) {
        if (!createMissing) throw new NotFoundError('log stream', logStreamName);
        await insertStream(client, group, logStreamName, createMissing.streamCreationTime);
        stream = await updateStream();
        if (stream === undefined) throw new NotFoundError('log stream', logStreamName);
      }
      if (resumeCursor !== undefined) await client.query('UPDATE log_streams SET resume_cursor = $1 WHERE id = $2', [resumeCursor, stream]);
      if (events.length === 0) return;
      // WITH ORDINALITY and ORDER BY: the identity default is evaluated as the sorted rows reach
      // the insert, so seqs increase in array order.
      await client.query(
        `INSERT INTO log_events (group_id, stream_id, timestamp, ingestion_time, message)
         SELECT $1, $2, e.timestamp, e.ingestion_time, e.message
         FROM unnest($3::bigint[], $4::bigint[], $5::bytea[]) WITH ORDINALITY AS e(timestamp, ingestion_time, message, n)
         ORDER BY e.n`,
        [group, stream, timestamps, ingestionTimes, messages],
      );
      await client.query('UPDATE log_groups SET stored_bytes = stored_bytes + $1 WHERE id = $2', [bytes, group]);
    });
  }

  async readStreamEvents(query: StreamEventQuery): Promise<StoredLogEvent[]> {
    const forward = query.direction === 'forward';
    const events: StoredLogEvent[] = [];
    let pageBytes = 0;
    let from = query.from;
    let inclusive = !forward;
    for (;;) {
      const params = new Params();
      const rows = Math.min(MAX_SLICE_ROWS, query.limit - events.length);
      const sliceBytes = Math.min(SLICE_BYTES, Math.max(1, query.maxBytes - pageBytes));
      if (rows <= 0) break;
      const slice = await this.db.query<EventRow>(
        sliceSql(
          'e.seq, e.timestamp, e.ingestion_time, e.message',
          'log_events e',
          [
            `e.stream_id = (SELECT s.id FROM log_streams s JOIN log_groups g ON g.id = s.group_id
               WHERE g.name = ${params.add(query.logGroupName)} AND s.name = ${params.add(query.logStreamName)})`,
            `e.timestamp >= ${params.add(query.startTime)}`,
            `e.timestamp < ${params.add(query.endTime)}`,
            `(e.timestamp, e.seq) ${forward ? '>' : inclusive ? '<=' : '<'} (${params.add(from.timestamp)}::bigint, ${params.add(from.seq)}::bigint)`,
          ],
          forward ? 'ASC' : 'DESC',
          params.add(rows),
          params.add(sliceBytes),
        ),
        params.values,
      );
      for (const row of slice) {
        const event = storedEvent(row);
        pageBytes += query.eventSize(event);
        if (pageBytes > query.maxBytes && events.length > 0) return forward ? events : events.reverse();
        events.push(event);
      }
      const end = slice.at(-1);
      if (!end || !sliceWasCut(slice, rows, sliceBytes)) break;
      from = { timestamp: Number(end.timestamp), seq: Number(end.seq) };
      inclusive = false;
    }
    return forward ? events : events.reverse();
  }

  /**
   * FilterLogEvents' read: the group's events in (timestamp, seq) order through
   * log_events_by_group, each joined to its stream's name; one named stream through its own
   * index. Each slice is one query from the last event read, and awaiting it lets other work
   * run. The budget is counted as the SQLite store counts it, row by row, so both cut pages at
   * the same events.
   */
  async readGroupEvents(query: GroupEventQuery): Promise<GroupEventPage> {
    const filter = await this.groupFilter(query);
    if (!filter) return { events: [] };
    const started = performance.now();
    const events: GroupLogEvent[] = [];
    let pageBytes = 0;
    let scanned = 0;
    let scannedBytes = 0;
    let last: EventPosition | undefined;
    let wantedRows = FIRST_SLICE_ROWS;
    for (;;) {
      const from = last ?? query.after;
      const params = new Params();
      const where = [...filter(params), `e.timestamp >= ${params.add(query.startTime)}`, `e.timestamp <= ${params.add(query.endTime)}`];
      if (from) where.push(`(e.timestamp, e.seq) > (${params.add(from.timestamp)}::bigint, ${params.add(from.seq)}::bigint)`);
      // One row past a budget is enough to tell that events follow.
      const rows = Math.min(MAX_SLICE_ROWS, query.maxScanned - scanned + 1, Math.max(wantedRows, query.limit - events.length + 1));
      const sliceBytes = Math.min(SLICE_BYTES, Math.max(1, query.maxScannedBytes - scannedBytes));
      wantedRows = Math.min(MAX_SLICE_ROWS, wantedRows * 2);
      const slice = await this.db.query<GroupEventRow>(
        sliceSql(
          'e.seq, e.timestamp, e.ingestion_time, e.message, s.name AS stream_name',
          'log_events e JOIN log_streams s ON s.id = e.stream_id',
          where,
          'ASC',
          params.add(Math.max(1, rows)),
          params.add(sliceBytes),
        ),
        params.values,
      );
      for (const row of slice) {
        // Stopping here leaves this row unread: resume after the last row that was read.
        if (events.length >= query.limit) return page(events, last);
        if (scanned > 0 && (scanned >= query.maxScanned || scannedBytes >= query.maxScannedBytes || performance.now() - started >= query.maxMillis)) {
          return page(events, last);
        }
        const event: GroupLogEvent = { ...storedEvent(row), logStreamName: row.stream_name };
        scanned += 1;
        scannedBytes += row.message.length;
        if (query.match(event.message)) {
          pageBytes += query.eventSize(event);
          if (pageBytes > query.maxBytes && events.length > 0) return page(events, last);
          events.push(event);
        }
        last = { timestamp: event.timestamp, seq: event.seq };
      }
      if (!sliceWasCut(slice, Math.max(1, rows), sliceBytes)) return { events };
    }
  }

  /**
   * The conditions that select the query's streams, as a function adding its parameters;
   * undefined when nothing can match (no such group, none of the named streams).
   */
  private async groupFilter(query: GroupEventQuery): Promise<((params: Params) => string[]) | undefined> {
    const [group] = await this.db.query<{ id: string }>('SELECT id FROM log_groups WHERE name = $1', [query.logGroupName]);
    if (!group) return undefined;
    if (query.logStreamNames !== undefined) {
      if (query.logStreamNames.length === 0) return undefined;
      const streams = await this.db.query<{ id: string }>('SELECT id FROM log_streams WHERE group_id = $1 AND name = ANY($2::text[])', [
        group.id,
        query.logStreamNames,
      ]);
      if (streams.length === 0) return undefined;
      if (streams.length === 1) return (params) => [`e.stream_id = ${params.add(streams[0]!.id)}`];
      return (params) => [`e.group_id = ${params.add(group.id)}`, `e.stream_id = ANY(${params.add(streams.map((s) => s.id))}::bigint[])`];
    }
    const prefix = query.logStreamNamePrefix;
    return (params) => [`e.group_id = ${params.add(group.id)}`, ...(prefix === undefined ? [] : prefixRange('s.name', prefix, params))];
  }

  /** Nothing to flush: every write has committed when its promise resolves. The pool is not ended here, as the job store shares it: whoever opened the PostgresDatabase closes it. */
  async close(): Promise<void> {}

  /** A write transaction, run again when PostgreSQL aborted it to break a deadlock. */
  private async write<T>(work: (client: Queryable) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction(work);
      } catch (error) {
        const state = sqlState(error);
        if (attempt >= WRITE_ATTEMPTS || state === undefined || !RETRYABLE_SQLSTATES.has(state)) throw error;
      }
    }
  }
}

/**
 * One slice of an event walk: at most `rowsParam` rows in (timestamp, seq) order, cut after the row that brings
 * the messages read to `bytesParam` (the row that crosses it is included, so a slice is never
 * empty while events remain). octet_length of a stored value needs no detoasting, so rows past
 * the cut are never read in full.
 */
function sliceSql(columns: string, from: string, where: string[], direction: 'ASC' | 'DESC', rowsParam: string, bytesParam: string): string {
  const order = `e.timestamp ${direction}, e.seq ${direction}`;
  return `SELECT * FROM (
      SELECT ${columns}, sum(octet_length(e.message)) OVER (ORDER BY ${order} ROWS UNBOUNDED PRECEDING) AS through_bytes
      FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${rowsParam}
    ) slice WHERE slice.through_bytes - octet_length(slice.message) < ${bytesParam}
    ORDER BY slice.timestamp ${direction}, slice.seq ${direction}`;
}

/** Whether rows may follow the slice: it is full, or it stopped at its byte bound. */
function sliceWasCut(slice: EventRow[], rows: number, sliceBytes: number): boolean {
  const end = slice.at(-1);
  return end !== undefined && (slice.length >= rows || Number(end.through_bytes) >= sliceBytes);
}

async function query<R extends object>(client: Queryable, text: string, values: unknown[]): Promise<R[]> {
  return (await client.query(text, values)).rows as R[];
}

/** The group's id, its row locked against deletion until the transaction ends. */
async function lockGroup(client: Queryable, logGroupName: string): Promise<string | undefined> {
  const [row] = await query<{ id: string }>(client, 'SELECT id FROM log_groups WHERE name = $1 FOR KEY SHARE', [logGroupName]);
  return row?.id;
}

/** INSERT … ON CONFLICT DO NOTHING; true when the row was inserted. */
async function insertStream(client: Queryable, group: string, logStreamName: string, creationTime: number): Promise<boolean> {
  const rows = await query(
    client,
    'INSERT INTO log_streams (group_id, name, creation_time) VALUES ($1, $2, $3) ON CONFLICT (group_id, name) DO NOTHING RETURNING id',
    [group, logStreamName, creationTime],
  );
  return rows.length === 1;
}

/** "column starts with prefix" as the index range [prefix, upper bound). */
function prefixRange(column: string, prefix: string, params: Params): string[] {
  const conditions = [`${column} >= ${params.add(prefix)}`];
  const end = prefixUpperBound(prefix);
  if (end !== undefined) conditions.push(`${column} < ${params.add(end)}`);
  return conditions;
}

function sliceOf<R, T>(rows: R[], limit: number, map: (r: R) => T, cursorOf: (r: R) => string): Slice<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const slice: Slice<T> = { items: kept.map(map) };
  if (more) slice.cursor = cursorOf(kept[kept.length - 1]!);
  return slice;
}

function page(events: GroupLogEvent[], last: EventPosition | undefined): GroupEventPage {
  return last ? { events, resumeAfter: last } : { events };
}

function storedEvent(row: EventRow): StoredLogEvent {
  return { seq: Number(row.seq), timestamp: Number(row.timestamp), ingestionTime: Number(row.ingestion_time), message: row.message.toString('utf8') };
}

function nullableNumber(value: string | null): number | undefined {
  return value === null ? undefined : Number(value);
}

function groupFromRow(row: GroupRow): LogGroup {
  const group: LogGroup = {
    logGroupName: row.name,
    creationTime: Number(row.creation_time),
    storedBytes: Number(row.stored_bytes),
    logGroupClass: row.log_group_class as LogGroupClass,
    deletionProtectionEnabled: row.deletion_protection,
  };
  if (row.retention_in_days !== null) group.retentionInDays = row.retention_in_days;
  if (row.kms_key_id !== null) group.kmsKeyId = row.kms_key_id;
  if (row.tags !== null) group.tags = JSON.parse(row.tags) as Record<string, string>;
  return group;
}

function streamFromRow(row: StreamRow): LogStream {
  const stream: LogStream = {
    logGroupName: row.group_name,
    logStreamName: row.name,
    creationTime: Number(row.creation_time),
    storedBytes: Number(row.stored_bytes),
  };
  const first = nullableNumber(row.first_event_timestamp);
  const last = nullableNumber(row.last_event_timestamp);
  const ingested = nullableNumber(row.last_ingestion_time);
  if (first !== undefined) stream.firstEventTimestamp = first;
  if (last !== undefined) stream.lastEventTimestamp = last;
  if (ingested !== undefined) stream.lastIngestionTime = ingested;
  return stream;
}
