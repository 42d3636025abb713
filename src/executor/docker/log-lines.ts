import type { LogLine } from '../../domain/executor.js';
import { nanosToMillis, parseNanos } from './engine-time.js';

/**
 * Docker's awslogs driver, which is what AWS Batch jobs log through, cuts events at
 * 262,144 bytes minus CloudWatch's 26-byte per-event overhead. Cutting here too keeps one
 * endless line (a job printing 1 GB without a newline) from being held in memory.
 */
export const MAX_LINE_BYTES = 262_144 - 26;

interface PartialLine {
  parts: Buffer[];
  bytes: number;
  firstNanos: bigint;
  lastCursor: string;
}

/**
 * Turns timestamped log messages into lines. The engine stores a long line as several partial
 * messages (16 KiB each for json-file), only the last ending in a newline, so partial messages
 * are joined per stream until the newline. A line's `timestamp` is when it began; its `cursor`
 * is the timestamp of its last message, so resuming after it skips every piece of it.
 *
 * A known limit: a line cut at MAX_LINE_BYTES carries the cursor of the message being read, so
 * resuming right after such a cut loses the rest of that message (at most 16 KiB).
 */
export class LineAssembler {
  private readonly pending = new Map<'stdout' | 'stderr', PartialLine>();

  /** @param afterNanos messages at or before this time were delivered already and are skipped. */
  constructor(private readonly afterNanos: bigint | undefined) {}

  /** The lines this message completes: none, one, or several when a long line is cut. */
  push(stream: 'stdout' | 'stderr', message: Buffer): LogLine[] {
    const space = message.indexOf(0x20);
    const cursor = space < 0 ? '' : message.toString('latin1', 0, space);
    const nanos = parseNanos(cursor);
    if (nanos === undefined) throw new Error('log message without a timestamp prefix');
    if (this.afterNanos !== undefined && nanos <= this.afterNanos) return [];

    const endsLine = message.length > space + 1 && message[message.length - 1] === 0x0a;
    const content = message.subarray(space + 1, endsLine ? message.length - 1 : message.length);
    const partial = this.pending.get(stream) ?? { parts: [], bytes: 0, firstNanos: nanos, lastCursor: cursor };
    partial.parts.push(content);
    partial.bytes += content.length;
    partial.lastCursor = cursor;
    this.pending.set(stream, partial);

    if (endsLine) return this.take(stream, false);
    if (partial.bytes > MAX_LINE_BYTES) return this.take(stream, true);
    return [];
  }

  /** When the output ends, a last line without a newline is still a line. */
  end(): LogLine[] {
    const lines: LogLine[] = [];
    for (const stream of [...this.pending.keys()]) lines.push(...this.take(stream, false));
    return lines;
  }

  private take(stream: 'stdout' | 'stderr', keepRemainder: boolean): LogLine[] {
    const partial = this.pending.get(stream);
    if (!partial) return [];
    this.pending.delete(stream);
    let rest = partial.parts.length === 1 ? partial.parts[0]! : Buffer.concat(partial.parts);
    const line = (bytes: Buffer): LogLine => ({
      timestamp: nanosToMillis(partial.firstNanos),
      cursor: partial.lastCursor,
      stream,
      message: bytes.toString('utf8'),
    });
    const lines: LogLine[] = [];
    while (rest.length > MAX_LINE_BYTES) {
      const cut = utf8Boundary(rest, MAX_LINE_BYTES);
      lines.push(line(rest.subarray(0, cut)));
      rest = rest.subarray(cut);
    }
    if (keepRemainder && rest.length > 0) {
      this.pending.set(stream, { ...partial, parts: [Buffer.from(rest)], bytes: rest.length });
    } else if (!keepRemainder) {
      lines.push(line(rest));
    }
    return lines;
  }
}

/** The largest index ≤ limit that does not split a UTF-8 sequence. */
function utf8Boundary(bytes: Buffer, limit: number): number {
  let cut = limit;
  // Continuation bytes are 10xxxxxx; a sequence is at most 4 bytes long.
  while (cut > limit - 4 && cut > 0 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut -= 1;
  return cut;
}
