import type { Clock } from '../../domain/ports.js';
import type { SqlDatabase } from './database.js';

/** How often the offset to the database's clock is measured again. */
const RESYNC_MS = 60_000;

/**
 * The domain's clock in a cluster: this machine's clock corrected by its measured offset to
 * PostgreSQL's (pg-boss does the same for its cron). Replicas whose clocks disagree by minutes
 * then still agree on when a job was created, changed status or ran out of time: every time
 * Barge records or compares is on one clock. The offset is taken from the fastest of a few round
 * trips (its error is at most half that round trip) and measured again every minute; while the
 * database cannot be reached, the last offset stays.
 */
export class DatabaseClock implements Clock {
  private offsetMs = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: SqlDatabase,
    private readonly local: () => number = Date.now,
  ) {}

  now(): number {
    return Math.round(this.local() + this.offsetMs);
  }

  /** Measures the offset once (so the first time read is already corrected), then every minute. */
  async start(): Promise<void> {
    await this.sync();
    this.timer = setInterval(() => void this.sync().catch(() => undefined), RESYNC_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async sync(): Promise<void> {
    let best: { roundTrip: number; offset: number } | undefined;
    for (let i = 0; i < 3; i++) {
      const sent = this.local();
      const [row] = await this.db.query<{ now: string }>('SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS now');
      const received = this.local();
      const roundTrip = received - sent;
      const offset = Number(row!.now) - (sent + received) / 2;
      if (!best || roundTrip < best.roundTrip) best = { roundTrip, offset };
    }
    this.offsetMs = best!.offset;
  }
}
