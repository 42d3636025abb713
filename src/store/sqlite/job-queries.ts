import type { JobStatus } from '../../domain/jobs/job.js';
import type { JobChange, JobListQuery } from '../../domain/ports.js';
import { limitClause } from './database.js';
import { definitionPattern, type JobRow, wildcardToLike } from './rows.js';

/** SQL of the jobs table built from a query, kept apart from running it. */

/** ListJobs: keyset-paginated, newest first by queue (children hidden) or by index within an array. */
export function jobListSql(query: JobListQuery): { sql: string; params: unknown[]; cursorOf: (r: JobRow) => string } {
  const where: string[] = [];
  const params: unknown[] = [];
  let order: string;
  let cursorOf: (r: JobRow) => string;
  if (query.scope.kind === 'queue') {
    where.push('j.queue_arn = ?');
    params.push(query.scope.jobQueueArn);
    if (!query.includeArrayChildren) where.push('j.parent_id IS NULL');
    const dir = query.oldestFirst ? 'ASC' : 'DESC';
    order = `j.created_at ${dir}, j.seq ${dir}`;
    if (query.after !== undefined) {
      const [createdAt, seq] = JSON.parse(query.after) as [number, number];
      // Written out rather than as a row value: SQLite only uses the index range this way.
      const op = query.oldestFirst ? '>' : '<';
      where.push(`(j.created_at ${op} ? OR (j.created_at = ? AND j.seq ${op} ?))`);
      params.push(createdAt, createdAt, seq);
    }
    cursorOf = (r) => JSON.stringify([r.created_at, r.seq]);
  } else {
    where.push('j.parent_id = ?');
    params.push(query.scope.parentJobId);
    order = 'j.array_index ASC';
    if (query.after !== undefined) {
      where.push('j.array_index > ?');
      params.push(Number(query.after));
    }
    cursorOf = (r) => String(r.array_index);
  }
  if (query.statuses) {
    where.push(`j.status IN (${query.statuses.map(() => '?').join(',')})`);
    params.push(...query.statuses);
  }
  if (query.nameLike !== undefined) {
    const like = wildcardToLike(query.nameLike);
    where.push(like.exact ? 'lower(j.name) = lower(?)' : "lower(j.name) LIKE lower(?) ESCAPE '\\'");
    params.push(like.pattern);
  }
  if (query.definitionLike !== undefined) {
    const { clause, values } = definitionFilter(query.definitionLike);
    where.push(clause);
    params.push(...values);
  }
  if (query.createdBefore !== undefined) {
    where.push('j.created_at < ?');
    params.push(query.createdBefore);
  }
  if (query.createdAfter !== undefined) {
    where.push('j.created_at > ?');
    params.push(query.createdAfter);
  }
  if (query.shareIdentifier !== undefined) {
    const like = wildcardToLike(query.shareIdentifier);
    where.push(like.exact ? 'j.share_identifier = ?' : "j.share_identifier LIKE ? ESCAPE '\\'");
    params.push(like.pattern);
  }
  const sql = `SELECT j.*, p.spec AS parent_spec FROM jobs j LEFT JOIN jobs p ON p.job_id = j.parent_id
    WHERE ${where.join(' AND ')} ORDER BY ${order} ${limitClause(query.limit + 1)}`;
  return { sql, params, cursorOf };
}

/**
 * ListJobs' JOB_DEFINITION filter: a name (any revision), `name:revision`, or an ARN, with an
 * optional trailing `*` for a prefix. Matched against the stored definition ARN.
 */
export function definitionFilter(value: string): { clause: string; values: string[] } {
  const match = definitionPattern(value);
  return match.exact
    ? { clause: 'j.definition_arn = ?', values: [match.pattern] }
    : { clause: "j.definition_arn LIKE ? ESCAPE '\\'", values: [match.pattern] };
}

/** The SET clause of a job change, with its new status if it has one (which also stamps status_changed_at). */
export function jobChangeSql(change: JobChange, now: number, status?: JobStatus): { sql: string; values: unknown[] } {
  const sets: string[] = [];
  const values: unknown[] = [];
  const column = (name: string, value: unknown) => {
    sets.push(`${name} = ?`);
    values.push(value);
  };
  if (status !== undefined) {
    column('status', status);
    column('status_changed_at', now);
  }
  if ('statusReason' in change) column('status_reason', change.statusReason ?? null);
  if ('startedAt' in change) column('started_at', change.startedAt ?? null);
  if ('stoppedAt' in change) column('stopped_at', change.stoppedAt ?? null);
  if (change.attempts !== undefined) column('attempts', JSON.stringify(change.attempts));
  if (change.isCancelled !== undefined) column('is_cancelled', change.isCancelled ? 1 : 0);
  if (change.isTerminated !== undefined) column('is_terminated', change.isTerminated ? 1 : 0);
  if (change.tags !== undefined) column('tags', JSON.stringify(change.tags));
  if (change.computeEnvironmentArn !== undefined) column('compute_environment_arn', change.computeEnvironmentArn);
  return { sql: sets.join(', '), values };
}

