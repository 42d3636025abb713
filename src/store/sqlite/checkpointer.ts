import { Worker } from 'node:worker_threads';
import type { SynchronousMode } from './database.js';

export interface CheckpointerOptions {
  file: string;
  synchronous: SynchronousMode;
  /** How often the worker copies the WAL into the database file. */
  intervalMs: number;
  /** WAL size (frames, 4 KiB each) at which the worker makes the log start over. */
  restartFrames: number;
  busyTimeoutMs: number;
}

/** `error`: a checkpoint failed; `recovered`: one succeeded after failures. */
export type CheckpointerMessage = { kind: 'stop' } | { kind: 'error'; message: string } | { kind: 'recovered' };

/** Hears how the worker's checkpoints go; the worker reports every failure, and the first success after them. */
export interface CheckpointerEvents {
  failed(message: string): void;
  recovered(): void;
  /** The worker ended without being asked to. */
  exited(): void;
}

/**
 * Checkpoints one WAL-mode SQLite file from a worker thread. SQLite's own automatic checkpoint
 * runs inside the commit that crosses the threshold, on the server's only thread, and with
 * synchronous=NORMAL or FULL it fsyncs the log and the database file: on the bench machine that
 * stalled the event loop for milliseconds every few hundred SubmitJobs (sequential SubmitJob
 * throughput rose 18-19 % with checkpoints moved off the loop). The owner turns
 * automatic checkpoints off while this runs and back on if the worker dies.
 */
export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private stopping = false;

  constructor(options: CheckpointerOptions, events: CheckpointerEvents) {
    this.worker = new Worker(new URL('./checkpoint-worker.js', import.meta.url), { workerData: options });
    // The owner closes it; it never keeps the process alive on its own.
    this.worker.unref();
    this.worker.on('message', (message: CheckpointerMessage) => {
      if (message.kind === 'error') events.failed(message.message);
      else if (message.kind === 'recovered') events.recovered();
    });
    this.worker.on('error', (error: unknown) => events.failed(error instanceof Error ? error.message : String(error)));
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', () => {
        if (!this.stopping) events.exited();
        resolve();
      });
    });
  }

  /** Stops the worker after its current checkpoint; resolves once its connection is closed. */
  async stop(): Promise<void> {
    this.stopping = true;
    // Referenced again, or the process could end while waiting for the worker's exit.
    this.worker.ref();
    this.worker.postMessage({ kind: 'stop' } satisfies CheckpointerMessage);
    await this.exited;
  }
}
