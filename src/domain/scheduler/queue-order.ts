import type { RunnableJob } from '../ports.js';
import type { FairsharePolicy } from '../resources/scheduling-policy.js';
import { decayWindowSeconds, pickShare, type ShareState } from './fair-share.js';

export interface FairShareInput {
  policy: FairsharePolicy | undefined;
  /** Each share's RUNNABLE jobs by scheduling priority (highest first), then age. */
  shares: { state: ShareState; jobs: RunnableJob[] }[];
}

/** The RUNNABLE jobs of one queue as loaded for a pass: a FIFO head, or the heads of its shares. */
export interface QueueJobs {
  /** FIFO queues: the head of the queue, oldest first. */
  fifo?: RunnableJob[];
  fairShare?: FairShareInput;
}

export interface NextJob {
  job: RunnableJob;
  /** The job's share, as given in the input (fair-share queues only). */
  share?: ShareState;
}

/**
 * A queue's jobs in dispatch order. FIFO queues keep their order. In a fair-share queue each
 * next job comes from the share with the lowest weighted usage, and every job handed out
 * counts toward its share's usage as if it had been placed: that is how a pass orders the jobs
 * it places, and, continued past the first job that must wait, the order in which capacity
 * that frees up will go to the rest (GetJobQueueSnapshot, positions in wait reasons).
 *
 * `counts` tells which jobs would take capacity when their turn comes; a job that can never
 * fit is handed out in its place but adds nothing to its share's usage, as the planner skips it.
 */
export class QueueOrder {
  private readonly fifo: RunnableJob[];
  private fifoIndex = 0;
  private readonly shares: FairShareInput['shares'];
  /** Per share: usage as projected by the jobs handed out so far; separate from the input's states. */
  private readonly projected: ShareState[];
  private readonly cursors: number[];
  private readonly window: number;

  constructor(
    input: QueueJobs,
    private readonly counts: (job: RunnableJob) => boolean = () => true,
  ) {
    this.fifo = input.fifo ?? [];
    this.shares = input.fairShare?.shares ?? [];
    this.projected = this.shares.map((s) => ({ ...s.state }));
    this.cursors = this.shares.map(() => 0);
    this.window = decayWindowSeconds(input.fairShare?.policy);
  }

  next(): NextJob | undefined {
    if (this.shares.length === 0) {
      return this.fifoIndex < this.fifo.length ? { job: this.fifo[this.fifoIndex++]! } : undefined;
    }
    const open = this.projected.filter((_, i) => this.cursors[i]! < this.shares[i]!.jobs.length);
    const chosen = pickShare(open, this.window);
    if (!chosen) return undefined;
    const i = this.projected.indexOf(chosen);
    const entry = this.shares[i]!;
    const job = entry.jobs[this.cursors[i]!]!;
    this.cursors[i]! += 1;
    if (this.counts(job)) chosen.runningVcpus += job.vcpus;
    return { job, share: entry.state };
  }

  /** Every job of the input, in no particular order. */
  all(): RunnableJob[] {
    return this.shares.length === 0 ? this.fifo : this.shares.flatMap((s) => s.jobs);
  }
}

/** The first `limit` jobs of a queue in dispatch order (see QueueOrder). Pure. */
export function dispatchOrder(input: QueueJobs, limit: number, counts?: (job: RunnableJob) => boolean): RunnableJob[] {
  const order = new QueueOrder(input, counts);
  const jobs: RunnableJob[] = [];
  while (jobs.length < limit) {
    const next = order.next();
    if (!next) break;
    jobs.push(next.job);
  }
  return jobs;
}
