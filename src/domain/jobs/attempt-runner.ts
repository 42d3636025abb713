import { LeadershipLostError } from '../errors.js';
import { ContainerStartError, type Executor, LocalResourceError, type LogLine } from '../executor.js';
import { keepTrying } from '../keep-trying.js';
import { RepeatedFailure } from '../repeated-failure.js';
import type { DomainLogger } from '../logger.js';
import type { Clock, Store } from '../ports.js';
import type { Telemetry } from '../telemetry.js';
import { jobQueueNameOf, queueDeletedReason } from '../resources/job-queue.js';
import { buildContainerSpec, logDestination } from './container-spec.js';
import type { Attempt, Job, JobStatus } from './job.js';
import { type AttemptOutcome, shouldRetry } from './retries.js';
import { JobTransitions, type StatusChange } from './transitions.js';
import { within } from '../within.js';

/** Where container output goes: CloudWatch Logs groups and streams. */
export interface JobLogSink {
  /**
   * Appending no events creates the group and the stream. `resumeCursor` (the engine's position
   * after these events) is stored with them, in the same transaction.
   */
  appendJobOutput(logGroupName: string, logStreamName: string, events: { timestamp: number; message: string }[], resumeCursor?: string): Promise<void>;
  /** The position stored with the last events appended, if any. */
  jobOutputResumeCursor(logGroupName: string, logStreamName: string): Promise<string | undefined>;
}

export interface AttemptRunnerOptions {
  /** Seconds between SIGTERM and SIGKILL when a job is terminated or times out (AWS: 30). */
  stopGraceSeconds: number;
  /** Prefix of container names, unique per Barge installation. */
  containerNamePrefix: string;
  telemetry?: Telemetry;
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
const STOP_RETRY = { firstMs: REMOVE_RETRY_FIRST_MS, maxMs: REMOVE_RETRY_MAX_MS };
/**
 * A write about an attempt that fails (the database is locked by another process, the disk is
 * full...) is tried again at these intervals until it lands. Giving up would leave the job
 * STARTING or RUNNING with no reason, holding its capacity until the next start of Barge.
 */
const RECORD_RETRY = { firstMs: 500, maxMs: 10_000 };
/**
 * When Barge itself runs short of file descriptors or memory, talking to the engine fails for
 * a while; the container is not at fault, so the attempt waits and follows it again from the
 * last line stored, at these intervals.
 */
const LOCAL_RETRY = { firstMs: 250, maxMs: 5000 };
/**
 * How long a shutdown waits for attempts whose container has already exited: recording the
 * result and removing the container take a few engine and store calls. Without the wait, a
 * Barge stopped just after a job ended left the exited container on the engine until its next
 * start on the same data directory (never, for a test or a one-off run).
 */
export const SHUTDOWN_GRACE_MS = 5000;

const PLACED: JobStatus[] = ['STARTING', 'RUNNING'];

/** The log sink failed: Barge's own storage, not the container, is at fault. */
class OutputNotStoredError extends Error {
  constructor(cause: unknown) {
    super(`could not store the container's output: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'OutputNotStoredError';
  }
}

interface ActiveAttempt {
  containerId?: string;
  timer?: NodeJS.Timeout;
  timedOut: boolean;
  /** A stop was issued (TerminateJob, timeout); it is not issued again. */
  stopping?: boolean;
}

/** The store refused a write because this process no longer leads (directly or as a cause). */
function leadershipLost(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof LeadershipLostError) return true;
  }
  return false;
}

/**
 * Runs one attempt of a placed job from STARTING to its end: starts the container, records
 * RUNNING, streams its output to the log sink, enforces the timeout, and records the result —
 * success, a retry (back to RUNNABLE) or failure — before the container is removed. Every
 * step is written to the store before the next begins, so after a crash `resume` can pick up
 * the attempt where it was and never start it twice. A write that fails is tried again until
 * it lands, and a failure that is Barge's own (its storage, or a local resource such as file
 * descriptors) never ends an attempt: only the container or the engine can.
 */
export class AttemptRunner {
  private readonly active = new Map<string, ActiveAttempt>();
  /** Each attempt's whole run, until its container is removed, by `jobId#attempt`. */
  private readonly runs = new Map<string, Promise<void>>();
  private readonly transitions: JobTransitions;
  /**
   * Writes about running attempts that fail and are tried again (a full disk, a locked store,
   * too few descriptors): one log for all attempts, at most one warning a minute, so that a
   * full disk does not fill the log too (issue 11: ~20 warnings a second).
   */
  private readonly retriedWrites: RepeatedFailure;

  constructor(
    private readonly store: Store,
    private readonly executor: Executor,
    private readonly sink: JobLogSink,
    private readonly clock: Clock,
    private readonly log: DomainLogger,
    private readonly options: AttemptRunnerOptions,
    private readonly onSettled: () => void,
  ) {
    this.transitions = new JobTransitions(store, log);
    this.retriedWrites = new RepeatedFailure(log, 'Storing the output or state of a running job (the job keeps running)');
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

  /**
   * Issues the stop of a STARTING or RUNNING job's container (TerminateJob): SIGTERM now,
   * SIGKILL after the grace period. It does not wait for the container to stop: the attempt
   * ends FAILED when the container exits. A job whose container is not known yet is stopped as
   * soon as it is, since its termination is recorded in the store.
   */
  stop(jobId: string): void {
    const active = this.active.get(jobId);
    if (active?.containerId && !active.stopping) this.stopContainer(jobId, active.containerId);
  }

  /**
   * The lead was lost: every attempt this process drives is dropped as it is. Containers are
   * neither stopped nor removed; the new leader follows them from what the store says. Work
   * still under way here ends at its next write, which the store refuses (LeadershipLostError).
   */
  abandonAll(): void {
    for (const active of this.active.values()) clearTimeout(active.timer);
    this.active.clear();
  }

  private stopContainer(jobId: string, containerId: string): void {
    const active = this.active.get(jobId);
    if (active) active.stopping = true;
    // Tried again while the attempt runs: a container never stopped would run to its own end.
    void keepTrying(
      () => this.executor.stop(containerId, this.options.stopGraceSeconds),
      STOP_RETRY,
      (error) => this.log.warn({ err: error, jobId, containerId }, 'could not stop a container; trying again'),
      () => this.active.get(jobId)?.containerId === containerId,
    ).catch(() => undefined);
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
      // Starting is idempotent on the container's name, so a start cut short by Barge's own
      // shortage (no file descriptor for the engine's socket...) is simply made again.
      started = await keepTrying(
        () => this.executor.start(spec),
        LOCAL_RETRY,
        (error, retryInMs) => log.warn({ err: error, retryInMs }, 'Barge is short of a local resource; starting the container again'),
        (error) => error instanceof LocalResourceError,
      );
    } catch (error) {
      // The engine did not answer, or refused the start and no longer answers: it is going
      // down (dockerd fails requests it took just before its shutdown, e.g. "failed to update
      // store for object type *libnetwork.endpoint"). Either way the attempt never began, so it
      // goes back to RUNNABLE without counting, and is placed again once the engine is back.
      if (!(error instanceof ContainerStartError) || (await this.engineAnswers()) === false) {
        log.warn({ err: error }, 'the executor is unreachable; the job goes back to RUNNABLE');
        const moved = await this.record(job, 'record the return of the job to RUNNABLE', () =>
          this.transitions.apply([
            { jobIds: [job.jobId], from: ['STARTING'], to: 'RUNNABLE', set: { attempts: job.attempts.slice(0, -1), computeEnvironmentArn: null }, unlessTerminated: true },
          ]),
        );
        if (moved.length === 0) await this.finish(job, { statusReason: TASK_FAILED_TO_START, neverRetry: false });
        else this.settle(job.jobId);
        return;
      }
      log.warn({ err: error }, 'container did not start');
      await this.finish(job, { statusReason: TASK_FAILED_TO_START, reason: error.reason, neverRetry: false });
      return;
    }
    const active = this.active.get(job.jobId)!;
    active.containerId = started.containerId;
    const dest = logDestination(job, taskIdOf(attempt));
    // The stream exists before logStreamName shows, as on AWS: a client that reads it as soon
    // as the job is RUNNING gets no events rather than ResourceNotFoundException.
    await this.record(job, 'create the log stream', () => this.sink.appendJobOutput(dest.group, dest.stream, []));
    const attempts = replaceLatest(job, { ...attempt, startedAt: started.startedAt, container: { ...attempt.container, logStreamName: dest.stream } });
    const moved = await this.record(job, 'record RUNNING', () =>
      this.transitions.apply([
        { jobIds: [job.jobId], from: ['STARTING'], to: 'RUNNING', set: { startedAt: started.startedAt, attempts }, context: { attempt: attempt.number, containerId: started.containerId } },
      ]),
    );
    // Moved on while the container was starting: it must not run on.
    if (moved.length === 0) this.stopContainer(job.jobId, started.containerId);
    else this.options.telemetry?.attemptStarted(queueName, Math.max(0, started.startedAt - job.createdAt) / 1000);
    const fresh = (await this.record(job, 'read the job', () => this.store.getJobs([job.jobId])))[0] ?? job;
    await this.follow({ ...fresh, attempts }, started.containerId, undefined);
  }

  private async follow(job: Job, containerId: string, cursor: string | undefined): Promise<void> {
    const attempt = latest(job);
    const log = this.log.child({ jobId: job.jobId, attempt: attempt.number });
    const active = this.active.get(job.jobId)!;
    // Terminated before the container was known, or before a restart of Barge: stop it now.
    if (job.isTerminated) this.stopContainer(job.jobId, containerId);
    const timeoutSeconds = job.spec.timeout?.attemptDurationSeconds;
    if (timeoutSeconds !== undefined) {
      const deadline = (attempt.startedAt ?? this.clock.now()) + timeoutSeconds * 1000;
      active.timer = setTimeout(() => {
        active.timedOut = true;
        this.stopContainer(job.jobId, containerId);
      }, Math.max(0, deadline - this.clock.now()));
    }
    const dest = logDestination(job, taskIdOf(attempt));
    /**
     * The engine's position after the last line stored. The log store keeps it with the lines
     * (one transaction), so a leader that takes over, or Barge after a crash, resumes exactly
     * after them; the job row's copy only serves stores written before it was kept there.
     */
    let stored = (await this.record(job, 'read where the output resumes', () => this.sink.jobOutputResumeCursor(dest.group, dest.stream))) ?? cursor;
    let savedAt = this.clock.now();
    const onLines = async (lines: LogLine[]) => {
      const resumeAt = lines[lines.length - 1]?.cursor;
      await this.sink.appendJobOutput(dest.group, dest.stream, lines.map((l) => ({ timestamp: l.timestamp, message: l.message })), resumeAt).catch((error: unknown) => {
        throw new OutputNotStoredError(error);
      });
      this.retriedWrites.succeeded();
      const last = lines[lines.length - 1];
      if (!last) return;
      stored = last.cursor;
      // The resume point is saved at most once a second: after a crash of Barge up to a
      // second of output may be stored twice, and none is lost. A save that fails only makes
      // that window longer, so it is not worth stopping for.
      if (this.clock.now() - savedAt >= CURSOR_SAVE_INTERVAL_MS) {
        savedAt = this.clock.now();
        await this.store.updateJobs([job.jobId], ['RUNNING'], { attempts: replaceLatest(job, { ...attempt, logCursor: last.cursor }) }).catch((error: unknown) => {
          this.retriedWrites.failed(error, { jobId: job.jobId, what: 'save the resume point of the output' });
        });
      }
    };
    let exit;
    try {
      // Only the engine or the container can end an attempt. When Barge is at fault (its log
      // storage fails, or it has no file descriptor left for the engine's socket), the
      // container goes on and is followed again, from the last line stored, once Barge can.
      exit = await keepTrying(
        () => this.executor.follow(containerId, stored, onLines),
        LOCAL_RETRY,
        (error, retryInMs) =>
          error instanceof OutputNotStoredError
            ? this.retriedWrites.failed(error.cause, { jobId: job.jobId, what: 'store output; following the container again from the last line stored', retryInMs })
            : log.warn({ err: error, retryInMs }, 'Barge could not follow the container; following it again from the last line stored'),
        // Any other failure, at a moment Barge cannot even reach the engine for want of a
        // resource, tells nothing about the container yet either.
        async (error) =>
          !leadershipLost(error) && (error instanceof OutputNotStoredError || error instanceof LocalResourceError || (await this.engineAnswers()) === undefined),
      );
    } catch (error) {
      clearTimeout(active.timer);
      // The new leader follows the container; it must not be touched from here.
      if (leadershipLost(error)) throw error;
      log.warn({ err: error }, 'lost the container of a running attempt');
      const message = (error as Error).message;
      const engineAnswers = (await this.engineAnswers()) === true;
      // On an engine that answers, the container may still be running: it goes before the job
      // can be placed again, so the retry never works beside it.
      const removed = engineAnswers && (await this.executor.remove(containerId).then(() => true, () => false));
      const cause = engineAnswers ? message : `the Docker engine stopped answering (${message})`;
      await this.finish(job, { statusReason: `Container of attempt ${attempt.number} was lost: ${cause}`.slice(0, 255), neverRetry: false });
      if (!removed) void this.removeWhenEngineAnswers(containerId);
      return;
    }
    clearTimeout(active.timer);
    const fresh = (await this.record(job, 'read the job', () => this.store.getJobs([job.jobId])))[0] ?? job;
    const reason = exit.oomKilled ? OOM_REASON : undefined;
    const ended = { exitCode: exit.exitCode, ...(reason ? { reason } : {}) };
    if (fresh.isTerminated) {
      await this.finish(fresh, { ...ended, statusReason: fresh.statusReason ?? 'Terminated', neverRetry: true }, exit.finishedAt);
    } else if (active.timedOut) {
      await this.finish(fresh, { ...ended, statusReason: TIMEOUT_REASON, neverRetry: true }, exit.finishedAt);
    } else {
      await this.finish(fresh, { ...ended, statusReason: ESSENTIAL_CONTAINER_EXITED, neverRetry: false }, exit.finishedAt);
    }
    // A frozen engine never answers; the run is over for drainEnding after a while regardless.
    await within(this.removeWhenEngineAnswers(containerId), REMOVE_RETRY_MAX_MS);
  }

  /**
   * Records the end of the latest attempt and what the job does next. Unless the outcome is
   * already a termination, the change only applies while the job is not marked terminated: a
   * TerminateJob that lands as the container exits wins, and the attempt then ends FAILED with
   * its reason instead of retrying. A retry only goes back to RUNNABLE in a queue that still
   * exists; in a deleted one the job ends FAILED with the deletion's reason.
   */
  private async finish(job: Job, outcome: AttemptOutcome, stoppedAt = this.clock.now()): Promise<void> {
    let current = job;
    let jobReason: string | undefined;
    // Each round follows a change that refused the last one; a few at most can happen.
    for (let round = 1; ; round++) {
      const terminated = current.isTerminated === true;
      const result = terminated ? { ...outcome, statusReason: current.statusReason ?? 'Terminated', neverRetry: true } : outcome;
      const change = this.endChange(current, result, stoppedAt, terminated, terminated ? undefined : jobReason);
      const moved = await this.record(current, `record the end of attempt ${latest(current).number}`, () => this.transitions.apply([change]));
      if (moved.length > 0 || terminated) break;
      const fresh = (await this.record(current, 'read the job', () => this.store.getJobs([current.jobId])))[0];
      // Not placed any more: something else ended it, and there is nothing left to record.
      if (!fresh || !PLACED.includes(fresh.status)) break;
      if (round >= 5) {
        this.log.error({ jobId: job.jobId, status: fresh.status, to: change.to }, 'bug: the end of an attempt was refused again and again');
        break;
      }
      if (fresh.isTerminated) {
        this.log.info({ jobId: job.jobId, attempt: latest(current).number }, 'a TerminateJob landed as the attempt ended: the job ends FAILED with its reason');
      } else if (change.to === 'RUNNABLE') {
        const queueName = jobQueueNameOf(current.spec.jobQueueArn);
        const queue = await this.record(current, 'read the job queue', () => this.store.getResource('job-queue', queueName));
        // Deleted (or deleted and created again) as the attempt ended.
        if (!queue) jobReason = queueDeletedReason(queueName);
      } else {
        break;
      }
      current = { ...fresh, attempts: current.attempts };
    }
    this.settle(job.jobId);
  }

  private endChange(job: Job, outcome: AttemptOutcome, stoppedAt: number, terminated: boolean, jobReason?: string): StatusChange {
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
    const base = { jobIds: [job.jobId], from: PLACED, unlessTerminated: !terminated, context: { attempt: attempt.number, exitCode: outcome.exitCode } };
    if (outcome.exitCode === 0 && !outcome.neverRetry) {
      // Only a container that ran exits 0, and RUNNING is recorded before it is followed.
      return { ...base, from: ['RUNNING'], to: 'SUCCEEDED', set: { statusReason: outcome.statusReason, stoppedAt, attempts } };
    }
    if (jobReason === undefined && shouldRetry(job.spec.retryStrategy, attempts.length, outcome)) {
      return { ...base, to: 'RUNNABLE', whileQueueExists: true, set: { statusReason: undefined, attempts, computeEnvironmentArn: null } };
    }
    return { ...base, to: 'FAILED', set: { statusReason: jobReason ?? outcome.statusReason, stoppedAt, attempts } };
  }

  private settle(jobId: string): void {
    this.active.delete(jobId);
    this.onSettled();
  }

  /**
   * Runs a store or log sink call about an attempt until it succeeds (see RECORD_RETRY).
   * Meanwhile the job stays as the store has it, STARTING or RUNNING, and keeps its capacity,
   * which is the truth: its container has not been removed.
   */
  private record<T>(job: Job, what: string, call: () => Promise<T>): Promise<T> {
    return keepTrying(call, RECORD_RETRY, (error, retryInMs) => this.retriedWrites.failed(error, { jobId: job.jobId, what, retryInMs }), (error) => !leadershipLost(error)).then((value) => {
      this.retriedWrites.succeeded();
      return value;
    });
  }

  /** Whether the engine answers; undefined when Barge cannot tell, being short of a local resource itself. */
  private async engineAnswers(): Promise<boolean | undefined> {
    try {
      return await this.executor.ping();
    } catch (error) {
      return error instanceof LocalResourceError ? undefined : false;
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
      .catch((error: unknown) => {
        if (!leadershipLost(error)) return this.crashed(job, error);
        this.log.info({ jobId: job.jobId }, 'no longer the leader: the attempt is left to the new leader');
      })
      .finally(() => {
        if (this.runs.get(key) === run) this.runs.delete(key);
      });
    this.runs.set(key, run);
  }

  /**
   * A failure nothing above expected (a bug): the attempt is not left STARTING or RUNNING with
   * no reason, holding capacity until a restart. Its container is removed and it ends with
   * the error as its reason, retrying per its strategy.
   */
  private async crashed(job: Job, error: unknown): Promise<void> {
    this.log.error({ jobId: job.jobId, err: error }, 'attempt runner failed');
    const active = this.active.get(job.jobId);
    if (active?.timer) clearTimeout(active.timer);
    try {
      if (active?.containerId) await this.removeWhenEngineAnswers(active.containerId);
      const fresh = (await this.record(job, 'read the job', () => this.store.getJobs([job.jobId])))[0];
      if (!fresh || !PLACED.includes(fresh.status)) {
        this.settle(job.jobId);
        return;
      }
      const reason = `Barge failed while running attempt ${latest(fresh).number}: ${(error as Error)?.message ?? String(error)}`.slice(0, 255);
      await this.finish(fresh, { statusReason: reason, neverRetry: false });
    } catch (failure) {
      this.log.error({ jobId: job.jobId, err: failure }, 'could not end the attempt after the runner failed');
      this.settle(job.jobId);
    }
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
