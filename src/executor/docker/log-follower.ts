import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { Logger } from 'pino';
import type { ContainerExit, LogLine } from '../../domain/executor.js';
import { FrameDecoder } from './log-frames.js';
import { LineAssembler } from './log-lines.js';
import { engineTimeMillis, parseNanos, sinceParameter } from './engine-time.js';

/**
 * A batch is handed over when it reaches either bound, or sooner when the engine has nothing
 * more to send right now, so a quiet job's lines still arrive as they are written.
 */
const BATCH_MAX_LINES = 500;
const BATCH_MAX_BYTES = 64 * 1024;

type OnLines = (lines: LogLine[]) => Promise<void>;

/**
 * Follows one container's output to its exit (Executor.follow). Lines are read from the
 * engine's log endpoint only as fast as `onLines` accepts them: the HTTP stream is not read
 * while a batch is being delivered, so TCP backpressure reaches the engine and a job printing
 * 1 GB costs one batch of memory.
 */
export async function followContainer(
  container: Docker.Container,
  afterCursor: string | undefined,
  onLines: OnLines,
  logger?: Logger,
): Promise<ContainerExit> {
  let after = afterCursor === undefined ? undefined : parseCursor(afterCursor);
  const before = await container.inspect();
  if (before.State.Status === 'created') {
    throw new Error(`container ${container.id} has not been started; follow() needs a started container`);
  }
  after = await deliverLogs(container, after, onLines, logger);
  if (before.State.Running || before.State.Restarting || before.State.Paused) {
    await container.wait();
    // The live stream ends when the engine notices the exit, which may race with the last
    // writes reaching the log file; a second read of the finished log from the cursor costs
    // one request and picks up anything the live stream did not carry.
    await deliverLogs(container, after, onLines, logger);
  }
  const { State } = await container.inspect();
  const startedAt = engineTimeMillis(State.StartedAt);
  let finishedAt = engineTimeMillis(State.FinishedAt);
  // The engine stamps StartedAt when it handles the start, which for a process that exits at
  // once can be after FinishedAt (seen on 20.10: 1 ms later). A run never ends before it began.
  if (startedAt !== undefined && finishedAt !== undefined) finishedAt = Math.max(finishedAt, startedAt);
  return {
    exitCode: State.ExitCode,
    oomKilled: State.OOMKilled,
    ...(startedAt !== undefined ? { startedAt } : {}),
    ...(finishedAt !== undefined ? { finishedAt } : {}),
  };
}

/** Reads the log from after `after` until the engine ends the stream; returns the new cursor. */
async function deliverLogs(
  container: Docker.Container,
  after: bigint | undefined,
  onLines: OnLines,
  logger?: Logger,
): Promise<bigint | undefined> {
  const stream = (await container.logs({
    follow: true,
    stdout: true,
    stderr: true,
    timestamps: true,
    ...(after !== undefined ? { since: sinceParameter(after) } : {}),
  })) as Readable;
  const decoder = new FrameDecoder();
  const assembler = new LineAssembler(after);
  let cursor = after;
  let batch: LogLine[] = [];
  let batchBytes = 0;

  const deliver = async (): Promise<void> => {
    if (batch.length === 0) return;
    const lines = batch;
    batch = [];
    batchBytes = 0;
    await onLines(lines);
    cursor = parseCursor(lines[lines.length - 1]!.cursor);
  };
  const add = async (lines: LogLine[]): Promise<void> => {
    for (const line of lines) {
      batch.push(line);
      batchBytes += line.message.length;
      if (batch.length >= BATCH_MAX_LINES || batchBytes >= BATCH_MAX_BYTES) await deliver();
    }
  };

  try {
    for await (const chunk of stream) {
      for (const frame of decoder.decode(chunk as Buffer)) {
        if (frame.stream === 'system') {
          // The engine's own complaint about reading the log ("Error grabbing logs: ..."), not job output.
          logger?.warn({ containerId: container.id, message: frame.payload.toString() }, 'engine log error');
          continue;
        }
        await add(assembler.push(frame.stream, frame.payload));
      }
      if (stream.readableLength === 0) await deliver();
    }
    await add(assembler.end());
    await deliver();
  } finally {
    // Releases the engine's connection when onLines throws half way.
    stream.destroy();
  }
  if (decoder.pendingBytes > 0) {
    logger?.warn({ containerId: container.id, bytes: decoder.pendingBytes }, 'log stream ended inside a frame');
  }
  return cursor;
}

function parseCursor(cursor: string): bigint {
  const nanos = parseNanos(cursor);
  if (nanos === undefined) throw new Error(`invalid log cursor ${JSON.stringify(cursor)}`);
  return nanos;
}
