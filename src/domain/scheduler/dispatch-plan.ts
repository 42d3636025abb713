import type { RunnableJob } from '../ports.js';
import type { JobQueue } from '../resources/job-queue.js';
import { type EnvironmentCapacity, freeVcpus } from './capacity.js';
import { reservedVcpus } from './fair-share.js';
import { QueueOrder, type QueueJobs } from './queue-order.js';
import * as reasons from './wait-reasons.js';

/** One queue for one dispatch pass. Queues come in dispatch order: priority, highest first. */
export interface QueueInput extends QueueJobs {
  queue: JobQueue;
  /** The queue's environments in computeEnvironmentOrder; one object per environment, shared by every queue that uses it. */
  envs: EnvironmentCapacity[];
}

export interface Placement {
  job: RunnableJob;
  env: EnvironmentCapacity;
  queue: JobQueue;
}

export interface QueueOutcome {
  /** Why the rest of this queue waits, for jobs beyond those the pass looked at. */
  state: 'flowing' | 'disabled' | 'no-environment' | 'blocked';
}

export interface DispatchPlan {
  placements: Placement[];
  reasons: Map<string, reasons.WaitReason>;
  queues: Map<string, QueueOutcome>;
}

/**
 * Decides, for one pass, which RUNNABLE jobs start and where, and why the others wait.
 * No I/O: the caller loads the heads of the queues and current usage, and applies the plan.
 * Placements are counted into the given environments and share states as the plan goes (so
 * later queues see them), which makes the inputs good for one plan only.
 *
 * The order Barge promises (README, "Scheduling"):
 * - Queues are served by priority, highest first. When a queue's next job waits for capacity,
 *   the environments it could use are held for it: lower-priority queues cannot take that
 *   capacity in the same pass, so freed capacity always goes to the higher-priority queue first.
 * - Within a FIFO queue jobs start in submission order; a job waiting for capacity holds back
 *   the jobs behind it (AWS's order demands it: a small job overtaking would starve big ones).
 *   A fair-share queue goes in QueueOrder's order (lowest weighted share usage next), the same
 *   order GetJobQueueSnapshot lists.
 * - A job that can never fit (it needs more vCPUs than any environment of its queue allows)
 *   does not block anyone: it is skipped with a reason, so smaller jobs behind it run.
 * - Environments are tried in computeEnvironmentOrder; a job takes the first with room.
 */
export function planDispatch(queues: QueueInput[]): DispatchPlan {
  const plan: DispatchPlan = { placements: [], reasons: new Map(), queues: new Map() };
  const heldBy = new Map<string, string[]>();

  for (const input of queues) {
    const { queue, envs } = input;
    const largest = envs.reduce((max, e) => Math.max(max, e.maxVcpus), 0);
    const jobs = new QueueOrder(input, (j) => j.vcpus <= largest);
    if (queue.state !== 'ENABLED') {
      for (const j of jobs.all()) plan.reasons.set(j.job.jobId, reasons.queueDisabled(queue.name));
      plan.queues.set(queue.arn, { state: 'disabled' });
      continue;
    }
    const accepting = envs.filter((e) => e.accepting);
    if (accepting.length === 0) {
      for (const j of jobs.all()) plan.reasons.set(j.job.jobId, reasons.noAcceptingEnvironment(queue.name, envs));
      plan.queues.set(queue.arn, { state: 'no-environment' });
      continue;
    }
    let outcome: QueueOutcome = { state: 'flowing' };
    let waitingAhead = 0;
    for (let next = jobs.next(); next; next = jobs.next()) {
      const { job: candidate, share } = next;
      if (candidate.vcpus > largest) {
        plan.reasons.set(candidate.job.jobId, reasons.neverFits(queue.name, candidate.vcpus, envs));
        continue;
      }
      if (outcome.state === 'blocked') {
        plan.reasons.set(candidate.job.jobId, reasons.waitingForCapacity(queue.name, candidate.vcpus, envs, waitingAhead));
        waitingAhead += 1;
        continue;
      }
      const reserve = input.fairShare && share && share.runningVcpus > 0
        ? (env: EnvironmentCapacity) => reservedVcpus(input.fairShare!.policy, env.maxVcpus, activeShares(input))
        : () => 0;
      const env = accepting.find((e) => !heldBy.has(e.arn) && freeVcpus(e) - candidate.vcpus >= reserve(e));
      if (env) {
        env.inUse += candidate.vcpus;
        if (share) share.runningVcpus += candidate.vcpus;
        plan.placements.push({ job: candidate, env, queue });
        continue;
      }
      const blockers = [...new Set(accepting.flatMap((e) => heldBy.get(e.arn) ?? []))];
      const roomIgnoringReservation = accepting.some((e) => !heldBy.has(e.arn) && freeVcpus(e) >= candidate.vcpus);
      plan.reasons.set(
        candidate.job.jobId,
        blockers.length > 0
          ? reasons.behindHigherPriority(queue.name, candidate.vcpus, envs, blockers)
          : roomIgnoringReservation
            ? reasons.reservedForShares(queue.name, candidate.vcpus, reserve(accepting[0]!))
            : reasons.waitingForCapacity(queue.name, candidate.vcpus, envs, 0),
      );
      waitingAhead = 1;
      outcome = { state: 'blocked' };
      for (const e of envs) heldBy.set(e.arn, [...(heldBy.get(e.arn) ?? []), queue.name]);
    }
    plan.queues.set(queue.arn, outcome);
  }
  return plan;
}

/** Shares that hold capacity now, counting what this pass placed so far. */
function activeShares(input: QueueInput): number {
  return input.fairShare?.shares.filter((s) => s.state.runningVcpus > 0).length ?? 0;
}
