import type { DomainLogger } from './logger.js';
import type { Clock, Signals, Timers } from './ports.js';

/**
 * The leader lease, kept by the store (scale-out.md §1.2, River's design): one row with the
 * holder, a term that grows with every new holder, and an expiry computed by the database's
 * clock, so replicas with skewed clocks agree on it.
 */
export interface LeaseStore {
  /**
   * Renews the lease when `holder` holds it under `term`, or takes it (with a new, higher term)
   * when it is free or expired. Either way it then expires `ttlMs` from the database's now.
   * Undefined when another holder has it.
   */
  acquireOrRenewLease(holder: string, term: number | undefined, ttlMs: number): Promise<{ term: number } | undefined>;
  /** Gives the lease up at once, if `holder` still holds it under `term`. */
  resignLease(holder: string, term: number): Promise<void>;
  /** The holder and term of the lease now, expired or not; undefined when nobody ever held it. */
  currentLease(): Promise<{ holder: string; term: number; expired: boolean } | undefined>;
}

export interface LeadershipOptions {
  /** How long a lease lasts without renewal. */
  ttlMs: number;
  /** How often the leader renews, and a follower tries to take it. */
  renewEveryMs: number;
  /**
   * The leader stops acting this long before its lease would expire (by its own clock, counted
   * from the start of the last renewal that succeeded), so that a slow or frozen leader is out
   * before anyone else can be in.
   */
  safetyMarginMs: number;
}

export const DEFAULT_LEADERSHIP: LeadershipOptions = { ttlMs: 10_000, renewEveryMs: 2_000, safetyMarginMs: 1_000 };

/** What happens when this process gains or loses the lead. */
export interface LeadershipEvents {
  elected(term: number): Promise<void>;
  /** Called before anything else is done once the lead is lost; `why` for the log. */
  deposed(term: number, why: string): Promise<void>;
}

/**
 * Runs for the lease: every `renewEveryMs` the leader renews and a follower tries to take it.
 * `term` is this process's term while it may act as the leader, else undefined; every write the
 * leader makes is fenced by it in the store (a deposed leader's late writes are refused there).
 */
export class Leadership {
  private heldTerm: number | undefined;
  /** Local time until which the held lease is trusted. */
  private trustedUntil = 0;
  private timer: (() => void) | undefined;
  private stopped = false;
  private round: Promise<void> | undefined;
  /** The term last held or seen, for metrics. */
  lastTerm = 0;

  constructor(
    private readonly lease: LeaseStore,
    readonly holder: string,
    private readonly clock: Clock,
    private readonly timers: Timers,
    private readonly events: LeadershipEvents,
    private readonly log: DomainLogger,
    private readonly options: LeadershipOptions = DEFAULT_LEADERSHIP,
    private readonly signals?: Signals,
  ) {
    // A leader that resigns says so: followers try at once instead of at their next round.
    signals?.on('leader', () => this.roundNow());
  }

  private roundNow(): void {
    if (this.stopped || this.round) return;
    this.timer?.();
    void this.runRound();
  }

  /** This process's term while it is the leader and its lease is trusted; else undefined. */
  get term(): number | undefined {
    if (this.heldTerm === undefined) return undefined;
    return this.clock.now() < this.trustedUntil ? this.heldTerm : undefined;
  }

  get isLeader(): boolean {
    return this.term !== undefined;
  }

  /** Runs the first round now (so a lone process leads from its start) and then every interval. */
  async start(): Promise<void> {
    await this.runRound();
  }

  /** Stops running for the lease and, if leading, resigns so another replica takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.();
    await this.round;
    const term = this.heldTerm;
    if (term !== undefined) {
      await this.stepDown(term, 'stopping');
      await this.lease.resignLease(this.holder, term).then(
        () => this.signals?.send('leader'),
        (error: unknown) => this.log.warn({ err: error }, 'could not resign the lead; it expires on its own'),
      );
    }
  }

  private runRound(): Promise<void> {
    this.round = this.renewOrAcquire().finally(() => {
      this.round = undefined;
      if (!this.stopped) this.timer = this.timers.after(this.options.renewEveryMs, () => void this.runRound());
    });
    return this.round;
  }

  private async renewOrAcquire(): Promise<void> {
    // A renewal that takes long must not extend the trust: it counts from when it was asked.
    const askedAt = this.clock.now();
    let result: { term: number } | undefined;
    try {
      result = await this.lease.acquireOrRenewLease(this.holder, this.heldTerm, this.options.ttlMs);
    } catch (error) {
      if (this.heldTerm !== undefined && this.clock.now() >= this.trustedUntil) {
        await this.stepDown(this.heldTerm, `the lease could not be renewed: ${(error as Error).message}`);
      } else {
        this.log.warn({ err: error, term: this.heldTerm }, 'could not reach the store to renew or take the lead; will try again');
      }
      return;
    }
    if (this.stopped) {
      if (result) await this.lease.resignLease(this.holder, result.term).catch(() => undefined);
      return;
    }
    if (!result) {
      if (this.heldTerm !== undefined) await this.stepDown(this.heldTerm, 'another replica holds the lease');
      return;
    }
    this.lastTerm = result.term;
    this.trustedUntil = askedAt + this.options.ttlMs - this.options.safetyMarginMs;
    if (this.heldTerm === result.term) return;
    if (this.heldTerm !== undefined) await this.stepDown(this.heldTerm, `the lease was taken again under term ${result.term}`);
    this.heldTerm = result.term;
    this.log.info({ term: result.term, holder: this.holder }, 'elected leader');
    try {
      await this.events.elected(result.term);
    } catch (error) {
      this.log.error({ err: error, term: result.term }, 'could not start leading; resigning');
      await this.stepDown(result.term, 'starting to lead failed');
      await this.lease.resignLease(this.holder, result.term).catch(() => undefined);
    }
  }

  private async stepDown(term: number, why: string): Promise<void> {
    if (this.heldTerm !== term) return;
    this.heldTerm = undefined;
    this.trustedUntil = 0;
    this.log.warn({ term, why }, 'no longer the leader');
    await this.events.deposed(term, why).catch((error: unknown) => this.log.error({ err: error, term }, 'stepping down failed'));
  }
}
