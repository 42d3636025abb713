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
 * Events FilterLogEvents reads per call, matching or not. SQLite reads are synchronous, so this
 * bounds how long one request holds the event loop (~10–20 ms) when a rare pattern forces a long
 * scan; the client gets a partial (even empty) page with a nextToken, as AWS allows (§3).
 */
export const FILTER_MAX_SCANNED = 20_000;

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
