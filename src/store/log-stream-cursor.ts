import { InvalidInputError } from '../domain/errors.js';

/**
 * The cursor of DescribeLogStreams ordered by LastEventTime: the last stream's last event
 * timestamp (-1 when it has none) and name. Shared by the stores so a token stays valid whichever
 * store issued it.
 */
export function lastEventCursor(lastEventTimestamp: number | null, name: string): string {
  return JSON.stringify([lastEventTimestamp ?? -1, name]);
}

export function parseLastEventCursor(cursor: string): [number, string] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || typeof parsed[0] !== 'number' || typeof parsed[1] !== 'string') {
    throw new InvalidInputError('The specified nextToken is invalid.');
  }
  return [parsed[0], parsed[1]];
}
