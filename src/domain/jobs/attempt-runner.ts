import { StorageFullError } from '../errors.js';
import { ContainerStartError, type Executor, type LogLine } from '../executor.js';
import type { DomainLogger } from '../logger.js';
import type { Clock, JobChange, Store } from '../ports.js';
import { RepeatedFailure } from '../repeated-failure.js';
import { buildContainerSpec, logDestination } from './container-spec.js';
import type { Attempt, Job } from './job.js';
import { type AttemptOutcome, shouldRetry } from './retries.js';
import { within } from '../within.js';

/** Where container output goes: CloudWatch Logs groups and streams. */
export interface JobLogSink {
  appendJobOutput(logGroupName: string, logStreamName: string, events: { timestamp: number; message: string }[]): Promise<void>;
}

export interface AttemptRunnerOptions {
  /** Seconds between SIGTERM and SIGKILL when a job is terminated or times out (AWS: 30). */
  stopGraceSeconds: number;
  /** Prefix of container names, unique per Barge installation. */
  containerNamePrefix: string;
}

/** Reasons AWS Batch writes (reference §6). */
export const ESSENTIAL_CONTAINER_EXITED = 'Essential container in task exited';
export const TASK_FAILED_TO_START = 'Task failed to start';
export const TIMEOUT_REASON = 'Job attempt duration exceeded timeout';
export const UNSUPPORTED_JOB_KIND =
  'CannotStartContainerError: Barge runs single-container jobs (containerProperties); multi-node, ecsProperties and eksProperties jobs are stored but not run yet';
export const OOM_REASON = 'OutOfMemoryError: Container killed due to memory usage';

const CURSOR_SAVE_INTERVAL_MS = 1000;
const REMOVE_RETRY_FIRST_MS = 1000;
const REMOVE_RETRY_MAX_MS = 10_000;
const STORE_RETRY_FIRST_MS = 500;
const STORE_RETRY_MAX_MS = 5000;
/**
 * How long a shutdown waits for attempts whose container has already exited: recording the
 * result and removing the container take a few engine and store calls. Without the wait, a
 * Barge stopped just after a job ended left the exited container on the engine until its next
 * start on the same data directory (never, for a test or a one-off run).
 */
export const SHUTDOWN_GRACE_MS = 5000;

interface ActiveAttempt {
  containerId?: string;
  timer?: NodeJS.Timeout;
  timedOut: boolean;
}

/**
 * Runs one attempt of a placed job from STARTING to its end: starts the container, records
 * RUNNING, streams its output to the log sink, enforces the timeout, and records the result —
 * success, a retry (back to RUNNABLE) or failure — before the container is removed. Every
 * step is written to the store before the next begins, so after a crash `resume` can pick up
 * the attempt where it was and never start it twice.
 */
export class AttemptRunner {
  private readonly active = new Map<string, ActiveAttempt>();
  /** Each attempt's whole run, until its container is removed, by `jobId#attempt`. */
  private readonly runs = new Map<string, Promise<void>>();
  /** Output and results wait while the store's disk is full; one log for all attempts. */
  private readonly storeFull: RepeatedFailure;

  constructor(
    private readonly store: Store,
    private readonly executor: Executor,
    private readonly sink: JobLogSink,
    private readonly clock: Clock,
    private readonly log: DomainLogger,
    private readonly options: AttemptRunnerOptions,
    private readonly onSettled: () => void,
  ) {
    this.storeFull = new RepeatedFailure(log, 'Storing the output or state of a running job (the job keeps running)');
  }

  /** Attempts this process is currently driving. */
  get running(): number {
    return this.active.size;
  }

  /** Starts (or, after a restart, re-starts by name) the latest attempt of a STARTING job. */
  launch(job: Job, queueName: string, computeEnvironmentName: string): void {
    if (this.active.has(job.jobId)) return;
    this.active.set(job.jobId, { timedOut: false });
    this.track(job, this.start(job, queueName, computeEnvironmentName));
  }

  /** Follows a RUNNING attempt whose container already exists (after a restart of Barge). */
  resume(job: Job, containerId: string, cursor: string | undefined): void {
    if (this.active.has(job.jobId)) return;
    this.active.set(job.jobId, { timedOut: false, containerId });
    this.track(job, this.follow(job, containerId, cursor));
  }

  /** Ends a RUNNING attempt whose container is gone (after a restart); it retries per its strategy. */
  lost(job: Job, statusReason: string): void {
    if (this.active.has(job.jobId)) return;
    this.active.set(job.jobId, { timedOut: false });
    this.track(job, this.finish(job, { statusReason, neverRetry: false }));
  }

  /**
   * For shutdown: waits, at most `graceMs` in all, until every attempt whose container had
   * exited when the engine listed them has its output and result stored and its container
   * removed (first try). Attempts still running, or whose container exits after the listing, are
   * left alone: the next start of Barge follows them.
   */
  async drainEnding(graceMs = SHUTDOWN_GRACE_MS): Promise<void> {
    const deadline = Date.now() + graceMs;
    const containers = await within(this.executor.list(), graceMs);
    if (!containers) {
      this.log.warn({ graceMs }, 'the Docker engine did not list containers at shutdown; attempts that already ended are finished after the next start');
      return;
    }
    const ending = containers.filter((c) => c.status === 'exited').flatMap((c) => this.runs.get(runKey(c.jobId, c.attempt)) ?? []);
    if (ending.length === 0) return;
    const settled = await within(Promise.allSettled(ending), deadline - Date.now());
    if (!settled) this.log.warn({ attempts: ending.length, graceMs }, 'shutdown did not wait longer for attempts whose container has exited; they are finished after the next start');
  }

  /** Stops the container of a STARTING or RUNNING job (TerminateJob); the attempt then ends FAILED. */
  async stop(jobId: string): Promise<void> {
    const containerId = this.active.get(jobId)?.containerId;
    if (containerId) await this.executor.stop(containerId, this.options.stopGraceSeconds);
  }

  private async start(job: Job, queueName: string, computeEnvironmentName: string): Promise<void> {
    const attempt = latest(job);
    const log = this.log.child({ jobId: job.jobId, attempt: attempt.number });
    if (!job.spec.container?.image) {
      await this.finish(job, { statusReason: TASK_FAILED_TO_START, reason: UNSUPPORTED_JOB_KIND, neverRetry: true });
      return;
    }
    const spec = buildContainerSpec(job, { attempt: attempt.number, queueName, computeEnvironmentName }, this.options.containerNamePrefix);
    let started: { containerId: string; startedAt: number };
    try {
      started = await this.executor.start(spec);
    } catch (error) {
      // The engine did not answer, or refused the start and no longer answers: it is going
      // down (dockerd fails requests it took just before its shutdown, e.g. "failed to update
      // store for object type *libnetwork.endpoint"). Either way the attempt never began, so it
      // goes back to RUNNABLE without counting, and is placed again once the engine is back.
      if (!(error instanceof ContainerStartError) || !(await this.executor.ping())) {
        log.warn({ err: error }, 'the executor is unreachable; the job goes back to RUNNABLE');
        await this.stored(job, () =>
          this.store.transitionJobs([
            { jobId: job.jobId, from: ['STARTING'], change: { status: 'RUNNABLE', attempts: job.attempts.slice(0, -1), computeEnvironmentArn: null } },
          ]),
        );
        this.active.delete(job.jobId);
        this.onSettled();
        return;
      }
      log.warn({ err: error }, 'container did not start');
      await this.finish(job, { statusReason: TASK_FAILED_TO_START, reason: error.reason, neverRetry: false });
      return;
    }
    const active = this.active.get(job.jobId)!;
    active.containerId = started.containerId;
    const dest = logDestination(job, taskIdOf(attempt));
    const attempts = replaceLatest(job, { ...attempt, startedAt: started.startedAt, container: { ...attempt.container, logStreamName: dest.stream } });
    const moved = await this.stored(job, () =>
      this.store.transitionJobs([{ jobId: job.jobId, from: ['STARTING'], change: { status: 'RUNNING', startedAt: started.startedAt, attempts } }]),
    );
    if (moved.length === 0) {
      // Terminated or otherwise moved on while the container was starting.
      await this.executor.stop(started.containerId, this.options.stopGraceSeconds);
    } else {
      log.info({ from: 'STARTING', to: 'RUNNING', containerId: started.containerId }, 'job status changed');
    }
    const fresh = (await this.store.getJobs([job.jobId]))[0] ?? job;
    if (fresh.isTerminated) await this.executor.stop(started.containerId, this.options.stopGraceSeconds);
    await this.follow({ ...fresh, attempts }, started.containerId, undefined);
  }

  private async follow(job: Job, containerId: string, cursor: string | undefined): Promise<void> {
    const attempt = latest(job);
    const active = this.active.get(job.jobId)!;
    const timeoutSeconds = job.spec.timeout?.attemptDurationSeconds;
    if (timeoutSeconds !== undefined) {
      const deadline = (attempt.startedAt ?? this.clock.now()) + timeoutSeconds * 1000;
      active.timer = setTimeout(() => {
        active.timedOut = true;
        void this.executor.stop(containerId, this.options.stopGraceSeconds).catch(() => undefined);
      }, Math.max(0, deadline - this.clock.now()));
    }
    const dest = logDestination(job, taskIdOf(attempt));
    let savedAt = this.clock.now();
    const onLines = async (lines: LogLine[]) => {
      const events = lines.map((l) => ({ timestamp: l.timestamp, message: l.message }));
      await this.stored(job, () => this.sink.appendJobOutput(dest.group, dest.stream, events));
      const last = lines[lines.length - 1];
      // The resume point is saved at most once a second: after a crash of Barge up to a
      // second of output may be stored twice, and none is lost.
      if (last && this.clock.now() - savedAt >= CURSOR_SAVE_INTERVAL_MS) {
        savedAt = this.clock.now();
        const attempts = replaceLatest(job, { ...attempt, logCursor: last.cursor });
        await this.stored(job, () => this.store.updateJobs([job.jobId], ['RUNNING'], { attempts }));
      }
    };
    let exit;
    try {
      exit = await this.executor.follow(containerId, cursor, onLines);
    } catch (error) {
      clearTimeout(active.timer);
      this.log.warn({ jobId: job.jobId, err: error }, 'lost the container of a running attempt');
      const message = (error as Error).message;
      const engineAnswers = await this.executor.ping();
      // On an engine that answers, the container may still be running: it goes before the job
      // can be placed again, so the retry never works beside it.
      const removed = engineAnswers && (await this.executor.remove(containerId).then(() => true, () => false));
      const cause = engineAnswers ? message : `the Docker engine stopped answering (${message})`;
      await this.finish(job, { statusReason: `Container of attempt ${attempt.number} was lost: ${cause}`.slice(0, 255), neverRetry: false });
      if (!removed) void this.removeWhenEngineAnswers(containerId);
      return;
    }
    clearTimeout(active.timer);
    const fresh = (await this.store.getJobs([job.jobId]))[0] ?? job;
    const reason = exit.oomKilled ? OOM_REASON : undefined;
    if (fresh.isTerminated) {
      await this.finish(fresh, { exitCode: exit.exitCode, statusReason: fresh.statusReason ?? 'Terminated', neverRetry: true, ...(reason ? { reason } : {}) }, exit.finishedAt);
    } else if (active.timedOut) {
      await this.finish(fresh, { exitCode: exit.exitCode, statusReason: TIMEOUT_REASON, neverRetry: true, ...(reason ? { reason } : {}) }, exit.finishedAt);
    } else {
      await this.finish(fresh, { exitCode: exit.exitCode, statusReason: ESSENTIAL_CONTAINER_EXITED, neverRetry: false, ...(reason ? { reason } : {}) }, exit.finishedAt);
    }
    // A frozen engine never answers; the run is over for drainEnding after a while regardless.
    await within(this.removeWhenEngineAnswers(containerId), REMOVE_RETRY_MAX_MS);
  }

  /** Records the end of the latest attempt and what the job does next. */
  private async finish(job: Job, outcome: AttemptOutcome, stoppedAt = this.clock.now()): Promise<void> {
    const attempt = latest(job);
    const ended: Attempt = {
      ...attempt,
      stoppedAt,
      statusReason: outcome.statusReason,
      container: {
        ...attempt.container,
        ...(outcome.exitCode !== undefined ? { exitCode: outcome.exitCode } : {}),
        ...(outcome.reason !== undefined ? { reason: outcome.reason } : {}),
      },
    };
    const attempts = replaceLatest(job, ended);
    let change: JobChange;
    if (outcome.exitCode === 0 && !outcome.neverRetry) {
      change = { status: 'SUCCEEDED', statusReason: outcome.statusReason, stoppedAt, attempts };
    } else if (shouldRetry(job.spec.retryStrategy, attempts.length, outcome)) {
      change = { status: 'RUNNABLE', statusReason: undefined, attempts, computeEnvironmentArn: null };
    } else {
      change = { status: 'FAILED', statusReason: outcome.statusReason, stoppedAt, attempts };
    }
    const moved = await this.stored(job, () => this.store.transitionJobs([{ jobId: job.jobId, from: ['STARTING', 'RUNNING'], change }]));
    if (moved.length > 0) {
      this.log.info({ jobId: job.jobId, attempt: attempt.number, from: job.status, to: change.status, exitCode: outcome.exitCode, reason: outcome.statusReason }, 'job status changed');
    }
    this.active.delete(job.jobId);
    this.onSettled();
  }

  /**
   * A write the attempt cannot go on without, tried again while the store's disk is full. The
   * job keeps running meanwhile and its output waits in the engine's log (the follower reads no
   * further), so once space is freed everything is stored and the attempt goes on. Before, a
   * full logs.db ended a healthy attempt as "lost" and removed its container (issue 11).
   */
  private async stored<T>(job: Job, write: () => Promise<T>): Promise<T> {
    let delayMs = STORE_RETRY_FIRST_MS;
    for (;;) {
      try {
        const value = await write();
        this.storeFull.succeeded();
        return value;
      } catch (error) {
        if (!(error instanceof StorageFullError)) throw error;
        this.storeFull.failed(error, { jobId: job.jobId, attempt: job.attempts.length });
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        delayMs = Math.min(delayMs * 2, STORE_RETRY_MAX_MS);
      }
    }
  }

  /**
   * Removes the container of an ended attempt. When the engine is going down the removal fails,
   * and the container would otherwise stay on the engine for good (exited, or still running
   * after a crash of dockerd left its shim alive): it is retried, with backoff, until the
   * engine answers again. The promise settles when the first try does.
   */
  private removeWhenEngineAnswers(containerId: string, delayMs = REMOVE_RETRY_FIRST_MS): Promise<void> {
    return this.executor.remove(containerId).then(
      () => undefined,
      (error: unknown) => {
        if (delayMs === REMOVE_RETRY_FIRST_MS) this.log.warn({ err: error, containerId }, 'could not remove a container; will retry until the engine answers');
        const next = Math.min(delayMs * 2, REMOVE_RETRY_MAX_MS);
        setTimeout(() => void this.removeWhenEngineAnswers(containerId, next), delayMs).unref();
      },
    );
  }

  /** Keeps an attempt's run (for drainEnding) until it settles; a failure ends it as crashed. */
  private track(job: Job, work: Promise<void>): void {
    const key = runKey(job.jobId, job.attempts[job.attempts.length - 1]?.number ?? 0);
    const run = work
      .catch((error: unknown) => this.crashed(job, error))
      .finally(() => {
        if (this.runs.get(key) === run) this.runs.delete(key);
      });
    this.runs.set(key, run);
  }

  private crashed(job: Job, error: unknown): void {
    this.log.error({ jobId: job.jobId, err: error }, 'attempt runner failed');
    const active = this.active.get(job.jobId);
    if (active?.timer) clearTimeout(active.timer);
    this.active.delete(job.jobId);
    this.onSettled();
  }
}

function runKey(jobId: string, attempt: number): string {
  return `${jobId}#${attempt}`;
}

function latest(job: Job): Attempt {
  const attempt = job.attempts[job.attempts.length - 1];
  if (!attempt) throw new Error(`Job ${job.jobId} has no attempt to run`);
  return attempt;
}

function replaceLatest(job: Job, attempt: Attempt): Attempt[] {
  return [...job.attempts.slice(0, -1), attempt];
}

/** The 32-hex task id is the last segment of the attempt's task ARN (reference §4). */
export function taskIdOf(attempt: Attempt): string {
  const arn = attempt.container.taskArn ?? '';
  return arn.slice(arn.lastIndexOf('/') + 1);
}
