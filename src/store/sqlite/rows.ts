import type { Tags } from '../../domain/common.js';
import type { Attempt, Job, JobSpec, JobStatus } from '../../domain/jobs/job.js';

/** A row of the jobs table, with the parent's spec joined in for array children. */
export interface JobRow {
  seq: number;
  job_id: string;
  queue_arn: string;
  parent_id: string | null;
  array_index: number | null;
  name: string;
  definition_arn: string;
  share_identifier: string | null;
  status: string;
  status_reason: string | null;
  created_at: number;
  started_at: number | null;
  stopped_at: number | null;
  is_cancelled: number;
  is_terminated: number;
  spec: string | null;
  parent_spec?: string | null;
  attempts: string;
  tags: string;
  compute_environment_arn: string | null;
  vcpus: number;
  scheduling_priority: number;
  status_changed_at: number | null;
}

export function jobToRow(job: Job): Omit<JobRow, 'seq' | 'parent_spec' | 'compute_environment_arn'> {
  return {
    job_id: job.jobId,
    queue_arn: job.spec.jobQueueArn,
    parent_id: job.arrayParent?.jobId ?? null,
    array_index: job.arrayParent?.index ?? null,
    name: job.spec.jobName,
    definition_arn: job.spec.jobDefinitionArn,
    share_identifier: job.spec.shareIdentifier ?? null,
    status: job.status,
    status_reason: job.statusReason ?? null,
    created_at: job.createdAt,
    started_at: job.startedAt ?? null,
    stopped_at: job.stoppedAt ?? null,
    is_cancelled: job.isCancelled ? 1 : 0,
    is_terminated: job.isTerminated ? 1 : 0,
    // Children share the parent's spec; storing it once keeps a 10,000-child array small.
    spec: job.arrayParent ? null : JSON.stringify(job.spec),
    attempts: JSON.stringify(job.attempts),
    tags: JSON.stringify(job.tags),
    vcpus: job.spec.reservation.vcpus,
    scheduling_priority: job.spec.schedulingPriority ?? 0,
    status_changed_at: job.createdAt,
  };
}

/**
 * `parentSpecs` holds the parsed spec of each array parent met in one read, so the children of
 * an array (which share it, and may be hundreds in one page) parse it once.
 */
export function jobFromRow(row: JobRow, parentSpecs: Map<string, JobSpec>): Job {
  let spec: JobSpec;
  if (row.spec !== null) spec = JSON.parse(row.spec) as JobSpec;
  else {
    const cached = row.parent_id === null ? undefined : parentSpecs.get(row.parent_id);
    if (cached) spec = cached;
    else if (row.parent_id !== null && row.parent_spec) {
      spec = JSON.parse(row.parent_spec) as JobSpec;
      parentSpecs.set(row.parent_id, spec);
    } else throw new Error(`Job ${row.job_id} has no spec and no parent spec`);
  }
  const job: Job = {
    jobId: row.job_id,
    jobArn: '',
    spec,
    status: row.status as JobStatus,
    createdAt: row.created_at,
    attempts: JSON.parse(row.attempts) as Attempt[],
    tags: JSON.parse(row.tags) as Tags,
  };
  job.jobArn = jobArnFrom(job.spec.jobQueueArn, row.job_id);
  if (row.parent_id !== null && row.array_index !== null) job.arrayParent = { jobId: row.parent_id, index: row.array_index };
  if (row.status_reason !== null) job.statusReason = row.status_reason;
  if (row.started_at !== null) job.startedAt = row.started_at;
  if (row.stopped_at !== null) job.stoppedAt = row.stopped_at;
  if (row.is_cancelled) job.isCancelled = true;
  if (row.is_terminated) job.isTerminated = true;
  return job;
}

/** The job ARN shares region and account with its queue's ARN. */
function jobArnFrom(queueArn: string, jobId: string): string {
  return `${queueArn.slice(0, queueArn.indexOf(':job-queue/'))}:job/${jobId}`;
}

/** A `name*` wildcard as a LIKE pattern; without `*` it is an exact match. */
export function wildcardToLike(value: string): { exact: boolean; pattern: string } {
  if (!value.endsWith('*')) return { exact: true, pattern: value };
  return { exact: false, pattern: `${value.slice(0, -1).replace(/[\\%_]/g, (c) => `\\${c}`)}%` };
}

/**
 * ListJobs' JOB_DEFINITION filter: a name (any revision), `name:revision`, or an ARN, with an
 * optional trailing `*` for a prefix, as an exact definition ARN or a LIKE pattern (`\` escapes).
 */
export function definitionPattern(value: string): { exact: boolean; pattern: string } {
  const prefix = value.endsWith('*');
  const text = prefix ? value.slice(0, -1) : value;
  const escaped = text.replace(/[\\%_]/g, (c) => `\\${c}`);
  if (text.startsWith('arn:')) {
    if (prefix) return { exact: false, pattern: `${escaped}%` };
    return /:\d+$/.test(text) && /job-definition\/[^:]+:\d+$/.test(text)
      ? { exact: true, pattern: text }
      : { exact: false, pattern: `${escaped}:%` };
  }
  if (prefix) return { exact: false, pattern: `%:job-definition/${escaped}%` };
  if (text.includes(':')) return { exact: false, pattern: `%:job-definition/${escaped}` };
  return { exact: false, pattern: `%:job-definition/${escaped}:%` };
}
