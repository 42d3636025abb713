import type { Slice } from '../common.js';

/**
 * CloudWatch Logs in domain terms: groups hold streams, streams hold events ordered by time
 * (../shared/reference/cloudwatch-logs-api.md). Implemented by each store. Records carry names
 * only; ARNs are derived from them by the domain, so a store never needs the region or account.
 */
export type LogGroupClass = 'STANDARD' | 'INFREQUENT_ACCESS' | 'DELIVERY';

export interface LogGroup {
  logGroupName: string;
  creationTime: number;
  retentionInDays?: number;
  /** UTF-8 bytes of the messages stored in the group's streams. */
  storedBytes: number;
  logGroupClass: LogGroupClass;
  kmsKeyId?: string;
  deletionProtectionEnabled: boolean;
  tags?: Record<string, string>;
}

export interface LogStream {
  logGroupName: string;
  logStreamName: string;
  creationTime: number;
  firstEventTimestamp?: number;
  lastEventTimestamp?: number;
  lastIngestionTime?: number;
  storedBytes: number;
}

export interface LogEvent {
  timestamp: number;
  message: string;
  ingestionTime: number;
}

/**
 * Where an event sits in the total order of a store: by timestamp, then by `seq`, which the store
 * assigns from one counter that only grows (insertion order, never reused). `seq` ≥ 1, so
 * `{ timestamp: t, seq: 0 }` sorts before every event at `t`.
 */
export interface EventPosition {
  timestamp: number;
  seq: number;
}

export interface StoredLogEvent extends LogEvent {
  seq: number;
}

export interface GroupLogEvent extends StoredLogEvent {
  logStreamName: string;
}

/** One stream's events, walked from a position in either direction (GetLogEvents). */
export interface StreamEventQuery {
  logGroupName: string;
  logStreamName: string;
  /** forward: events strictly after `from`, oldest first; backward: events at or before `from`, newest first. */
  direction: 'forward' | 'backward';
  from: EventPosition;
  /** Inclusive lower bound on timestamp. */
  startTime: number;
  /** Exclusive upper bound on timestamp. */
  endTime: number;
  limit: number;
  /** Stop before the summed `eventSize` of the page would exceed this (one event is always returned). */
  maxBytes: number;
  eventSize: (event: LogEvent) => number;
}

/** Events of a group across streams, oldest first (FilterLogEvents). */
export interface GroupEventQuery {
  logGroupName: string;
  /** Only these streams (unknown names match nothing). Exclusive with `logStreamNamePrefix`. */
  logStreamNames?: string[];
  logStreamNamePrefix?: string;
  /** Continue strictly after this position. */
  after?: EventPosition;
  /** Inclusive bounds on timestamp. */
  startTime: number;
  endTime: number;
  /** The filter pattern, applied to each event the store reads. */
  match: (message: string) => boolean;
  limit: number;
  maxBytes: number;
  eventSize: (event: LogEvent) => number;
  /**
   * The scan budget of one call: stop once this many events of the selected streams (matching the
   * pattern or not), this many UTF-8 bytes of their messages, or this many milliseconds of wall time
   * have gone by. Events of other streams skipped by the store's own index walk are not counted.
   * A call that has read nothing yet always reads the next event, so paging always progresses.
   */
  maxScanned: number;
  maxScannedBytes: number;
  maxMillis: number;
}

export interface GroupEventPage {
  events: GroupLogEvent[];
  /** Present when the walk stopped early (limit, bytes or scan budget) and events may follow this position. */
  resumeAfter?: EventPosition;
}

export interface LogGroupQuery {
  /** Plain string prefix of the name. */
  prefix?: string;
  /** Case-sensitive substring of the name. */
  contains?: string;
  names?: string[];
  logGroupClass?: LogGroupClass;
  /** Cursor from a previous slice. */
  after?: string;
  limit: number;
}

export interface LogStreamQuery {
  logGroupName: string;
  prefix?: string;
  orderBy: 'LogStreamName' | 'LastEventTime';
  descending: boolean;
  /** Cursor from a previous slice with the same orderBy and descending. */
  after?: string;
  limit: number;
}

/** What `appendLogEvents` creates when the group or stream is missing (the job runner's path). */
export interface CreateMissing {
  group: LogGroup;
  streamCreationTime: number;
}

/**
 * Every method is one atomic unit: it commits completely before its promise resolves, or not at
 * all. Writes may be grouped into one commit with other writes, but a failing write rolls back
 * alone. After a crash, every write whose promise resolved is there.
 */
export interface LogStore {
  /** Throws ConflictError('log group') when the name is taken. */
  createLogGroup(group: LogGroup): Promise<void>;
  /** Deletes the group with its streams and events; false when there was no such group. */
  deleteLogGroup(logGroupName: string): Promise<boolean>;
  /** Sets or (undefined) clears the retention; false when there is no such group. */
  setRetention(logGroupName: string, retentionInDays: number | undefined): Promise<boolean>;
  getLogGroup(logGroupName: string): Promise<LogGroup | undefined>;
  /** Groups in ascending name order (binary, i.e. ASCII for the names AWS allows). */
  listLogGroups(query: LogGroupQuery): Promise<Slice<LogGroup>>;

  /** Throws NotFoundError('log group') or ConflictError('log stream'). */
  createLogStream(logGroupName: string, logStreamName: string, creationTime: number): Promise<void>;
  /** Deletes the stream and its events; false when there was no such stream. */
  deleteLogStream(logGroupName: string, logStreamName: string): Promise<boolean>;
  getLogStream(logGroupName: string, logStreamName: string): Promise<LogStream | undefined>;
  /**
   * Streams by name, or by last event timestamp (streams without events first, ties by name);
   * `descending` reverses either order. Does not check that the group exists.
   */
  listLogStreams(query: LogStreamQuery): Promise<Slice<LogStream>>;

  /**
   * Appends events to a stream in one transaction and updates the stream's first/last event
   * timestamps, last ingestion time and stored bytes. Events get increasing `seq`s in array order.
   * Throws NotFoundError('log group' | 'log stream') when missing, unless `createMissing` is given,
   * in which case the group and stream are created in the same transaction. `resumeCursor`, when
   * given, is stored on the stream in the same transaction (see getResumeCursor).
   */
  appendLogEvents(logGroupName: string, logStreamName: string, events: LogEvent[], createMissing?: CreateMissing, resumeCursor?: string): Promise<void>;
  /**
   * Where the writer of a stream (a job's container output) resumes after these events: kept
   * with them in the same transaction by `appendLogEvents(…, resumeCursor)`, so a writer that
   * takes over after a crash neither repeats nor skips a line. Not an AWS field.
   */
  getResumeCursor(logGroupName: string, logStreamName: string): Promise<string | undefined>;
  /** A page of one stream's events, always returned oldest first. */
  readStreamEvents(query: StreamEventQuery): Promise<StoredLogEvent[]>;
  /**
   * A page of a group's events in (timestamp, seq) order, cut by the query's limits and scan budget.
   * The walk does not hold the caller's thread for the whole budget: it reads in short slices and
   * lets other work run between them. Resuming after `resumeAfter` yields exactly the events not
   * yet read (plus any appended meanwhile at later positions), so pages neither lose nor repeat one.
   */
  readGroupEvents(query: GroupEventQuery): Promise<GroupEventPage>;

  /** Commits pending writes and releases the store. */
  close(): Promise<void>;
}
