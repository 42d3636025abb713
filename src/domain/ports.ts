import type { Slice, Tags } from './common.js';
import type { ArrayStatusSummary, Job, JobStatus } from './jobs/job.js';
import type { ComputeEnvironment } from './resources/compute-environment.js';
import type { JobDefinition } from './resources/job-definition.js';
import type { JobQueue } from './resources/job-queue.js';
import type { SchedulingPolicy } from './resources/scheduling-policy.js';

/** Named resources that are stored whole and looked up by name. */
export interface NamedResources {
  'compute-environment': ComputeEnvironment;
  'job-queue': JobQueue;
  'scheduling-policy': SchedulingPolicy;
}
export type NamedResourceKind = keyof NamedResources;

export interface JobDefinitionQuery {
  name?: string;
  status?: 'ACTIVE' | 'INACTIVE';
  /** Explicit revisions; when given, `name` and `status` are not used. */
  refs?: { name: string; revision: number }[];
  /** With `refs`: names whose every revision is wanted. */
  names?: string[];
  after?: string;
  limit: number;
}

export type JobListScope = { kind: 'queue'; jobQueueArn: string } | { kind: 'array'; parentJobId: string };

export interface JobListQuery {
  scope: JobListScope;
  statuses?: JobStatus[];
  /** `JOB_NAME` filter: case-insensitive; a trailing `*` means prefix. */
  nameLike?: string;
  /** `JOB_DEFINITION` filter, matched against the definition ARN or `name:revision`. */
  definitionLike?: string;
  createdBefore?: number;
  createdAfter?: number;
  shareIdentifier?: string;
  /** Oldest first instead of newest first (queue scope). */
  oldestFirst?: boolean;
  /** Queue scope lists parents and plain jobs only, unless this is set. */
  includeArrayChildren?: boolean;
  after?: string;
  limit: number;
}

/**
 * Fields that may change on a stored job besides its status. The status itself only changes
 * through a JobTransition, which JobTransitions (jobs/transitions.ts) checks against the table.
 */
export type JobChange = Partial<
  Pick<Job, 'statusReason' | 'startedAt' | 'stoppedAt' | 'attempts' | 'isCancelled' | 'isTerminated' | 'tags'>
> & {
  /** The environment a placed job runs on; cleared (null) when it goes back to RUNNABLE. */
  computeEnvironmentArn?: string | null;
};

/** A compare-and-set status change: each job still in one of `from` moves to `to` with `change`. */
export interface JobTransition {
  jobIds: string[];
  from: JobStatus[];
  to: JobStatus;
  change: JobChange;
  /** Only jobs not marked terminated move: nothing may follow an acknowledged TerminateJob but its end. */
  unlessTerminated?: boolean;
  /** Only jobs not marked cancelled move (a parent a CancelJob flagged ends with its reason). */
  unlessCancelled?: boolean;
  /** Only jobs whose queue still exists move (a retry must not wait in a deleted queue). */
  whileQueueExists?: boolean;
}

/** A job a transition moved, with the status it left. */
export interface MovedJob {
  jobId: string;
  from: JobStatus;
  to: JobStatus;
}

/** A compact view of an array child for the scheduler: no spec, just where it is. */
export interface ArrayChildState {
  index: number;
  status: JobStatus;
}

/** A job the scheduler is about to place, with what it reserves. */
export interface RunnableJob {
  job: Job;
  vcpus: number;
  /** When the job last changed status (it has been RUNNABLE since then). */
  statusChangedAt: number;
}

/**
 * Durable state of Barge. Every method is one atomic unit: when its promise resolves the
 * change is committed (and survives a SIGKILL of the process); when it rejects nothing changed.
 * Listings return a `cursor` that resumes after the last item; it stays valid when items are
 * inserted concurrently (keyset pagination, never offsets).
 *
 * Errors: inserting a name that exists throws ConflictError; everything the driver raises is
 * wrapped in an Error with `cause`, never passed through raw.
 */
export interface Store {
  insertResource<K extends NamedResourceKind>(kind: K, record: NamedResources[K]): Promise<void>;
  getResource<K extends NamedResourceKind>(kind: K, name: string): Promise<NamedResources[K] | undefined>;
  /** In creation order. With `names`, only those that exist, in creation order. */
  listResources<K extends NamedResourceKind>(
    kind: K,
    query: { names?: string[]; after?: string; limit: number },
  ): Promise<Slice<NamedResources[K]>>;
  /** Replaces a stored resource; a no-op if it no longer exists. */
  replaceResource<K extends NamedResourceKind>(kind: K, record: NamedResources[K]): Promise<void>;
  deleteResource(kind: NamedResourceKind, name: string): Promise<void>;

  /**
   * Stores a new revision of `definition.name`: one more than the highest revision ever
   * registered under that name, so revisions are never reused. Atomic under concurrency.
   */
  insertJobDefinition(
    definition: Omit<JobDefinition, 'revision' | 'arn'>,
    arnFor: (revision: number) => string,
  ): Promise<JobDefinition>;
  getJobDefinition(name: string, revision: number): Promise<JobDefinition | undefined>;
  /** The highest ACTIVE revision of a name. */
  getLatestActiveJobDefinition(name: string): Promise<JobDefinition | undefined>;
  /** Sorted by name, then revision descending. */
  listJobDefinitions(query: JobDefinitionQuery): Promise<Slice<JobDefinition>>;
  updateJobDefinition(name: string, revision: number, change: Partial<Pick<JobDefinition, 'status' | 'tags'>>): Promise<void>;

  /** Inserts jobs (an array parent together with all its children) in one transaction. */
  insertJobs(jobs: Job[]): Promise<void>;
  /** The jobs that exist among `jobIds`, in the order asked. */
  getJobs(jobIds: string[]): Promise<Job[]>;
  /** Newest first (queue scope) or by index (array scope). */
  listJobs(query: JobListQuery): Promise<Slice<Job>>;
  /** Children counted per status, for each array parent asked. */
  arrayStatusSummaries(parentJobIds: string[]): Promise<Map<string, ArrayStatusSummary>>;
  /**
   * Applies `change` (never a status) to each job whose current status is in `fromStatuses`
   * (compare-and-set, so two writers never both act on a job). Returns the ids that changed.
   */
  updateJobs(jobIds: string[], fromStatuses: JobStatus[], change: JobChange): Promise<string[]>;
  /**
   * Applies each transition, in order, to the jobs that still match it, all in one transaction;
   * returns the jobs that moved with the status each one left.
   */
  transitionJobs(transitions: JobTransition[]): Promise<MovedJob[]>;
  /**
   * Jobs in one of `statuses`, oldest first (by creation, then insertion), after the cursor.
   * `plainOnly` leaves array children out; `queueArn` restricts to one queue.
   */
  listJobsByStatus(query: {
    statuses: JobStatus[];
    queueArn?: string;
    plainOnly?: boolean;
    after?: string;
    limit: number;
  }): Promise<Slice<Job>>;
  /**
   * RUNNABLE jobs of a queue (children included) in FIFO order, or for one share of a
   * fair-share queue ordered by scheduling priority (highest first) then age.
   */
  listRunnable(query: { queueArn: string; shareIdentifier?: string; limit: number }): Promise<RunnableJob[]>;
  /** Share identifiers that have RUNNABLE jobs in a queue. */
  listRunnableShares(queueArn: string): Promise<string[]>;
  /** How many RUNNABLE jobs of a queue come before this one in FIFO order, counting at most `cap`. */
  countRunnableAhead(queueArn: string, jobId: string, cap: number): Promise<number>;
  /** vCPUs reserved by STARTING and RUNNING jobs, per compute environment ARN. */
  vcpusInUse(): Promise<Map<string, number>>;
  /** vCPUs of STARTING and RUNNING jobs of a queue, per share identifier. */
  vcpusInUseByShare(queueArn: string): Promise<Map<string, number>>;
  /** vCPU-seconds each share of a queue consumed by attempts that ended after `since`. */
  shareUsageSince(queueArn: string, since: number, now: number): Promise<Map<string, number>>;
  /** Index and status of every child of an array parent, by index. */
  listArrayChildren(parentJobId: string): Promise<ArrayChildState[]>;
  /** How many jobs each queue holds in each status (array children included); only non-zero counts. */
  countJobs(): Promise<{ jobQueueArn: string; status: JobStatus; count: number }[]>;
  /**
   * The leader's last answer to "why does each waiting job wait" (opaque JSON), kept for the
   * other processes to read; one board, replaced whole.
   */
  saveWaitBoard(board: string): Promise<void>;
  loadWaitBoard(): Promise<string | undefined>;
  /** Tags of a job (not an array child). */
  setJobTags(jobId: string, tags: Tags): Promise<void>;

  close(): Promise<void>;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/**
 * Timers the domain waits with (lease renewals, retries, timeouts), so that tests can drive
 * time instead of waiting. Timers never keep the process alive on their own.
 */
export interface Timers {
  /** Runs `callback` once after `ms`; the returned function cancels it. */
  after(ms: number, callback: () => void): () => void;
}

/**
 * What one process tells the others: `leader` (the lease was given up), `work` (jobs to
 * schedule), `catalog` (a queue, environment, policy or definition changed: drop cached reads).
 */
export type SignalTopic = 'leader' | 'work' | 'catalog';

/**
 * Wake-ups between the processes sharing a store. A signal carries no state and may be lost;
 * whoever listens also looks on its own every so often, so a lost one only delays the work.
 */
export interface Signals {
  /** Tells every process, this one included, soon (sends of one topic are coalesced). */
  send(topic: SignalTopic): void;
  on(topic: SignalTopic, handler: () => void): void;
}

export interface IdSource {
  /** A lowercase UUID v4. */
  uuid(): string;
}
