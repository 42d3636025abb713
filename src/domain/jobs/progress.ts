import type { Clock, Store } from '../ports.js';
import type { DomainLogger } from '../logger.js';
import { type ArrayChildState } from '../ports.js';
import { isTerminal, type Job, type JobStatus } from './job.js';
import { JobTransitions, type StatusChange } from './transitions.js';

export const DEPENDENT_JOB_FAILED = 'Dependent Job failed';
const BATCH = 1000;
/** Notes kept for the next pass at most; past this the pass lists SUBMITTED jobs instead. */
const MAX_NOTED = 50_000;

type DependencyState = 'met' | 'waiting' | 'failed';

/**
 * Moves jobs that wait on nothing but other jobs (reference §6–§7): SUBMITTED jobs are
 * evaluated, PENDING jobs become RUNNABLE when every dependency SUCCEEDED and FAILED when one
 * failed (transitively, one level per pass), array children are released as their parent's
 * dependencies and SEQUENTIAL / N_TO_N rules allow, and array parents end when their children do.
 * Returns how many jobs changed, so the caller knows whether to look again.
 */
export class DependencyProgress {
  /**
   * Where each job submitted by this process goes next. Promoting from these costs one UPDATE
   * per pass instead of reading and parsing every SUBMITTED job, which was most of the
   * scheduler's work under a stream of submits. Jobs accepted before a start (or around a
   * failed pass) are found by listing SUBMITTED jobs once.
   */
  private submitted = new Map<string, 'PENDING' | 'RUNNABLE'>();
  private listingNeeded = true;
  /**
   * False once a listing found no PENDING job (array children aside) and no job has moved to
   * PENDING since; only promotion from SUBMITTED makes one, so passes skip the listing.
   */
  private pendingMayExist = true;
  private readonly transitions: JobTransitions;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    log: DomainLogger,
    /**
     * Several processes share the store: jobs submitted on the others are never noted here, so
     * every pass lists SUBMITTED jobs (and PENDING ones) instead of trusting the notes.
     */
    private readonly clustered = false,
  ) {
    this.transitions = new JobTransitions(store, log);
  }

  /** A job was just stored as SUBMITTED: the next pass moves it on. */
  noteSubmitted(job: Job): void {
    // Every pass lists SUBMITTED jobs anyway; a follower, which runs no pass, would only pile notes up.
    if (this.clustered) return;
    if (this.submitted.size >= MAX_NOTED) {
      // Passes are not running (the engine has been down since the start): stop noting and
      // let the first pass list what is SUBMITTED instead of holding every id in memory.
      this.submitted.clear();
      this.listingNeeded = true;
    }
    if (!this.listingNeeded) this.submitted.set(job.jobId, afterSubmitted(job));
  }

  async run(): Promise<number> {
    return (await this.promoteSubmitted()) + (await this.resolvePending());
  }

  private async promoteSubmitted(): Promise<number> {
    try {
      if (this.clustered) this.pendingMayExist = true;
      return (this.listingNeeded || this.clustered ? await this.promoteListed() : 0) + (await this.promoteNoted());
    } catch (error) {
      this.listingNeeded = true;
      throw error;
    }
  }

  private async promoteNoted(): Promise<number> {
    if (this.submitted.size === 0) return 0;
    const noted = this.submitted;
    this.submitted = new Map();
    let changed = 0;
    for (const status of ['PENDING', 'RUNNABLE'] as const) {
      const ids = [...noted].flatMap(([jobId, next]) => (next === status ? [jobId] : []));
      if (ids.length === 0) continue;
      const moved = await this.transitions.apply([{ jobIds: ids, from: ['SUBMITTED'], to: status }]);
      if (status === 'PENDING' && moved.length > 0) this.pendingMayExist = true;
      changed += moved.length;
    }
    return changed;
  }

  private async promoteListed(): Promise<number> {
    // Cleared first: a job noted from here on is promoted from its note, and one the listing
    // also finds is moved only once (the update is compare-and-set on SUBMITTED).
    this.listingNeeded = false;
    let changed = 0;
    for (;;) {
      const slice = await this.store.listJobsByStatus({ statuses: ['SUBMITTED'], plainOnly: true, limit: BATCH });
      if (slice.items.length === 0) return changed;
      const changes = (['PENDING', 'RUNNABLE'] as const).map((to) => ({
        jobIds: slice.items.filter((job) => afterSubmitted(job) === to).map((job) => job.jobId),
        from: ['SUBMITTED' as const],
        to,
      }));
      if (changes[0]!.jobIds.length > 0) this.pendingMayExist = true;
      changed += await this.apply(changes);
      if (slice.cursor === undefined) return changed;
    }
  }

  private async resolvePending(): Promise<number> {
    if (!this.pendingMayExist) return 0;
    let changed = 0;
    let after: string | undefined;
    do {
      const slice = await this.store.listJobsByStatus({ statuses: ['PENDING'], plainOnly: true, limit: BATCH, ...(after ? { after } : {}) });
      if (after === undefined && slice.items.length === 0) this.pendingMayExist = false;
      for (const job of slice.items) changed += await this.resolve(job);
      after = slice.cursor;
    } while (after !== undefined);
    return changed;
  }

  private async resolve(job: Job): Promise<number> {
    const state = await this.dependencyState(job);
    const now = this.clock.now();
    const failed = { statusReason: DEPENDENT_JOB_FAILED, stoppedAt: now };
    if (job.spec.arraySize === undefined) {
      if (state === 'waiting') return 0;
      return this.apply([state === 'met' ? { jobIds: [job.jobId], from: ['PENDING'], to: 'RUNNABLE' } : { jobIds: [job.jobId], from: ['PENDING'], to: 'FAILED', set: failed }]);
    }
    const children = await this.store.listArrayChildren(job.jobId);
    // A cancelled or terminated parent has already stopped its children; it ends, with the
    // caller's reason, once the last of them has (reference §6), dependencies or not.
    if (job.isCancelled || job.isTerminated) {
      if (!children.every((c) => isTerminal(c.status))) return 0;
      return this.apply([{ jobIds: [job.jobId], from: ['PENDING'], to: 'FAILED', set: { stoppedAt: now } }]);
    }
    if (state === 'failed') {
      const open = children.filter((c) => !isTerminal(c.status)).map((c) => childId(job, c));
      return this.apply([
        { jobIds: open, from: ['PENDING', 'RUNNABLE'], to: 'FAILED', set: failed },
        { jobIds: [job.jobId], from: ['PENDING'], to: 'FAILED', set: failed },
      ]);
    }
    if (state === 'waiting') return 0;
    if (children.every((c) => isTerminal(c.status))) {
      const ok = children.every((c) => c.status === 'SUCCEEDED');
      // Not if the parent was cancelled or terminated since it was read: a CancelJob that
      // flagged it and failed its children a moment ago wants it to end with its own reason,
      // which the next pass gives it (seen with the parent read just before the flag).
      const unlessStopped = { unlessCancelled: true, unlessTerminated: true };
      return this.apply([
        ok
          ? { jobIds: [job.jobId], from: ['PENDING'], to: 'SUCCEEDED', set: { stoppedAt: now }, ...unlessStopped }
          : { jobIds: [job.jobId], from: ['PENDING'], to: 'FAILED', set: { statusReason: 'Array Child Job failed', stoppedAt: now }, ...unlessStopped },
      ]);
    }
    return this.releaseChildren(job, children, now);
  }

  /** Which PENDING children may run now, and which can never run. */
  private async releaseChildren(job: Job, children: ArrayChildState[], now: number): Promise<number> {
    const release: string[] = [];
    const fail: string[] = [];
    const sequential = job.spec.dependsOn.some((d) => d.type === 'SEQUENTIAL');
    const nToN = job.spec.dependsOn.find((d) => d.type === 'N_TO_N' && d.jobId !== undefined);
    const upstream = nToN ? new Map((await this.store.listArrayChildren(nToN.jobId!)).map((c) => [c.index, c.status])) : undefined;
    let previous: JobStatus = 'SUCCEEDED';
    for (const child of children) {
      const gate: JobStatus = sequential ? previous : 'SUCCEEDED';
      const upstreamStatus: JobStatus = upstream ? (upstream.get(child.index) ?? 'FAILED') : 'SUCCEEDED';
      if (child.status === 'PENDING') {
        if (gate === 'FAILED' || upstreamStatus === 'FAILED') fail.push(childId(job, child));
        else if (gate === 'SUCCEEDED' && upstreamStatus === 'SUCCEEDED') release.push(childId(job, child));
      }
      // A failed child fails every later child of a SEQUENTIAL array.
      previous = previous === 'FAILED' || child.status === 'FAILED' || fail.includes(childId(job, child)) ? 'FAILED' : child.status;
    }
    return this.apply([
      { jobIds: release, from: ['PENDING'], to: 'RUNNABLE' },
      { jobIds: fail, from: ['PENDING'], to: 'FAILED', set: { statusReason: DEPENDENT_JOB_FAILED, stoppedAt: now } },
    ]);
  }

  /**
   * Plain dependencies (N_TO_N and SEQUENTIAL are handled per child): met when every one
   * SUCCEEDED, failed as soon as one FAILED. A dependency on an array parent waits for the
   * whole array; one still retrying is not FAILED yet, so its dependants keep waiting.
   */
  private async dependencyState(job: Job): Promise<DependencyState> {
    const ids = job.spec.dependsOn.filter((d) => d.jobId !== undefined && d.type !== 'N_TO_N').map((d) => d.jobId!);
    if (ids.length === 0) return 'met';
    const deps = await this.store.getJobs(ids);
    if (deps.length < ids.length) return 'failed';
    if (deps.some((d) => d.status === 'FAILED')) return 'failed';
    return deps.every((d) => d.status === 'SUCCEEDED') ? 'met' : 'waiting';
  }

  private async apply(changes: StatusChange[]): Promise<number> {
    return (await this.transitions.apply(changes.filter((c) => c.jobIds.length > 0))).length;
  }
}

/** A SUBMITTED job waits (PENDING) when it is an array or depends on another job, else is RUNNABLE. */
function afterSubmitted(job: Job): 'PENDING' | 'RUNNABLE' {
  const waits = job.spec.arraySize !== undefined || job.spec.dependsOn.some((d) => d.jobId !== undefined);
  return waits ? 'PENDING' : 'RUNNABLE';
}

function childId(parent: Job, child: ArrayChildState): string {
  return `${parent.jobId}:${child.index}`;
}
