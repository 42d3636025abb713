import type { Arns } from '../arn.js';
import type { Page } from '../common.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { decodeToken, toPage } from '../pagination.js';
import type { Clock, IdSource, JobListQuery, Store } from '../ports.js';
import { isFargate } from '../resources/compute-environment.js';
import type { JobDefinitions } from '../resources/job-definitions.js';
import type { JobQueues } from '../resources/job-queues.js';
import type { DomainLogger } from '../logger.js';
import { frontOfQueue } from '../scheduler/front-of-queue.js';
import { type ArrayStatusSummary, isArrayParent, isTerminal, type Job, JOB_STATUSES, type JobStatus } from './job.js';
import { isCancellable } from './state-machine.js';
import { buildJobs, type SubmitJob } from './submit.js';
import { JobTransitions } from './transitions.js';

export interface ListJobs {
  jobQueue?: string;
  arrayJobId?: string;
  multiNodeJobId?: string;
  jobStatus?: string;
  filters?: { name?: string; values?: string[] }[];
  maxResults?: number;
  nextToken?: string;
}

/** A job as DescribeJobs shows it: the record, plus the status summary of an array parent. */
export interface JobView {
  job: Job;
  statusSummary?: ArrayStatusSummary;
}

/** What the job API needs from the running side (scheduler, attempt runner); no-ops when nothing runs jobs. */
export interface JobRuntime {
  /** Something changed that may let jobs move: look again soon. */
  wake(): void;
  /** A job was just stored SUBMITTED: move it on soon. */
  jobSubmitted(job: Job): void;
  /**
   * Issue the stop of the containers of these STARTING/RUNNING jobs (SIGTERM, SIGKILL after the
   * grace period) without waiting for them to stop; each attempt ends FAILED when its container exits.
   */
  stopRunning(jobIds: string[]): Promise<void>;
  /** Why a RUNNABLE job waits, as of the last dispatch pass. */
  waitReason(job: Job): Promise<string | undefined>;
}

const idleRuntime: JobRuntime = { wake: () => undefined, jobSubmitted: () => undefined, stopRunning: async () => undefined, waitReason: async () => undefined };

const FILTER_NAMES = ['JOB_NAME', 'JOB_DEFINITION', 'BEFORE_CREATED_AT', 'AFTER_CREATED_AT', 'SHARE_IDENTIFIER'];
const WAITING: JobStatus[] = ['SUBMITTED', 'PENDING', 'RUNNABLE'];
const PLACED: JobStatus[] = ['STARTING', 'RUNNING'];
/**
 * A job moves at most a few times between TerminateJob's two writes (placed, then back to
 * RUNNABLE for a retry...); a job still moving after this many rounds is a bug to report.
 */
const TERMINATE_ROUNDS = 100;

export class Jobs {
  private readonly transitions: JobTransitions;

  constructor(
    private readonly store: Store,
    private readonly arns: Arns,
    private readonly clock: Clock,
    private readonly ids: IdSource,
    private readonly queues: JobQueues,
    private readonly definitions: JobDefinitions,
    private readonly log: DomainLogger,
    private runtime: JobRuntime = idleRuntime,
  ) {
    this.transitions = new JobTransitions(store, log);
  }

  attachRuntime(runtime: JobRuntime): void {
    this.runtime = runtime;
  }

  async submit(input: SubmitJob): Promise<Job> {
    const queue = await this.queues.get(input.jobQueue);
    const definition = await this.definitions.resolve(input.jobDefinition);
    const depIds = (input.dependsOn ?? []).flatMap((d) => (d.jobId === undefined ? [] : [d.jobId]));
    const found = depIds.length > 0 ? await this.store.getJobs(depIds) : [];
    const firstCe = queue.computeEnvironmentOrder[0];
    const ce = firstCe ? await this.store.getResource('compute-environment', this.arns.nameOf('compute-environment', firstCe.computeEnvironment) ?? '') : undefined;
    const jobs = buildJobs(
      input,
      {
        queue,
        definition,
        dependencies: new Map(found.map((j) => [j.jobId, j])),
        fargateQueue: ce?.computeResources !== undefined && isFargate(ce.computeResources.type),
      },
      { jobId: this.ids.uuid(), now: this.clock.now() },
      this.arns,
    );
    await this.store.insertJobs(jobs);
    this.runtime.jobSubmitted(jobs[0]!);
    return jobs[0]!;
  }

  async describe(jobIds: string[]): Promise<JobView[]> {
    if (jobIds.length > 100) throw new InvalidInputError(`jobs allows at most 100 job ids, got ${jobIds.length}`);
    const jobs = await this.store.getJobs(jobIds);
    const parents = jobs.filter(isArrayParent).map((j) => j.jobId);
    const summaries = parents.length > 0 ? await this.store.arrayStatusSummaries(parents) : new Map<string, ArrayStatusSummary>();
    // In parallel: a wait reason may wait briefly for the engine's answer about an image.
    return Promise.all(
      jobs.map(async (job) => {
        const summary = summaries.get(job.jobId);
        const withReason = await this.withWaitReason(job);
        return summary ? { job: withReason, statusSummary: summary } : { job: withReason };
      }),
    );
  }

  async get(jobId: string): Promise<Job> {
    const [job] = await this.store.getJobs([jobId]);
    if (!job) throw new NotFoundError('job', jobId);
    return job;
  }

  /** ListJobs as AWS has it (reference §11.4): one scope, RUNNING by default, newest first. */
  async list(input: ListJobs): Promise<Page<Job>> {
    const scopes = [input.jobQueue, input.arrayJobId, input.multiNodeJobId].filter((s) => s !== undefined);
    if (scopes.length !== 1) {
      throw new InvalidInputError('ListJobs needs exactly one of jobQueue, arrayJobId or multiNodeJobId');
    }
    const after = decodeToken('ListJobs', input.nextToken);
    let scope: JobListQuery['scope'];
    if (input.jobQueue !== undefined) {
      const queue = await this.queues.get(input.jobQueue);
      scope = { kind: 'queue', jobQueueArn: queue.arn };
    } else if (input.arrayJobId !== undefined) {
      const parent = await this.get(input.arrayJobId);
      if (parent.spec.arraySize === undefined || parent.arrayParent) {
        throw new InvalidInputError(`Job ${input.arrayJobId} is not an array job`);
      }
      scope = { kind: 'array', parentJobId: parent.jobId };
    } else {
      // Multi-node jobs run as one job on Barge, so a node listing is empty once the job is known.
      await this.get(input.multiNodeJobId!);
      return { items: [] };
    }
    if (input.jobStatus !== undefined && !(JOB_STATUSES as readonly string[]).includes(input.jobStatus)) {
      throw new InvalidInputError(`jobStatus must be one of ${JOB_STATUSES.join(', ')}, got ${input.jobStatus}`);
    }
    const filters = input.filters ?? [];
    const query: JobListQuery = { scope, limit: input.maxResults ?? (filters.length > 0 ? 100 : 1000) };
    if (after !== undefined) query.after = after;
    if (filters.length > 0 && scope.kind === 'queue') {
      if (filters.length > 1) throw new InvalidInputError('ListJobs takes at most one filter');
      applyFilter(query, filters[0]!);
      // With a filter AWS ignores the status, except for SHARE_IDENTIFIER.
      if (filters[0]!.name === 'SHARE_IDENTIFIER') query.statuses = [(input.jobStatus ?? 'RUNNING') as JobStatus];
    } else {
      query.statuses = [(input.jobStatus ?? 'RUNNING') as JobStatus];
    }
    const slice = await this.store.listJobs(query);
    const items = await Promise.all(slice.items.map((j) => this.withWaitReason(j)));
    return toPage('ListJobs', { ...slice, items }, (j) => j);
  }

  /**
   * CancelJob: jobs that have not been placed end FAILED with the caller's reason; placed
   * jobs are left alone (AWS answers 200 and does nothing); an array parent cancels its children.
   * Returns the ids that moved.
   */
  async cancel(jobId: string, reason: string): Promise<string[]> {
    return this.cancelWaiting(await this.get(jobId), reason);
  }

  /**
   * TerminateJob: as cancel for jobs not yet placed; a STARTING or RUNNING job is marked
   * terminated with the reason (so a restart of Barge still knows) and the stop of its container
   * is issued: SIGTERM, then SIGKILL after the grace period. The answer does not wait for the
   * container to stop; the attempt ends FAILED with the reason when it exits, and never retries.
   * An array parent terminates its children.
   */
  async terminate(jobId: string, reason: string): Promise<string[]> {
    const job = await this.get(jobId);
    if (isArrayParent(job) && isCancellable(job.status)) {
      await this.store.updateJobs([job.jobId], WAITING, { statusReason: reason, isTerminated: true });
    }
    const { ended, marked } = await this.terminateEach(isArrayParent(job) ? childIds(job) : [job.jobId], reason);
    if (marked.length > 0) await this.runtime.stopRunning(marked);
    this.runtime.wake();
    return [...ended, ...marked];
  }

  /**
   * Ends each job that is not placed, and marks each placed one terminated, whatever it does
   * meanwhile. Each write is a compare-and-set, and an attempt only moves a job back to RUNNABLE
   * while it is not marked terminated; a job that moved between the two writes (placed, or sent
   * back to RUNNABLE by a retry) is looked at again, so an acknowledged TerminateJob is never
   * followed by another attempt.
   */
  private async terminateEach(jobIds: string[], reason: string): Promise<{ ended: string[]; marked: string[] }> {
    const ended: string[] = [];
    const marked: string[] = [];
    let open = jobIds;
    for (let round = 1; open.length > 0; round++) {
      if (round > TERMINATE_ROUNDS) {
        this.log.error({ jobIds: open.slice(0, 10), jobCount: open.length }, 'bug: jobs kept moving while TerminateJob recorded their termination');
        throw new Error(`Jobs ${open.slice(0, 3).join(', ')} kept moving while their termination was recorded`);
      }
      const set = { statusReason: reason, stoppedAt: this.clock.now(), isTerminated: true };
      const failed = new Set((await this.transitions.apply([{ jobIds: open, from: WAITING, to: 'FAILED', set }])).map((m) => m.jobId));
      ended.push(...failed);
      const placed = open.filter((id) => !failed.has(id));
      const hit = new Set(placed.length > 0 ? await this.store.updateJobs(placed, PLACED, { isTerminated: true, statusReason: reason }) : []);
      for (const id of hit) this.log.info({ jobId: id, reason }, 'job termination recorded; stopping its container');
      marked.push(...hit);
      const moved = placed.filter((id) => !hit.has(id));
      open = moved.length > 0 ? (await this.store.getJobs(moved)).filter((j) => !isTerminal(j.status)).map((j) => j.jobId) : [];
    }
    return { ended, marked };
  }

  private async withWaitReason(job: Job): Promise<Job> {
    if (job.status !== 'RUNNABLE') return job;
    const reason = await this.runtime.waitReason(job);
    return reason === undefined ? job : { ...job, statusReason: reason };
  }

  private async cancelWaiting(job: Job, reason: string): Promise<string[]> {
    const change = { statusReason: reason, stoppedAt: this.clock.now(), isCancelled: true };
    let moved: string[] = [];
    if (isArrayParent(job)) {
      // The parent keeps its status until its last child has ended (children that were
      // already placed may still run); the scheduler then ends it FAILED with this reason. It is
      // flagged first, so a pass that sees every child ended never ends it with another reason.
      if (isCancellable(job.status)) await this.store.updateJobs([job.jobId], WAITING, { statusReason: reason, isCancelled: true });
      moved = (await this.transitions.apply([{ jobIds: childIds(job), from: WAITING, to: 'FAILED', set: change }])).map((m) => m.jobId);
    } else if (isCancellable(job.status)) {
      moved = (await this.transitions.apply([{ jobIds: [job.jobId], from: WAITING, to: 'FAILED', set: change }])).map((m) => m.jobId);
    }
    this.runtime.wake();
    return moved;
  }

  /** GetJobQueueSnapshot: the head of a queue in dispatch order. */
  async snapshot(jobQueue: string): Promise<{ jobs: { jobArn: string; earliestTimeAtPosition: number }[]; lastUpdatedAt: number }> {
    const queue = await this.queues.get(jobQueue);
    const front = await frontOfQueue({ store: this.store, arns: this.arns, clock: this.clock }, queue);
    return {
      jobs: front.map((r) => ({ jobArn: r.job.jobArn, earliestTimeAtPosition: r.job.createdAt })),
      lastUpdatedAt: this.clock.now(),
    };
  }
}

function childIds(parent: Job): string[] {
  return Array.from({ length: parent.spec.arraySize ?? 0 }, (_, i) => `${parent.jobId}:${i}`);
}

function applyFilter(query: JobListQuery, filter: { name?: string; values?: string[] }): void {
  const value = filter.values?.[0];
  if (!filter.name || !FILTER_NAMES.includes(filter.name)) {
    throw new InvalidInputError(`filters.name must be one of ${FILTER_NAMES.join(', ')}, got ${filter.name ?? '(none)'}`);
  }
  if (value === undefined || filter.values!.length !== 1) {
    throw new InvalidInputError(`Filter ${filter.name} takes exactly one value`);
  }
  switch (filter.name) {
    case 'JOB_NAME':
      query.nameLike = value;
      break;
    case 'JOB_DEFINITION':
      query.definitionLike = value;
      break;
    case 'SHARE_IDENTIFIER':
      query.shareIdentifier = value;
      break;
    case 'BEFORE_CREATED_AT':
    case 'AFTER_CREATED_AT': {
      if (!/^\d+$/.test(value)) throw new InvalidInputError(`Filter ${filter.name} takes epoch milliseconds, got ${value}`);
      if (filter.name === 'BEFORE_CREATED_AT') query.createdBefore = Number(value);
      else query.createdAfter = Number(value);
      break;
    }
  }
}
