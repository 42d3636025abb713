import { Arns } from './arn.js';
import type { Executor } from './executor.js';
import { AttemptRunner, type JobLogSink } from './jobs/attempt-runner.js';
import { Jobs } from './jobs/jobs.js';
import { DependencyProgress } from './jobs/progress.js';
import type { DomainLogger } from './logger.js';
import { silentLogger } from './logger.js';
import type { Clock, IdSource, Signals, Store } from './ports.js';
import { ComputeEnvironments } from './resources/compute-environments.js';
import { JobDefinitions } from './resources/job-definitions.js';
import { JobQueues } from './resources/job-queues.js';
import { SchedulingPolicies } from './resources/scheduling-policies.js';
import { Dispatcher } from './scheduler/dispatcher.js';
import { ImagePresenceCache } from './scheduler/image-presence.js';
import { Scheduler } from './scheduler/scheduler.js';
import { WaitBoard } from './scheduler/wait-board.js';
import { SerialQueue, type Serializer } from './serial.js';
import { Tagging } from './tagging.js';
import { NO_TELEMETRY, type Telemetry } from './telemetry.js';

export interface BatchDeps {
  store: Store;
  clock: Clock;
  ids: IdSource;
  region: string;
  accountId: string;
  logger?: DomainLogger;
  /** Without it Barge stores jobs but runs none (used by control-plane-only setups). */
  execution?: {
    executor: Executor;
    logSink: JobLogSink;
    stopGraceSeconds: number;
    containerNamePrefix: string;
  };
  telemetry?: Telemetry;
  /**
   * The store the leader's work writes through (scheduling, attempts): fenced by the leader's
   * term when several processes share the database. Default: `store`.
   */
  leaderStore?: Store;
  /** Several Barge processes share the store (PostgreSQL): nothing is known from memory alone. */
  clustered?: boolean;
  /** Wake-ups between those processes: a submit on any of them wakes the leader's scheduler. */
  signals?: Signals;
  /** What serialises control-plane changes (and placements); default: within this process. */
  serializer?: Serializer;
}

/** The AWS Batch domain: one object per resource family, sharing a store, clock and ARN builder. */
export class Batch {
  readonly arns: Arns;
  readonly computeEnvironments: ComputeEnvironments;
  readonly jobQueues: JobQueues;
  readonly jobDefinitions: JobDefinitions;
  readonly schedulingPolicies: SchedulingPolicies;
  readonly jobs: Jobs;
  readonly tagging: Tagging;
  readonly scheduler: Scheduler | undefined;
  readonly waitBoard: WaitBoard;

  constructor(deps: BatchDeps) {
    const { store, clock, ids } = deps;
    const log = deps.logger ?? silentLogger;
    const serial = deps.serializer ?? new SerialQueue();
    this.arns = new Arns(deps.region, deps.accountId);
    this.computeEnvironments = new ComputeEnvironments(store, this.arns, clock, ids, serial);
    this.jobQueues = new JobQueues(store, this.arns, clock, serial, log);
    this.jobDefinitions = new JobDefinitions(store, this.arns, clock);
    this.schedulingPolicies = new SchedulingPolicies(store, this.arns, clock, serial);
    this.jobs = new Jobs(store, this.arns, clock, ids, this.jobQueues, this.jobDefinitions, log);
    this.tagging = new Tagging(store, this.arns, serial);
    const leaderStore = deps.leaderStore ?? store;
    const clustered = deps.clustered ?? false;
    this.waitBoard = new WaitBoard(
      store,
      deps.execution ? new ImagePresenceCache(deps.execution.executor, clock, log) : undefined,
      clustered ? { clock, save: (board) => leaderStore.saveWaitBoard(board), onSaveFailed: (error) => log.debug({ err: error }, 'could not save the wait board') } : undefined,
    );

    if (deps.execution) {
      const { executor, logSink, stopGraceSeconds, containerNamePrefix } = deps.execution;
      const signals = deps.signals;
      const wakeHere = () => this.scheduler?.wake();
      // On a follower the scheduler is stopped: the leader hears of the change through the signal.
      const wake = signals
        ? () => {
            wakeHere();
            signals.send('work');
          }
        : wakeHere;
      signals?.on('work', wakeHere);
      const telemetry = deps.telemetry ?? NO_TELEMETRY;
      const runner = new AttemptRunner(leaderStore, executor, logSink, clock, log, { stopGraceSeconds, containerNamePrefix, telemetry }, wakeHere);
      // An engine Barge cannot reach for want of a local resource is, for placing jobs, as good as down.
      const dispatcher = new Dispatcher(leaderStore, this.arns, clock, runner, this.waitBoard, serial, () => executor.ping().catch(() => false), log);
      const progress = new DependencyProgress(leaderStore, clock, log, clustered);
      this.scheduler = new Scheduler(leaderStore, executor, this.arns, progress, dispatcher, runner, containerNamePrefix, log, telemetry, clustered);
      this.jobs.attachRuntime({
        wake,
        jobSubmitted: (job) => {
          progress.noteSubmitted(job);
          wake();
        },
        stopRunning: async (jobIds) => {
          for (const id of jobIds) runner.stop(id);
        },
        waitReason: (job) => this.waitBoard.reasonFor(job),
      });
      this.computeEnvironments.onChange = wake;
      this.jobQueues.onChange = wake;
    }
  }
}
