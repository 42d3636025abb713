import type { JobStatus } from '../../domain/jobs/job.js';
import type { JobChange, JobListQuery } from '../../domain/ports.js';
import { definitionPattern, type JobRow, wildcardToLike } from '../sqlite/rows.js';

/** SQL of the jobs table built from a query, kept apart from running it (PostgreSQL dialect). */

/** Numbered placeholders collected while a statement is written: `add(value)` is its `$n`. */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown, type?: string): string {
    this.values.push(value);
    return `$${this.values.length}${type ? `::${type}` : ''}`;
  }

  /** A LIMIT value; like SQLite's limitClause, only a non-negative integer is accepted. */
  limit(limit: number): string {
    if (!Number.isSafeInteger(limit) || limit < 0) throw new Error(`invalid SQL limit ${limit}`);
    return this.add(limit, 'bigint');
  }
}

/** Every column of the jobs table as `j.…`, with the parent's spec joined in (for array children). */
export const JOB_SELECT = `SELECT j.seq, j.job_id, j.queue_arn, j.parent_id, j.array_index, j.name, j.definition_arn, j.share_identifier,
    j.status, j.status_reason, j.created_at, j.started_at, j.stopped_at, j.is_cancelled, j.is_terminated, j.spec, j.attempts, j.tags,
    j.compute_environment_arn, j.vcpus, j.scheduling_priority, j.status_changed_at, p.spec AS parent_spec
  FROM jobs j LEFT JOIN jobs p ON p.job_id = j.parent_id`;

/** A jobs row as pg returns it: BIGINT columns come as strings, flags as booleans. */
export interface PostgresJobRow extends Omit<JobRow, 'seq' | 'created_at' | 'started_at' | 'stopped_at' | 'status_changed_at' | 'is_cancelled' | 'is_terminated'> {
  seq: string;
  created_at: string;
  started_at: string | null;
  stopped_at: string | null;
  status_changed_at: string | null;
  is_cancelled: boolean;
  is_terminated: boolean;
}

/** The row in the shape the SQLite store's (datastore-neutral) jobFromRow reads. */
export function toJobRow(row: PostgresJobRow): JobRow {
  return {
    ...row,
    seq: Number(row.seq),
    created_at: Number(row.created_at),
    started_at: numberOrNull(row.started_at),
    stopped_at: numberOrNull(row.stopped_at),
    status_changed_at: numberOrNull(row.status_changed_at),
    is_cancelled: row.is_cancelled ? 1 : 0,
    is_terminated: row.is_terminated ? 1 : 0,
  };
}

function numberOrNull(value: string | number | null): number | null {
  return value === null ? null : Number(value);
}

/**
 * A numeric keyset cursor as SQLite compares it with `seq > ?`: NaN or +Infinity are past every
 * row, fractions compare like their floor.
 */
export function seqAfter(after: string): number | 'past-end' {
  const n = Number(after);
  if (Number.isNaN(n) || n === Infinity) return 'past-end';
  if (n === -Infinity) return Number.MIN_SAFE_INTEGER;
  return Math.floor(n);
}

/** ListJobs: keyset-paginated, newest first by queue (children hidden) or by index within an array. */
export function jobListSql(query: JobListQuery): { sql: string; values: unknown[]; cursorOf: (r: JobRow) => string } {
  const where: string[] = [];
  const params = new SqlParams();
  let order: string;
  let cursorOf: (r: JobRow) => string;
  if (query.scope.kind === 'queue') {
    where.push(`j.queue_arn = ${params.add(query.scope.jobQueueArn)}`);
    if (!query.includeArrayChildren) where.push('j.parent_id IS NULL');
    const dir = query.oldestFirst ? 'ASC' : 'DESC';
    order = `j.created_at ${dir}, j.seq ${dir}`;
    if (query.after !== undefined) {
      const [createdAt, seq] = JSON.parse(query.after) as [number, number];
      const op = query.oldestFirst ? '>' : '<';
      where.push(`(j.created_at, j.seq) ${op} (${params.add(createdAt, 'bigint')}, ${params.add(seq, 'bigint')})`);
    }
    cursorOf = (r) => JSON.stringify([r.created_at, r.seq]);
  } else {
    where.push(`j.parent_id = ${params.add(query.scope.parentJobId)}`);
    order = 'j.array_index ASC';
    if (query.after !== undefined) {
      const after = seqAfter(query.after);
      where.push(after === 'past-end' ? 'false' : `j.array_index > ${params.add(after, 'bigint')}`);
    }
    cursorOf = (r) => String(r.array_index);
  }
  if (query.statuses) where.push(`j.status = ANY(${params.add(query.statuses, 'text[]')})`);
  if (query.nameLike !== undefined) {
    const like = wildcardToLike(query.nameLike);
    // lower() of a "C" collation folds ASCII letters only, as SQLite's lower() does.
    where.push(like.exact ? `lower(j.name) = lower(${params.add(like.pattern, 'text')} COLLATE "C")` : `j.name ILIKE ${params.add(like.pattern, 'text')} ESCAPE '\\'`);
  }
  if (query.definitionLike !== undefined) {
    // SQLite's LIKE ignores ASCII case; ILIKE on a "C" column does the same.
    const match = definitionPattern(query.definitionLike);
    where.push(match.exact ? `j.definition_arn = ${params.add(match.pattern, 'text')}` : `j.definition_arn ILIKE ${params.add(match.pattern, 'text')} ESCAPE '\\'`);
  }
  if (query.createdBefore !== undefined) where.push(`j.created_at < ${params.add(query.createdBefore, 'bigint')}`);
  if (query.createdAfter !== undefined) where.push(`j.created_at > ${params.add(query.createdAfter, 'bigint')}`);
  if (query.shareIdentifier !== undefined) {
    const like = wildcardToLike(query.shareIdentifier);
    where.push(like.exact ? `j.share_identifier = ${params.add(like.pattern, 'text')}` : `j.share_identifier ILIKE ${params.add(like.pattern, 'text')} ESCAPE '\\'`);
  }
  const sql = `${JOB_SELECT} WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${params.limit(query.limit + 1)}`;
  return { sql, values: params.values, cursorOf };
}

/** The SET clause of a job change, with its new status if it has one (which also stamps status_changed_at). */
export function jobChangeSql(change: JobChange, now: number, params: SqlParams, status?: JobStatus): string {
  const sets: string[] = [];
  const column = (name: string, value: unknown, type: string) => sets.push(`${name} = ${params.add(value, type)}`);
  if (status !== undefined) {
    column('status', status, 'text');
    column('status_changed_at', now, 'bigint');
  }
  if ('statusReason' in change) column('status_reason', change.statusReason ?? null, 'text');
  if ('startedAt' in change) column('started_at', change.startedAt ?? null, 'bigint');
  if ('stoppedAt' in change) column('stopped_at', change.stoppedAt ?? null, 'bigint');
  if (change.attempts !== undefined) column('attempts', JSON.stringify(change.attempts), 'text');
  if (change.isCancelled !== undefined) column('is_cancelled', change.isCancelled, 'boolean');
  if (change.isTerminated !== undefined) column('is_terminated', change.isTerminated, 'boolean');
  if (change.tags !== undefined) column('tags', JSON.stringify(change.tags), 'text');
  if (change.computeEnvironmentArn !== undefined) column('compute_environment_arn', change.computeEnvironmentArn, 'text');
  return sets.join(', ');
}
