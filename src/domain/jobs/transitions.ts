import type { DomainLogger } from '../logger.js';
import type { JobChange, JobTransition, MovedJob, Store } from '../ports.js';
import type { JobStatus } from './job.js';
import { canTransition, sourcesOf } from './state-machine.js';

/** A status change some jobs should make. */
export interface StatusChange {
  jobIds: string[];
  to: JobStatus;
  /**
   * The statuses the caller means to move the jobs from; each must lead to `to` in the state
   * machine. Absent: every status that does.
   */
  from?: readonly JobStatus[];
  /** Other fields written with the status. */
  set?: JobChange;
  /** Only jobs not marked terminated move. */
  unlessTerminated?: boolean;
  /** Only jobs not marked cancelled move. */
  unlessCancelled?: boolean;
  /** Only jobs whose queue still exists move. */
  whileQueueExists?: boolean;
  /** Added to the log line of each job that moves. */
  context?: Record<string, unknown>;
}

/**
 * The one way a job's status changes. Each change is a compare-and-set from statuses the
 * state machine allows (so a job that moved on meanwhile is left alone, which is a race and not
 * an error), every job that moves is logged from → to, and a change the table does not have is
 * refused and logged as a bug: nothing is written for it.
 */
export class JobTransitions {
  constructor(
    private readonly store: Store,
    private readonly log: DomainLogger,
  ) {}

  async apply(changes: StatusChange[]): Promise<MovedJob[]> {
    const transitions: JobTransition[] = [];
    const contexts = new Map<string, Record<string, unknown>>();
    for (const change of changes) {
      const allowed = sourcesOf(change.to);
      const from = change.from ?? allowed;
      const illegal = from.filter((status) => !allowed.includes(status));
      if (illegal.length > 0 || from.length === 0) {
        this.log.error(
          { jobIds: change.jobIds.slice(0, 10), jobCount: change.jobIds.length, from: illegal.length > 0 ? illegal : from, to: change.to },
          'bug: refused a job status change the state machine does not have',
        );
        continue;
      }
      if (change.jobIds.length === 0) continue;
      transitions.push({
        jobIds: change.jobIds,
        from: [...from],
        to: change.to,
        change: change.set ?? {},
        ...(change.unlessTerminated ? { unlessTerminated: true } : {}),
        ...(change.unlessCancelled ? { unlessCancelled: true } : {}),
        ...(change.whileQueueExists ? { whileQueueExists: true } : {}),
      });
      const context = { ...change.context, ...(change.set?.statusReason !== undefined ? { reason: change.set.statusReason } : {}) };
      if (Object.keys(context).length > 0) for (const jobId of change.jobIds) contexts.set(jobId, context);
    }
    if (transitions.length === 0) return [];
    const moved = await this.store.transitionJobs(transitions);
    for (const m of moved) {
      // The store matched on the statuses above; a move the table lacks means the store is wrong.
      if (!canTransition(m.from, m.to)) this.log.error({ jobId: m.jobId, from: m.from, to: m.to }, 'bug: the store moved a job in a way the state machine does not have');
      this.log.info({ jobId: m.jobId, from: m.from, to: m.to, ...contexts.get(m.jobId) }, 'job status changed');
    }
    return moved;
  }
}
