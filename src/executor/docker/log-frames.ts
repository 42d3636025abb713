/**
 * The engine's log endpoint, for a container without a TTY, multiplexes stdout and stderr into
 * frames: an 8-byte header (stream type, 3 zero bytes, big-endian payload length) then the
 * payload. With `timestamps=true` each frame is one log message, prefixed with its timestamp.
 * docker-modem's demuxStream concatenates every chunk onto one buffer and ignores
 * backpressure, so the frames are parsed here instead.
 */

export type FrameStream = 'stdout' | 'stderr' | 'system';

export interface LogFrame {
  stream: FrameStream;
  payload: Buffer;
}

const HEADER_BYTES = 8;
const STREAM_TYPES: Record<number, FrameStream> = { 1: 'stdout', 2: 'stderr', 3: 'system' };
const EMPTY = Buffer.alloc(0);

export class FrameDecoder {
  private carry: Buffer = EMPTY;

  /** Frames completed by `chunk`; an incomplete trailing frame is kept for the next chunk. */
  decode(chunk: Buffer): LogFrame[] {
    const buffer = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    const frames: LogFrame[] = [];
    let offset = 0;
    while (buffer.length - offset >= HEADER_BYTES) {
      const type = buffer.readUInt8(offset);
      const stream = STREAM_TYPES[type];
      if (stream === undefined) {
        // Only a TTY container's log is unframed, and Barge never creates one.
        throw new Error(`unexpected log frame type ${type}: the log stream is not multiplexed`);
      }
      const length = buffer.readUInt32BE(offset + 4);
      const end = offset + HEADER_BYTES + length;
      if (end > buffer.length) break;
      frames.push({ stream, payload: buffer.subarray(offset + HEADER_BYTES, end) });
      offset = end;
    }
    // A copy, so the carried bytes do not pin the whole chunk in memory.
    this.carry = offset === buffer.length ? EMPTY : Buffer.from(buffer.subarray(offset));
    return frames;
  }

  /** Bytes of a frame that never completed; non-zero at the end means the engine cut the stream. */
  get pendingBytes(): number {
    return this.carry.length;
  }
}
