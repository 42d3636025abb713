import type { JobStatus } from './job.js';

/**
 * The job life cycle of AWS Batch (reference §6). Every status change goes through
 * `canTransition`, so a transition the diagram does not have is a bug, not a state.
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

/** States in which CancelJob takes effect (before the job is placed). */
export function isCancellable(status: JobStatus): boolean {
  return status === 'SUBMITTED' || status === 'PENDING' || status === 'RUNNABLE';
}
