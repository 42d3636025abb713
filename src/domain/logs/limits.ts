/**
 * CloudWatch Logs limits Barge reproduces (../shared/reference/cloudwatch-logs-api.md §3, §5).
 */

/** GetLogEvents and FilterLogEvents return at most this many events per page… */
export const MAX_EVENTS_PER_PAGE = 10_000;
/** …and at most this many bytes, counted as PutLogEvents counts them (eventSize). */
export const MAX_PAGE_BYTES = 1_048_576;

/** AWS charges every event 26 bytes on top of its UTF-8 message in the PutLogEvents size limits. */
export const EVENT_OVERHEAD_BYTES = 26;
export const MAX_PUT_BATCH_BYTES = 1_048_576;
export const MAX_EVENT_BYTES = 1_048_576;
export const MAX_PUT_BATCH_SPAN_MS = 24 * 3600_000;
/** PutLogEvents rejects, one by one, events more than 2 h in the future or older than 14 days. */
export const TOO_NEW_MS = 2 * 3600_000;
export const TOO_OLD_MS = 14 * 24 * 3600_000;

export const DESCRIBE_DEFAULT_LIMIT = 50;

/**
 * What one FilterLogEvents call may read, matching the pattern or not, before it answers with a
 * partial (even empty) page and a nextToken, as AWS allows (§3): whichever of the three comes first.
 * Events alone did not bound a call: 20,000 events of up to 1 MB each is 20 GB, and one call over a
 * 1 GB stream of 3,815 events took 1.7–5.0 s (issue 11). 32 MiB is 32 full 1 MB response pages of
 * reading, tens of milliseconds from a warm cache; 500 ms caps a call on a slow disk or a busy
 * machine, so a client (`aws logs tail`, a paginator) sees progress at least twice a second. The
 * scan also yields to other requests as it goes (the store's slices), so these bounds are about a
 * caller's latency and fairness between callers, not about the event loop.
 */
export const FILTER_MAX_SCANNED = 20_000;
export const FILTER_MAX_SCANNED_BYTES = 32 * 1_048_576;
export const FILTER_MAX_MILLIS = 500;

/** Exactly the `Days` values of the model (§5). */
export const RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** Later than any timestamp an event can carry; the open end of a time range. */
export const END_OF_TIME = Number.MAX_SAFE_INTEGER;

export const DAY_MS = 24 * 3600_000;

export function eventSize(event: { message: string }): number {
  return Buffer.byteLength(event.message, 'utf8') + EVENT_OVERHEAD_BYTES;
}
