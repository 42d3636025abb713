import type { Arns } from '../arn.js';
import { LeadershipLostError, StorageFullError } from '../errors.js';
import type { Executor } from '../executor.js';
import type { AttemptRunner } from '../jobs/attempt-runner.js';
import { containerName } from '../jobs/container-spec.js';
import type { Job } from '../jobs/job.js';
import type { DependencyProgress } from '../jobs/progress.js';
import type { DomainLogger } from '../logger.js';
import type { Store } from '../ports.js';
import { RepeatedFailure } from '../repeated-failure.js';
import { NO_TELEMETRY, type Telemetry } from '../telemetry.js';
import type { Dispatcher } from './dispatcher.js';

/** How often the scheduler looks again when nothing wakes it (time limits, timeouts of waits). */
const IDLE_PASS_MS = 1000;
/** How long a wake waits for more wakes before a pass starts. */
const WAKE_DELAY_MS = 5;
/**
 * The same with several processes on PostgreSQL, where a pass costs a dozen round trips (and
 * lists SUBMITTED jobs, since other processes submit too): under a stream of submits, passes
 * every 5 ms took as much of the database as the submits themselves.
 */
const CLUSTER_WAKE_DELAY_MS = 20;

/**
 * The scheduling loop. A pass resolves dependencies, then dispatches; anything that may free
 * capacity or unblock a job (a submit, a finished attempt, a queue update) calls `wake()`, and
 * an idle timer covers the rest. Passes never overlap: a wake during a pass runs one more.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  /** Until start(): only the leader schedules, and a process starts as a follower. */
  private stopped = true;
  /** Set by the idle timer: look for terminations recorded by other replicas. */
  private terminationsDue = false;
  private recovered = false;
  /**
   * Set by the idle timer: recovery is retried once a second, not on every wake. A burst of
   * submits while the engine was down retried it (and warned) every few milliseconds.
   */
  private recoveryDue = false;
  private pending: NodeJS.Timeout | undefined;
  /** Passes fail once a second while the store's disk is full; that is logged, but not every time. */
  private readonly storeFull: RepeatedFailure;
  private readonly recovery: RepeatedFailure;

  constructor(
    private readonly store: Store,
    private readonly executor: Executor,
    private readonly arns: Arns,
    private readonly progress: DependencyProgress,
    private readonly dispatcher: Dispatcher,
    private readonly runner: AttemptRunner,
    private readonly containerNamePrefix: string,
    private readonly log: DomainLogger,
    private readonly telemetry: Telemetry = NO_TELEMETRY,
    /**
     * Several processes share the store: a job may have been submitted, or terminated, on
     * another one, so each pass lists what this process was not told about.
     */
    private readonly clustered = false,
  ) {
    this.storeFull = new RepeatedFailure(log, 'Scheduling pass');
    this.recovery = new RepeatedFailure(log, 'Recovering running jobs (the executor must answer before anything is dispatched)');
  }

  private get wakeDelayMs(): number {
    return this.clustered ? CLUSTER_WAKE_DELAY_MS : WAKE_DELAY_MS;
  }

  /**
   * Starts scheduling (this process leads): what the engine runs is reconciled with the store
   * first, then passes run on wakes and once a second.
   */
  async start(): Promise<void> {
    this.stopped = false;
    this.recovered = false;
    await this.tryRecover();
    this.timer = setInterval(() => {
      this.recoveryDue = true;
      this.terminationsDue = true;
      this.wake();
    }, IDLE_PASS_MS);
    this.timer.unref();
    this.wake();
  }

  /** No pass starts after this; attempts whose container already exited are recorded first. */
  async stop(): Promise<void> {
    await this.halt();
    await this.runner.drainEnding();
  }

  /**
   * The lead was lost: no pass starts after this, and the attempts this process was driving are
   * dropped without touching their containers, which keep running for the new leader to follow.
   */
  async abandon(): Promise<void> {
    await this.halt();
    this.runner.abandonAll();
  }

  private async halt(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.pending) clearTimeout(this.pending);
    this.timer = undefined;
    this.pending = undefined;
    await this.running;
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.pending) return;
    // A burst of submits (16 clients, an array) wakes the scheduler once, a few ms later,
    // instead of once per request: each pass costs reads and a commit of its own.
    this.pending = setTimeout(() => {
      this.pending = undefined;
      if (this.stopped || this.running) return;
      this.running = this.loop().finally(() => {
        this.running = undefined;
      });
    }, this.wakeDelayMs);
  }

  /** Runs passes until one changes nothing and no wake arrived meanwhile. */
  private async loop(): Promise<void> {
    do {
      this.again = false;
      // Nothing is dispatched until the jobs that were running before a restart are accounted
      // for; otherwise an attempt could start twice.
      if (!this.recovered) {
        if (!this.recoveryDue) return;
        this.recoveryDue = false;
        if (!(await this.tryRecover())) return;
      }
      try {
        const started = performance.now();
        if (this.clustered && this.terminationsDue) {
          this.terminationsDue = false;
          await this.stopTerminated();
        }
        const changed = (await this.progress.run()) + (await this.dispatcher.pass());
        this.telemetry.schedulerPass((performance.now() - started) / 1000);
        if (changed > 0) this.again = true;
        this.storeFull.succeeded();
      } catch (error) {
        // The lead was lost mid-pass: Leadership stops this scheduler.
        if (error instanceof LeadershipLostError) return;
        if (error instanceof StorageFullError) this.storeFull.failed(error);
        else this.log.error({ err: error }, 'scheduler pass failed');
        return;
      }
      // Under a steady stream of submits a wake arrives during every pass; spacing passes by
      // the wake delay lets each one take a batch of jobs instead of running back to back.
      if (this.again) await new Promise((resolve) => setTimeout(resolve, this.wakeDelayMs));
    } while (this.again && !this.stopped);
  }

  /** Stops the containers of jobs terminated through another replica (their rows say so). */
  private async stopTerminated(): Promise<void> {
    let after: string | undefined;
    do {
      const slice = await this.store.listJobsByStatus({ statuses: ['STARTING', 'RUNNING'], limit: 500, ...(after ? { after } : {}) });
      for (const job of slice.items) if (job.isTerminated) this.runner.stop(job.jobId);
      after = slice.cursor;
    } while (after !== undefined);
  }

  private async tryRecover(): Promise<boolean> {
    try {
      await this.recover();
      this.recovered = true;
      this.recovery.succeeded();
    } catch (error) {
      this.recovery.failed(error);
    }
    return this.recovered;
  }

  /**
   * After a restart: every STARTING or RUNNING job is picked up again. Its container is found
   * by its deterministic name; a STARTING attempt is started by name (never twice: an existing
   * container is reused), a RUNNING one is followed from where its output was last stored,
   * and one whose container vanished ends with a reason and retries per its strategy.
   */
  private async recover(): Promise<void> {
    const containers = new Map((await this.executor.list()).map((c) => [c.name, c]));
    const active: Job[] = [];
    let after: string | undefined;
    do {
      const slice = await this.store.listJobsByStatus({ statuses: ['STARTING', 'RUNNING'], limit: 500, ...(after ? { after } : {}) });
      active.push(...slice.items);
      after = slice.cursor;
    } while (after !== undefined);
    const expected = new Set<string>();
    for (const job of active) {
      const attempt = job.attempts[job.attempts.length - 1];
      if (!attempt) continue;
      const name = containerName(this.containerNamePrefix, job.jobId, attempt.number);
      expected.add(name);
      const container = containers.get(name);
      const queueName = this.arns.nameOf('job-queue', job.spec.jobQueueArn) ?? job.spec.jobQueueArn;
      const ceName = this.arns.nameOf('compute-environment', attempt.computeEnvironmentArn ?? '') ?? '';
      this.log.info({ jobId: job.jobId, attempt: attempt.number, status: job.status, container: container?.status ?? 'missing' }, 'recovering job');
      if (job.status === 'STARTING') this.runner.launch(job, queueName, ceName);
      else if (container) this.runner.resume(job, container.containerId, attempt.logCursor);
      else this.runner.lost(job, `Container of attempt ${attempt.number} disappeared while Barge was not running`);
    }
    for (const [name, container] of containers) {
      if (!expected.has(name)) {
        this.log.info({ container: name }, 'removing container of a finished attempt');
        await this.executor.remove(container.containerId);
      }
    }
  }
}
