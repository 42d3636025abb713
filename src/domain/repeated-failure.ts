import type { DomainLogger } from './logger.js';

/** How often a failure that keeps repeating is summarised: once a minute. */
export const REPEAT_SUMMARY_INTERVAL_MS = 60_000;

export interface RepeatedFailureOptions {
  intervalMs?: number;
  now?: () => number;
}

/**
 * The log of work that retries on its own (a WAL checkpoint every 100 ms, a scheduling pass
 * every second) while something outside Barge keeps it failing, such as a full disk. Logging
 * each failure wrote ~20 warnings a second (issue 11); this writes the first failure, then at
 * most one summary per interval with the number of failures since the last line, and one line
 * when the work succeeds again.
 */
export class RepeatedFailure {
  private failingSince: number | undefined;
  private lastReportAt = 0;
  private unreported = 0;
  private total = 0;
  private readonly intervalMs: number;
  private readonly now: () => number;

  constructor(
    private readonly log: Pick<DomainLogger, 'warn' | 'info'>,
    /** What fails, as the start of a sentence: `WAL checkpoint of /data/logs.db`. */
    private readonly what: string,
    options: RepeatedFailureOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? REPEAT_SUMMARY_INTERVAL_MS;
    this.now = options.now ?? Date.now;
  }

  get failing(): boolean {
    return this.failingSince !== undefined;
  }

  failed(error: unknown): void {
    const now = this.now();
    this.total += 1;
    const err = error instanceof Error ? error : new Error(String(error));
    if (this.failingSince === undefined) {
      this.failingSince = now;
      this.lastReportAt = now;
      this.log.warn({ err, summaryEverySeconds: this.intervalMs / 1000 }, `${this.what} failed; it is retried, and repeats are summarised`);
      return;
    }
    this.unreported += 1;
    if (now - this.lastReportAt < this.intervalMs) return;
    this.log.warn({ err, failures: this.unreported, failingForMs: now - this.failingSince }, `${this.what} is still failing`);
    this.lastReportAt = now;
    this.unreported = 0;
  }

  succeeded(): void {
    if (this.failingSince === undefined) return;
    this.log.info({ failures: this.total, failedForMs: this.now() - this.failingSince }, `${this.what} succeeds again`);
    this.failingSince = undefined;
    this.unreported = 0;
    this.total = 0;
  }
}
