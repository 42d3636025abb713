import { InvalidInputError } from '../errors.js';
import type { EventPosition } from './log-store.js';

/**
 * GetLogEvents tokens. AWS's look like `f/<56 digits>/s` and `b/<56 digits>/s` (reference §3), and
 * ours have the same form: the direction, then a boundary between two events of the stream's
 * (timestamp, seq) order, as 28 + 28 zero-padded digits. `f/p` continues with the events after p,
 * `b/p` with the events at or before p. Encoding is a function of (direction, p), so handing the
 * same boundary back yields the very token the client sent: AWS's end-of-stream signal.
 */
export interface EventToken {
  direction: 'forward' | 'backward';
  position: EventPosition;
}

const WIDTH = 28;
const TOKEN = /^([fb])\/(\d{28})(\d{28})\/s$/;

export function encodeEventToken(token: EventToken): string {
  const { timestamp, seq } = token.position;
  return `${token.direction === 'forward' ? 'f' : 'b'}/${pad(timestamp)}${pad(seq)}/s`;
}

export function decodeEventToken(token: string): EventToken {
  const match = TOKEN.exec(token);
  const timestamp = Number(match?.[2]);
  const seq = Number(match?.[3]);
  if (!match || !Number.isSafeInteger(timestamp) || !Number.isSafeInteger(seq)) {
    throw new InvalidInputError('The specified nextToken is invalid.');
  }
  return { direction: match[1] === 'f' ? 'forward' : 'backward', position: { timestamp, seq } };
}

/** FilterLogEvents' eventId: unique and stable, a long decimal string like AWS's. */
export function eventId(position: EventPosition): string {
  return `${pad(position.timestamp)}${pad(position.seq)}`;
}

function pad(n: number): string {
  return String(n).padStart(WIDTH, '0');
}
