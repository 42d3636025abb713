import type { JsonObject, Tags } from '../common.js';
import type { ContainerProperties, Reservation } from '../resources/container-properties.js';
import type { JobTimeout, PlatformCapability, RetryStrategy } from '../resources/job-definition.js';

export const JOB_STATUSES = ['SUBMITTED', 'PENDING', 'RUNNABLE', 'STARTING', 'RUNNING', 'SUCCEEDED', 'FAILED'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** An array job's parent: it has children and never runs itself. */
export function isArrayParent(job: Job): boolean {
  return job.spec.arraySize !== undefined && !job.arrayParent;
}

export function isTerminal(status: JobStatus): boolean {
  return status === 'SUCCEEDED' || status === 'FAILED';
}

export interface JobDependency {
  jobId?: string;
  type?: 'N_TO_N' | 'SEQUENTIAL';
}

/** The container side of one attempt, as AWS reports it in `attempts[].container`. */
export interface AttemptContainer {
  taskArn?: string;
  containerInstanceArn?: string;
  exitCode?: number;
  reason?: string;
  logStreamName?: string;
}

export interface Attempt {
  /** 1 for the first attempt (AWS_BATCH_JOB_ATTEMPT). */
  number: number;
  computeEnvironmentArn?: string;
  container: AttemptContainer;
  startedAt?: number;
  stoppedAt?: number;
  statusReason?: string;
  /** Executor position after the last output line stored, so a restart resumes there. */
  logCursor?: string;
}

/** What SubmitJob fixed about a job; never changes afterwards. Array children share their parent's. */
export interface JobSpec {
  jobName: string;
  jobQueueArn: string;
  jobDefinitionArn: string;
  parameters: Record<string, string>;
  /** The definition's container with overrides applied and `Ref::` substituted in the command. */
  container?: ContainerProperties;
  reservation: Reservation;
  nodeProperties?: JsonObject;
  ecsProperties?: JsonObject;
  eksProperties?: JsonObject;
  consumableResourceProperties?: JsonObject;
  dependsOn: JobDependency[];
  retryStrategy?: RetryStrategy;
  timeout?: JobTimeout;
  propagateTags?: boolean;
  /** The definition's, as it was registered (absent means EC2). */
  platformCapabilities?: PlatformCapability[];
  shareIdentifier?: string;
  schedulingPriority?: number;
  arraySize?: number;
  /** Name of the access key that submitted the job. */
  createdBy?: string;
}

/** A job record: the immutable spec plus the state the life cycle moves. */
export interface Job {
  jobId: string;
  jobArn: string;
  spec: JobSpec;
  /** Set on array children: the parent's id and this child's 0-based index. */
  arrayParent?: { jobId: string; index: number };
  status: JobStatus;
  statusReason?: string;
  createdAt: number;
  startedAt?: number;
  stoppedAt?: number;
  attempts: Attempt[];
  isCancelled?: boolean;
  isTerminated?: boolean;
  tags: Tags;
}

export type ArrayStatusSummary = Record<JobStatus, number>;

export function emptyStatusSummary(): ArrayStatusSummary {
  return { SUBMITTED: 0, PENDING: 0, RUNNABLE: 0, STARTING: 0, RUNNING: 0, SUCCEEDED: 0, FAILED: 0 };
}
