import { InvalidInputError } from '../errors.js';
import {
  DAY_MS,
  eventSize,
  MAX_EVENT_BYTES,
  MAX_PUT_BATCH_BYTES,
  MAX_PUT_BATCH_SPAN_MS,
  TOO_NEW_MS,
  TOO_OLD_MS,
} from './limits.js';

export interface InputLogEvent {
  timestamp: number;
  message: string;
}

/** Indexes into the request's events, as PutLogEvents reports them (end indexes are exclusive). */
export interface RejectedLogEvents {
  tooNewLogEventStartIndex?: number;
  tooOldLogEventEndIndex?: number;
  expiredLogEventEndIndex?: number;
}

/**
 * PutLogEvents' rules (reference §5). A batch that breaks a batch-wide rule (size, order, span) is
 * refused whole. Otherwise events too far in the future, older than 14 days or older than the
 * group's retention are left out one by one and reported; the rest are stored. Because the batch
 * is in chronological order, the rejected events are a prefix (old) and a suffix (new).
 */
export function admitEvents(
  events: InputLogEvent[],
  now: number,
  retentionInDays: number | undefined,
): { accepted: InputLogEvent[]; rejected?: RejectedLogEvents } {
  let total = 0;
  events.forEach((event, i) => {
    const size = eventSize(event);
    if (size > MAX_EVENT_BYTES) throw new InvalidInputError(`Log event too large: ${size} bytes exceeds limit of ${MAX_EVENT_BYTES}`);
    total += size;
    if (i > 0 && event.timestamp < events[i - 1]!.timestamp) {
      throw new InvalidInputError('Log events in a single PutLogEvents request must be in chronological order.');
    }
  });
  if (total > MAX_PUT_BATCH_BYTES) throw new InvalidInputError(`Upload too large: ${total} bytes exceeds limit of ${MAX_PUT_BATCH_BYTES}`);
  const first = events[0];
  const last = events[events.length - 1];
  if (first && last && last.timestamp - first.timestamp > MAX_PUT_BATCH_SPAN_MS) {
    throw new InvalidInputError('The batch of log events in a single PutLogEvents request cannot span more than 24 hours.');
  }

  const countBefore = (limit: number) => {
    let n = 0;
    while (n < events.length && events[n]!.timestamp < limit) n += 1;
    return n;
  };
  const tooOldEnd = countBefore(now - TOO_OLD_MS);
  const expiredEnd = retentionInDays === undefined ? 0 : countBefore(now - retentionInDays * DAY_MS);
  let tooNewStart = events.length;
  while (tooNewStart > 0 && events[tooNewStart - 1]!.timestamp > now + TOO_NEW_MS) tooNewStart -= 1;

  const rejected: RejectedLogEvents = {};
  if (tooOldEnd > 0) rejected.tooOldLogEventEndIndex = tooOldEnd;
  if (expiredEnd > 0) rejected.expiredLogEventEndIndex = expiredEnd;
  if (tooNewStart < events.length) rejected.tooNewLogEventStartIndex = tooNewStart;
  const accepted = events.slice(Math.max(tooOldEnd, expiredEnd), Math.max(tooNewStart, Math.max(tooOldEnd, expiredEnd)));
  return Object.keys(rejected).length > 0 ? { accepted, rejected } : { accepted };
}
