import type { Job } from '../jobs/job.js';
import type { Store } from '../ports.js';
import type { EnvironmentCapacity } from './capacity.js';
import type { QueueOutcome } from './dispatch-plan.js';
import type { ImagePresenceCache } from './image-presence.js';
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
 * A job whose image is not on the engine also says so, and what will happen when it starts.
 */
export class WaitBoard {
  private jobReasons = new Map<string, reasons.WaitReason>();
  private queues = new Map<string, QueueSnapshot>();
  private updatedAt = 0;

  /** Without `images` (no executor), reasons say nothing about images. */
  constructor(
    private readonly store: Store,
    private readonly images?: ImagePresenceCache,
  ) {}

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
    const reason = this.jobReasons.get(job.jobId) ?? (await this.queueReason(job));
    if (!reason) return undefined;
    const image = job.spec.container?.image;
    const presence = image && this.images ? await this.images.presenceOf(image) : undefined;
    return reasons.render(image && presence && presence !== 'present' ? reasons.imageNotPresent(reason, image, presence) : reason);
  }

  /** For a job the last pass did not load: why its whole queue waits. */
  private async queueReason(job: Job): Promise<reasons.WaitReason | undefined> {
    const queue = this.queues.get(job.spec.jobQueueArn);
    if (!queue) return undefined;
    const vcpus = job.spec.reservation.vcpus;
    if (vcpus > queue.envs.reduce((max, e) => Math.max(max, e.maxVcpus), 0)) {
      return reasons.neverFits(queue.name, vcpus, queue.envs);
    }
    switch (queue.outcome.state) {
      case 'disabled':
        return reasons.queueDisabled(queue.name);
      case 'no-environment':
        return reasons.noAcceptingEnvironment(queue.name, queue.envs);
      default: {
        const ahead = await this.store.countRunnableAhead(job.spec.jobQueueArn, job.jobId, reasons.MAX_COUNTED_AHEAD);
        return reasons.waitingForCapacity(queue.name, vcpus, queue.envs, ahead);
      }
    }
  }
}

export type { QueueSnapshot };
