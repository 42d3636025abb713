import type { Job } from '../jobs/job.js';
import type { Clock, Store } from '../ports.js';
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
  private savedAt = 0;
  /** The board the leader saved, as last read from the store (several processes only). */
  private loaded: { at: number; board: Promise<BoardMaps> } | undefined;

  /**
   * Without `images` (no executor), reasons say nothing about images. With `shared` (several
   * processes on one store), the leader saves the board to the store at most once a second and
   * every other process answers from the saved board.
   */
  constructor(
    private readonly store: Store,
    private readonly images?: ImagePresenceCache,
    private readonly shared?: { clock: Clock; save: (board: string) => Promise<void>; onSaveFailed: (error: unknown) => void },
  ) {}

  publish(jobReasons: Map<string, reasons.WaitReason>, queues: Map<string, QueueSnapshot>, now: number): void {
    this.jobReasons = jobReasons;
    this.queues = queues;
    this.updatedAt = now;
    if (this.shared && now - this.savedAt >= SAVE_INTERVAL_MS) {
      this.savedAt = now;
      const board: SharedBoard = { updatedAt: now, reasons: [...jobReasons], queues: [...queues] };
      this.shared.save(JSON.stringify(board)).catch(this.shared.onSaveFailed);
    }
  }

  /** The board to answer from: this process's own while it publishes (it leads), else the saved one. */
  private async current(): Promise<BoardMaps> {
    const own = { jobReasons: this.jobReasons, queues: this.queues };
    if (!this.shared) return own;
    const now = this.shared.clock.now();
    if (now - this.updatedAt < 2 * SAVE_INTERVAL_MS + 1000) return own;
    if (!this.loaded || now - this.loaded.at >= LOAD_INTERVAL_MS) {
      // Parsed once per read, not per job asked about: a DescribeJobs of 100 jobs asks 100 times.
      const board = this.store.loadWaitBoard().then(
        (text) => (text === undefined ? undefined : (JSON.parse(text) as SharedBoard)),
        () => undefined,
      );
      this.loaded = { at: now, board: board.then((b) => ({ jobReasons: new Map(b?.reasons ?? []), queues: new Map(b?.queues ?? []) })) };
    }
    return this.loaded.board;
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
    const board = await this.current();
    const reason = board.jobReasons.get(job.jobId) ?? (await this.queueReason(job, board.queues));
    if (!reason) return undefined;
    const image = job.spec.container?.image;
    const presence = image && this.images ? await this.images.presenceOf(image) : undefined;
    return reasons.render(image && presence && presence !== 'present' ? reasons.imageNotPresent(reason, image, presence) : reason);
  }

  /** For a job the last pass did not load: why its whole queue waits. */
  private async queueReason(job: Job, queues: Map<string, QueueSnapshot>): Promise<reasons.WaitReason | undefined> {
    const queue = queues.get(job.spec.jobQueueArn);
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

/** How often the leader saves its board for the other processes; how long they reuse a read. */
const SAVE_INTERVAL_MS = 1000;
const LOAD_INTERVAL_MS = 500;

interface BoardMaps {
  jobReasons: Map<string, reasons.WaitReason>;
  queues: Map<string, QueueSnapshot>;
}

interface SharedBoard {
  updatedAt: number;
  reasons: [string, reasons.WaitReason][];
  queues: [string, QueueSnapshot][];
}
