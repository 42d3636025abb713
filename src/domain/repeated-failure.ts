import type { DomainLogger } from './logger.js';

/** How often a failure that keeps repeating is logged again: once a minute. */
export const REPEAT_SUMMARY_INTERVAL_MS = 60_000;

export interface RepeatedFailureOptions {
  intervalMs?: number;
  now?: () => number;
}

/**
 * The log of work that retries on its own (a WAL checkpoint every 100 ms, a scheduling pass
 * every second, a job's output) while something outside Barge keeps it failing, such as a full
 * disk. Logging each failure wrote ~20 warnings a second (issue 11). This logs at most one
 * warning per interval: the first failure, then a summary with the number of failures since
 * the last line; and one info line when the work succeeds after a warning.
 *
 * On a full disk some writes still fit (SQLite reuses space it already holds), so the work
 * flaps between failing and succeeding. A failure soon after a logged recovery therefore does
 * not warn at once: it waits for the interval like a repeat, and a success before then logs
 * nothing, since the last line already says the work succeeds.
 */
export class RepeatedFailure {
  private failingSince: number | undefined;
  private lastWarningAt: number | undefined;
  private lastLine: 'warn' | 'info' | undefined;
  private unreported = 0;
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

  /** `context` goes into the warning when one is logged (e.g. the job whose write failed). */
  failed(error: unknown, context: Record<string, unknown> = {}): void {
    const now = this.now();
    this.failingSince ??= now;
    this.unreported += 1;
    if (this.lastWarningAt !== undefined && now - this.lastWarningAt < this.intervalMs) return;
    const err = error instanceof Error ? error : new Error(String(error));
    const fields = { ...context, err, failures: this.unreported, failingForMs: now - this.failingSince };
    if (this.lastLine === 'warn') {
      this.log.warn(fields, `${this.what} is still failing`);
    } else {
      this.log.warn({ ...fields, repeatsLoggedEverySeconds: this.intervalMs / 1000 }, `${this.what} failed; it is retried`);
    }
    this.lastWarningAt = now;
    this.lastLine = 'warn';
    this.unreported = 0;
  }

  succeeded(): void {
    if (this.failingSince === undefined) return;
    if (this.lastLine === 'warn') {
      this.log.info({ failures: this.unreported, failedForMs: this.now() - this.failingSince }, `${this.what} succeeds again`);
      this.lastLine = 'info';
      this.unreported = 0;
    }
    this.failingSince = undefined;
  }
}
