import type { EventPosition, GroupEventPage, GroupEventQuery, GroupLogEvent } from '../../domain/logs/log-store.js';
import type { StatementCache } from './database.js';
import type { EventRow } from './log-rows.js';
import { addPrefixRange } from './prefix-range.js';
import type { ReadTurns } from './read-turns.js';

/**
 * The longest a FilterLogEvents walk reads synchronously before it lets other work run, so about
 * the longest a cheap request waits for it. The event being read when time is up still finishes:
 * a few milliseconds for 1 MB, up to 0.2–0.3 s when the largest regex allowed matches it.
 */
const SLICE_MS = 5;

/**
 * FilterLogEvents' read (LogStore.readGroupEvents). Walks the group's events in (timestamp, seq)
 * order through log_events_by_group, joining each to its stream's name. A single named stream is
 * walked through its own index instead. Plans are forced (INDEXED BY, CROSS JOIN) because the
 * alternative the planner may pick for a stream filter, reading every matching stream's events
 * and sorting them, costs the whole range up front.
 *
 * better-sqlite3 reads synchronously, so the walk goes in slices of SLICE_MS, each in a turn of
 * the event loop of its own (ReadTurns): other requests, the scheduler and commits run between
 * them. Each slice queries again from the last event read: a cursor cannot stay open across
 * turns, as the connection is shared with the writes that run meanwhile.
 */
export async function readGroupEvents(
  statements: StatementCache,
  turns: ReadTurns,
  groupId: number | undefined,
  query: GroupEventQuery,
): Promise<GroupEventPage> {
  const walk = groupWalk(statements, groupId, query);
  if (!walk) return { events: [] };
  const started = performance.now();
  const events: GroupLogEvent[] = [];
  let pageBytes = 0;
  let scanned = 0;
  let scannedBytes = 0;
  let last: EventPosition | undefined;
  for (;;) {
    await turns.next();
    const from = last ?? query.after;
    const sliceEnds = performance.now() + SLICE_MS;
    let sliced = false;
    for (const row of walk(from)) {
      // Stopping here leaves this row unread: resume after the last row that was read.
      if (events.length >= query.limit) return page(events, last);
      if (scanned > 0 && (scanned >= query.maxScanned || scannedBytes >= query.maxScannedBytes || performance.now() - started >= query.maxMillis)) {
        return page(events, last);
      }
      const event: GroupLogEvent = { seq: row.seq, timestamp: row.timestamp, ingestionTime: row.ingestion_time, message: row.message, logStreamName: row.stream_name };
      scanned += 1;
      scannedBytes += Buffer.byteLength(row.message, 'utf8');
      if (query.match(row.message)) {
        pageBytes += query.eventSize(event);
        if (pageBytes > query.maxBytes && events.length > 0) return page(events, last);
        events.push(event);
      }
      last = { timestamp: row.timestamp, seq: row.seq };
      if (performance.now() >= sliceEnds) {
        sliced = true;
        break;
      }
    }
    if (!sliced) return { events };
  }
}

/**
 * The walk's query as a function of the position to continue after; undefined when nothing can
 * match (no such group, none of the named streams).
 */
function groupWalk(
  statements: StatementCache,
  group: number | undefined,
  query: GroupEventQuery,
): ((after: EventPosition | undefined) => IterableIterator<EventRow>) | undefined {
  if (group === undefined) return undefined;
  const where: string[] = [];
  const params: unknown[] = [];
  let index = 'log_events_by_group';
  if (query.logStreamNames !== undefined) {
    const streams = query.logStreamNames.length === 0 ? [] : (statements.get(
      `SELECT id FROM log_streams WHERE group_id = ? AND name IN (${query.logStreamNames.map(() => '?').join(',')})`,
    ).all(group, ...query.logStreamNames) as { id: number }[]);
    if (streams.length === 0) return undefined;
    if (streams.length === 1) {
      index = 'log_events_by_stream';
      where.push('e.stream_id = ?');
      params.push(streams[0]!.id);
    } else {
      where.push('e.group_id = ?', `e.stream_id IN (${streams.map(() => '?').join(',')})`);
      params.push(group, ...streams.map((s) => s.id));
    }
  } else {
    where.push('e.group_id = ?');
    params.push(group);
    if (query.logStreamNamePrefix !== undefined) {
      addPrefixRange('s.name', query.logStreamNamePrefix, where, params);
    }
  }
  const select = (after: boolean) =>
    statements.get(
      `SELECT e.seq, e.timestamp, e.ingestion_time, e.message, s.name AS stream_name
       FROM log_events e INDEXED BY ${index} CROSS JOIN log_streams s ON s.id = e.stream_id
       WHERE ${where.join(' AND ')} AND e.timestamp >= ? AND e.timestamp <= ?${after ? ' AND (e.timestamp > ? OR e.seq > ?)' : ''}
       ORDER BY e.timestamp, e.seq`,
    );
  return (after) =>
    (after
      ? select(true).iterate(...params, Math.max(query.startTime, after.timestamp), query.endTime, after.timestamp, after.seq)
      : select(false).iterate(...params, query.startTime, query.endTime)) as IterableIterator<EventRow>;
}

function page(events: GroupLogEvent[], last: EventPosition | undefined): GroupEventPage {
  return last ? { events, resumeAfter: last } : { events };
}
