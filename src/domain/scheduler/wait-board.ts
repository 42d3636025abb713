import type { Job } from '../jobs/job.js';
import type { Store } from '../ports.js';
import type { EnvironmentCapacity } from './capacity.js';
import type { QueueOutcome } from './dispatch-plan.js';
import * as reasons from './wait-reasons.js';

interface QueueSnapshot {
  name: string;
  outcome: QueueOutcome;
  envs: EnvironmentCapacity[];
}

/**
 * The last dispatch pass's answer to "why does this RUNNABLE job wait?". Reasons are not
 * written to every waiting job on every pass (100,000 queued jobs would mean 100,000 writes
 * a second); DescribeJobs and ListJobs ask here instead, so the reason is always current.
 */
export class WaitBoard {
  private jobReasons = new Map<string, reasons.WaitReason>();
  private queues = new Map<string, QueueSnapshot>();
  private updatedAt = 0;

  constructor(private readonly store: Store) {}

  publish(jobReasons: Map<string, reasons.WaitReason>, queues: Map<string, QueueSnapshot>, now: number): void {
    this.jobReasons = jobReasons;
    this.queues = queues;
    this.updatedAt = now;
  }

  get lastUpdatedAt(): number {
    return this.updatedAt;
  }

  /** The reason code (e.g. MISCONFIGURATION:...) a job waits with, if the last pass saw it. */
  codeFor(jobId: string): string | undefined {
    return this.jobReasons.get(jobId)?.code;
  }

  async reasonFor(job: Job): Promise<string | undefined> {
    if (job.status !== 'RUNNABLE') return undefined;
    const known = this.jobReasons.get(job.jobId);
    if (known) return reasons.render(known);
    const queue = this.queues.get(job.spec.jobQueueArn);
    if (!queue) return undefined;
    const vcpus = job.spec.reservation.vcpus;
    if (vcpus > queue.envs.reduce((max, e) => Math.max(max, e.maxVcpus), 0)) {
      return reasons.render(reasons.neverFits(queue.name, vcpus, queue.envs));
    }
    switch (queue.outcome.state) {
      case 'disabled':
        return reasons.render(reasons.queueDisabled(queue.name));
      case 'no-environment':
        return reasons.render(reasons.noAcceptingEnvironment(queue.name, queue.envs));
      default: {
        const ahead = await this.store.countRunnableAhead(job.spec.jobQueueArn, job.jobId, reasons.MAX_COUNTED_AHEAD);
        return reasons.render(reasons.waitingForCapacity(queue.name, vcpus, queue.envs, ahead));
      }
    }
  }
}

export type { QueueSnapshot };
