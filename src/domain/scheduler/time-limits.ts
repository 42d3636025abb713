import type { RunnableJob } from '../ports.js';
import type { JobQueue } from '../resources/job-queue.js';
import type { WaitReason } from './wait-reasons.js';

export interface TimeLimitCancellation {
  jobId: string;
  statusReason: string;
}

/**
 * jobStateTimeLimitActions (reference §6): a job that has been RUNNABLE for at least
 * `maxTimeSeconds` while waiting with the action's reason code is cancelled with AWS's reason.
 * AWS only acts on the job at the head of the queue; Barge gives every waiting job its reason,
 * so the action applies to each job that waits with that code.
 */
export function timeLimitCancellations(
  queue: JobQueue,
  candidates: RunnableJob[],
  reasons: Map<string, WaitReason>,
  now: number,
): TimeLimitCancellation[] {
  if (queue.jobStateTimeLimitActions.length === 0) return [];
  const out: TimeLimitCancellation[] = [];
  for (const candidate of candidates) {
    const code = reasons.get(candidate.job.jobId)?.code;
    if (!code) continue;
    const action = queue.jobStateTimeLimitActions.find(
      (a) => a.state === 'RUNNABLE' && a.reason === code && now - candidate.statusChangedAt >= a.maxTimeSeconds * 1000,
    );
    if (action) out.push({ jobId: candidate.job.jobId, statusReason: `Canceled by JobStateTimeLimit action due to reason: ${code}` });
  }
  return out;
}
