import { JOB_STATUSES, type JobStatus } from './job.js';

/**
 * The job life cycle of AWS Batch (reference §6). Every status change goes through
 * JobTransitions (transitions.ts), which moves a job only from a status this table leads to
 * the target from, so a transition the diagram does not have is refused as a bug, never stored.
 *
 *   SUBMITTED → PENDING (unmet dependencies) | RUNNABLE (none) | FAILED (cancel, failed dependency)
 *   PENDING   → RUNNABLE | FAILED
 *   RUNNABLE  → STARTING | FAILED (cancel, time-limit action)
 *   STARTING  → RUNNING | RUNNABLE (retry) | FAILED
 *   RUNNING   → SUCCEEDED | RUNNABLE (retry) | FAILED
 *
 * Array parents only move SUBMITTED → PENDING → SUCCEEDED | FAILED.
 */
const TRANSITIONS: Record<JobStatus, readonly JobStatus[]> = {
  SUBMITTED: ['PENDING', 'RUNNABLE', 'FAILED'],
  PENDING: ['RUNNABLE', 'SUCCEEDED', 'FAILED'],
  RUNNABLE: ['STARTING', 'FAILED'],
  STARTING: ['RUNNING', 'RUNNABLE', 'FAILED'],
  RUNNING: ['SUCCEEDED', 'RUNNABLE', 'FAILED'],
  SUCCEEDED: [],
  FAILED: [],
};

export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Every status the table lets a job leave for `to`. */
export function sourcesOf(to: JobStatus): JobStatus[] {
  return JOB_STATUSES.filter((from) => canTransition(from, to));
}

/** States in which CancelJob takes effect (before the job is placed). */
export function isCancellable(status: JobStatus): boolean {
  return status === 'SUBMITTED' || status === 'PENDING' || status === 'RUNNABLE';
}
