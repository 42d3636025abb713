import type { Slice, Tags } from '../../domain/common.js';
import { ConflictError, type ResourceKind } from '../../domain/errors.js';
import { type ArrayStatusSummary, emptyStatusSummary, type Job, type JobSpec, type JobStatus } from '../../domain/jobs/job.js';
import type {
  ArrayChildState,
  JobChange,
  JobDefinitionQuery,
  JobListQuery,
  JobTransition,
  MovedJob,
  NamedResourceKind,
  NamedResources,
  RunnableJob,
  Store,
  Clock,
} from '../../domain/ports.js';
import type { JobDefinition } from '../../domain/resources/job-definition.js';
import { jobFromRow, jobToRow } from '../sqlite/rows.js';
import { sliceOf } from '../slice.js';
import { isUniqueViolation, type PostgresDatabase, type SqlDatabase, type Queryable, sqlState } from './database.js';
import { JOB_SELECT, jobChangeSql, jobListSql, type PostgresJobRow, SqlParams, seqAfter, toJobRow } from './job-queries.js';
import { STORE_MIGRATIONS } from './migrations.js';
import type { CatalogCache } from './catalog-cache.js';

const KIND_LABEL: Record<NamedResourceKind, ResourceKind> = {
  'compute-environment': 'compute environment',
  'job-queue': 'job queue',
  'scheduling-policy': 'scheduling policy',
};

/** Rows per INSERT of insertJobs: an array of 10,000 children goes in a few statements. */
const INSERT_CHUNK = 2000;
/** A transaction that lost a deadlock or serialization race is rolled back whole and run again. */
const RETRIES = 5;
const RETRYABLE_SQLSTATES = new Set(['40P01', '40001']);

/**
 * The job store on PostgreSQL, for one or several Barge processes sharing a database. Nothing a
 * decision depends on is kept in the process: revisions, creation order and compare-and-set all
 * happen in the database, and every read goes to it (no read cache).
 *
 * The PostgresDatabase (its pool) is shared with the log store and belongs to whoever created it:
 * `close()` leaves it open, and the owner (main) closes it after both stores.
 */
export class PostgresStore implements Store {
  constructor(
    private readonly db: SqlDatabase,
    /** Stamps status changes (statusChangedAt): the cluster's shared clock. */
    private readonly clock: Clock = { now: () => Date.now() },
    /** Queues, environments, policies and definitions as read last; none: every read goes to the database. */
    private readonly catalog?: { cache: CatalogCache; changed: () => void },
  ) {}

  /** After a write to the catalog tables: this process's cache now, the other processes' by signal. */
  private catalogChanged(): void {
    if (!this.catalog) return;
    this.catalog.cache.invalidate();
    this.catalog.changed();
  }

  private cached<T>(key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    return this.catalog ? this.catalog.cache.get(key, load) : load();
  }

  /** The store over `db`, with its schema migrated (safe when replicas start at once). */
  static async open(db: PostgresDatabase, clock?: Clock, catalog?: { cache: CatalogCache; changed: () => void }): Promise<PostgresStore> {
    await db.migrate('store', STORE_MIGRATIONS);
    return new PostgresStore(db, clock, catalog);
  }

  private async atomically<T>(work: (client: Queryable) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction(work);
      } catch (error) {
        const state = sqlState(error);
        if (attempt >= RETRIES || state === undefined || !RETRYABLE_SQLSTATES.has(state)) throw error;
      }
    }
  }

  // ---- named resources (compute environments, job queues, scheduling policies) ----

  async insertResource<K extends NamedResourceKind>(kind: K, record: NamedResources[K]): Promise<void> {
    try {
      await this.db.query('INSERT INTO resources (kind, name, body) VALUES ($1, $2, $3)', [kind, record.name, JSON.stringify(record)]);
      this.catalogChanged();
    } catch (error) {
      if (isUniqueViolation(error)) {
        const label = KIND_LABEL[kind];
        throw new ConflictError(label, record.name, `Object already exists: ${label} ${record.name}`);
      }
      throw error;
    }
  }

  async getResource<K extends NamedResourceKind>(kind: K, name: string): Promise<NamedResources[K] | undefined> {
    return this.cached(`${kind}\u0000${name}`, async () => {
      const [row] = await this.db.query<{ body: string }>('SELECT body FROM resources WHERE kind = $1 AND name = $2', [kind, name]);
      return row ? (JSON.parse(row.body) as NamedResources[K]) : undefined;
    });
  }

  async listResources<K extends NamedResourceKind>(
    kind: K,
    query: { names?: string[]; after?: string; limit: number },
  ): Promise<Slice<NamedResources[K]>> {
    if (query.names?.length === 0) return { items: [] };
    const params = new SqlParams();
    const where = [`kind = ${params.add(kind, 'text')}`];
    if (query.after !== undefined) {
      const after = seqAfter(query.after);
      if (after === 'past-end') return { items: [] };
      where.push(`seq > ${params.add(after, 'bigint')}`);
    }
    if (query.names) where.push(`name = ANY(${params.add(query.names, 'text[]')})`);
    const rows = await this.db.query<{ seq: string; body: string }>(
      `SELECT seq, body FROM resources WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ${params.limit(query.limit + 1)}`,
      params.values,
    );
    return sliceOf(rows, query.limit, (r) => JSON.parse(r.body) as NamedResources[K], (r) => r.seq);
  }

  async replaceResource<K extends NamedResourceKind>(kind: K, record: NamedResources[K]): Promise<void> {
    await this.db.query('UPDATE resources SET body = $1 WHERE kind = $2 AND name = $3', [JSON.stringify(record), kind, record.name]);
    this.catalogChanged();
  }

  async deleteResource(kind: NamedResourceKind, name: string): Promise<void> {
    await this.db.query('DELETE FROM resources WHERE kind = $1 AND name = $2', [kind, name]);
    this.catalogChanged();
  }

  // ---- job definitions ----

  async insertJobDefinition(definition: Omit<JobDefinition, 'revision' | 'arn'>, arnFor: (revision: number) => string): Promise<JobDefinition> {
    const stored = await this.insertDefinitionRow(definition, arnFor);
    this.catalogChanged();
    return stored;
  }

  private insertDefinitionRow(definition: Omit<JobDefinition, 'revision' | 'arn'>, arnFor: (revision: number) => string): Promise<JobDefinition> {
    return this.atomically(async (client) => {
      // The counter row is locked until commit, so concurrent registrations of a name take turns.
      const counted = await client.query<{ last: number }>(
        `INSERT INTO job_definition_revisions AS r (name, last) VALUES ($1, 1)
         ON CONFLICT (name) DO UPDATE SET last = r.last + 1 RETURNING last`,
        [definition.name],
      );
      const revision = counted.rows[0]!.last;
      const stored: JobDefinition = { ...definition, revision, arn: arnFor(revision) };
      const { tags, ...body } = stored;
      await client.query('INSERT INTO job_definitions (name, revision, status, body, tags) VALUES ($1, $2, $3, $4, $5)', [
        stored.name,
        revision,
        stored.status,
        JSON.stringify(body),
        JSON.stringify(tags),
      ]);
      return stored;
    });
  }

  async getJobDefinition(name: string, revision: number): Promise<JobDefinition | undefined> {
    return this.cached(`definition\u0000${name}\u0000${revision}`, async () => {
      const [row] = await this.db.query<DefinitionRow>('SELECT status, body, tags FROM job_definitions WHERE name = $1 AND revision = $2', [name, revision]);
      return row ? definitionFromRow(row) : undefined;
    });
  }

  async getLatestActiveJobDefinition(name: string): Promise<JobDefinition | undefined> {
    return this.cached(`latest-definition\u0000${name}`, async () => {
      const [row] = await this.db.query<DefinitionRow>(
        "SELECT status, body, tags FROM job_definitions WHERE name = $1 AND status = 'ACTIVE' ORDER BY revision DESC LIMIT 1",
        [name],
      );
      return row ? definitionFromRow(row) : undefined;
    });
  }

  async listJobDefinitions(query: JobDefinitionQuery): Promise<Slice<JobDefinition>> {
    const where: string[] = [];
    const params = new SqlParams();
    if (query.refs || query.names) {
      const alternatives: string[] = [];
      const refs = query.refs ?? [];
      if (refs.length > 0) {
        alternatives.push(
          `(name, revision) IN (SELECT * FROM unnest(${params.add(refs.map((r) => r.name), 'text[]')}, ${params.add(refs.map((r) => r.revision), 'integer[]')}))`,
        );
      }
      if (query.names && query.names.length > 0) alternatives.push(`name = ANY(${params.add(query.names, 'text[]')})`);
      if (alternatives.length === 0) return { items: [] };
      where.push(`(${alternatives.join(' OR ')})`);
    } else {
      if (query.name !== undefined) where.push(`name = ${params.add(query.name, 'text')}`);
      if (query.status !== undefined) where.push(`status = ${params.add(query.status, 'text')}`);
    }
    if (query.after !== undefined) {
      const [name, revision] = JSON.parse(query.after) as [string, number];
      const afterName = params.add(name, 'text');
      where.push(`(name > ${afterName} OR (name = ${afterName} AND revision < ${params.add(revision, 'integer')}))`);
    }
    const rows = await this.db.query<DefinitionRow & { name: string; revision: number }>(
      `SELECT name, revision, status, body, tags FROM job_definitions ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY name ASC, revision DESC LIMIT ${params.limit(query.limit + 1)}`,
      params.values,
    );
    return sliceOf(rows, query.limit, definitionFromRow, (r) => JSON.stringify([r.name, r.revision]));
  }

  async updateJobDefinition(name: string, revision: number, change: Partial<Pick<JobDefinition, 'status' | 'tags'>>): Promise<void> {
    const params = new SqlParams();
    const sets: string[] = [];
    if (change.status !== undefined) sets.push(`status = ${params.add(change.status, 'text')}`);
    if (change.tags !== undefined) sets.push(`tags = ${params.add(JSON.stringify(change.tags), 'text')}`);
    if (sets.length === 0) return;
    await this.db.query(
      `UPDATE job_definitions SET ${sets.join(', ')} WHERE name = ${params.add(name, 'text')} AND revision = ${params.add(revision, 'integer')}`,
      params.values,
    );
    this.catalogChanged();
  }

  // ---- jobs ----

  async insertJobs(jobs: Job[]): Promise<void> {
    if (jobs.length === 0) return;
    // One statement is atomic on its own: a job (or an array of up to INSERT_CHUNK) goes in one
    // round trip instead of three (BEGIN, INSERT, COMMIT).
    if (jobs.length <= INSERT_CHUNK) {
      await this.db.query(INSERT_JOBS, jobColumns(jobs));
      return;
    }
    await this.atomically(async (client) => {
      for (let i = 0; i < jobs.length; i += INSERT_CHUNK) await client.query(INSERT_JOBS, jobColumns(jobs.slice(i, i + INSERT_CHUNK)));
    });
  }

  async getJobs(jobIds: string[]): Promise<Job[]> {
    if (jobIds.length === 0) return [];
    const rows = await this.db.query<PostgresJobRow>(`${JOB_SELECT} WHERE j.job_id = ANY($1::text[])`, [jobIds]);
    const parentSpecs = new Map<string, JobSpec>();
    const byId = new Map(rows.map((r) => [r.job_id, jobFromRow(toJobRow(r), parentSpecs)]));
    return jobIds.flatMap((id) => {
      const job = byId.get(id);
      return job ? [job] : [];
    });
  }

  async listJobs(query: JobListQuery): Promise<Slice<Job>> {
    const { sql, values, cursorOf } = jobListSql(query);
    const rows = (await this.db.query<PostgresJobRow>(sql, values)).map(toJobRow);
    const parentSpecs = new Map<string, JobSpec>();
    return sliceOf(rows, query.limit, (r) => jobFromRow(r, parentSpecs), cursorOf);
  }

  async saveWaitBoard(board: string): Promise<void> {
    await this.db.query('INSERT INTO wait_board (id, body) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body', [board]);
  }

  async loadWaitBoard(): Promise<string | undefined> {
    const [row] = await this.db.query<{ body: string }>('SELECT body FROM wait_board WHERE id = 1');
    return row?.body;
  }

  async countJobs(): Promise<{ jobQueueArn: string; status: JobStatus; count: number }[]> {
    const rows = await this.db.query<{ queue_arn: string; status: JobStatus; n: string }>('SELECT queue_arn, status, COUNT(*) AS n FROM jobs GROUP BY queue_arn, status');
    return rows.map((r) => ({ jobQueueArn: r.queue_arn, status: r.status, count: Number(r.n) }));
  }

  async arrayStatusSummaries(parentJobIds: string[]): Promise<Map<string, ArrayStatusSummary>> {
    const out = new Map<string, ArrayStatusSummary>();
    for (const id of parentJobIds) out.set(id, emptyStatusSummary());
    if (parentJobIds.length === 0) return out;
    const rows = await this.db.query<{ parent_id: string; status: JobStatus; n: string }>(
      'SELECT parent_id, status, COUNT(*) AS n FROM jobs WHERE parent_id = ANY($1::text[]) GROUP BY parent_id, status',
      [parentJobIds],
    );
    for (const row of rows) out.get(row.parent_id)![row.status] = Number(row.n);
    return out;
  }

  async updateJobs(jobIds: string[], fromStatuses: JobStatus[], change: JobChange): Promise<string[]> {
    const params = new SqlParams();
    const sets = jobChangeSql(change, this.clock.now(), params);
    if (!sets || jobIds.length === 0 || fromStatuses.length === 0) return [];
    const matches = `job_id = ANY(${params.add(jobIds, 'text[]')}) AND status = ANY(${params.add(fromStatuses, 'text[]')})`;
    const changed = await this.atomically(async (client) => (await client.query<{ job_id: string }>(lockedUpdateSql(sets, matches), params.values)).rows);
    return inAskedOrder(jobIds, new Set(changed.map((r) => r.job_id)));
  }

  transitionJobs(transitions: JobTransition[]): Promise<MovedJob[]> {
    return this.atomically(async (client) => {
      const moved: MovedJob[] = [];
      const now = this.clock.now();
      for (const t of transitions) {
        if (t.from.length === 0 || t.jobIds.length === 0) continue;
        const params = new SqlParams();
        const sets = jobChangeSql(t.change, now, params, t.to);
        const matches = [
          `job_id = ANY(${params.add(t.jobIds, 'text[]')})`,
          `status = ANY(${params.add(t.from, 'text[]')})`,
          ...(t.unlessTerminated ? ['NOT is_terminated'] : []),
          ...(t.unlessCancelled ? ['NOT is_cancelled'] : []),
          // The queue's name is what follows `job-queue/` in its ARN: a primary-key lookup.
          ...(t.whileQueueExists
            ? ["EXISTS (SELECT 1 FROM resources r WHERE r.kind = 'job-queue' AND r.name = substr(jobs.queue_arn, strpos(jobs.queue_arn, ':job-queue/') + 11))"]
            : []),
        ].join(' AND ');
        const rows = (await client.query<{ job_id: string; status: JobStatus }>(lockedUpdateSql(sets, matches), params.values)).rows;
        const left = new Map(rows.map((r) => [r.job_id, r.status]));
        for (const jobId of inAskedOrder(t.jobIds, new Set(left.keys()))) moved.push({ jobId, from: left.get(jobId)!, to: t.to });
      }
      return moved;
    });
  }

  async listJobsByStatus(query: { statuses: JobStatus[]; queueArn?: string; plainOnly?: boolean; after?: string; limit: number }): Promise<Slice<Job>> {
    const params = new SqlParams();
    const where = [`j.status = ANY(${params.add(query.statuses, 'text[]')})`];
    if (query.queueArn !== undefined) where.push(`j.queue_arn = ${params.add(query.queueArn, 'text')}`);
    if (query.plainOnly) where.push('j.parent_id IS NULL');
    if (query.after !== undefined) {
      const after = seqAfter(query.after);
      if (after === 'past-end') return { items: [] };
      where.push(`j.seq > ${params.add(after, 'bigint')}`);
    }
    const rows = (
      await this.db.query<PostgresJobRow>(`${JOB_SELECT} WHERE ${where.join(' AND ')} ORDER BY j.seq LIMIT ${params.limit(query.limit + 1)}`, params.values)
    ).map(toJobRow);
    const parentSpecs = new Map<string, JobSpec>();
    return sliceOf(rows, query.limit, (r) => jobFromRow(r, parentSpecs), (r) => String(r.seq));
  }

  async listRunnable(query: { queueArn: string; shareIdentifier?: string; limit: number }): Promise<RunnableJob[]> {
    const params = new SqlParams();
    const where = [`j.queue_arn = ${params.add(query.queueArn, 'text')}`, "j.status = 'RUNNABLE'"];
    const byShare = query.shareIdentifier !== undefined;
    if (byShare) where.push(`j.share_identifier = ${params.add(query.shareIdentifier, 'text')}`);
    const rows = (
      await this.db.query<PostgresJobRow>(
        `${JOB_SELECT} WHERE ${where.join(' AND ')}
         ORDER BY ${byShare ? 'j.scheduling_priority DESC, ' : ''}j.created_at, j.seq LIMIT ${params.limit(query.limit)}`,
        params.values,
      )
    ).map(toJobRow);
    const parentSpecs = new Map<string, JobSpec>();
    return rows.map((r) => ({ job: jobFromRow(r, parentSpecs), vcpus: r.vcpus, statusChangedAt: r.status_changed_at ?? r.created_at }));
  }

  async listRunnableShares(queueArn: string): Promise<string[]> {
    const rows = await this.db.query<{ s: string }>(
      "SELECT DISTINCT share_identifier AS s FROM jobs WHERE queue_arn = $1 AND status = 'RUNNABLE' AND share_identifier IS NOT NULL",
      [queueArn],
    );
    return rows.map((r) => r.s);
  }

  async countRunnableAhead(queueArn: string, jobId: string, cap: number): Promise<number> {
    const params = new SqlParams();
    const me = params.add(jobId, 'text');
    const queue = params.add(queueArn, 'text');
    const [row] = await this.db.query<{ n: string }>(
      `SELECT COUNT(*) AS n FROM (
         SELECT 1 FROM jobs j, (SELECT created_at, seq FROM jobs WHERE job_id = ${me}) me
         WHERE j.queue_arn = ${queue} AND j.status = 'RUNNABLE' AND (j.created_at, j.seq) < (me.created_at, me.seq)
         LIMIT ${params.limit(cap)}) ahead`,
      params.values,
    );
    return Number(row!.n);
  }

  async vcpusInUse(): Promise<Map<string, number>> {
    const rows = await this.db.query<{ ce: string; v: number }>(
      `SELECT compute_environment_arn AS ce, SUM(vcpus) AS v FROM jobs
       WHERE status IN ('STARTING', 'RUNNING') AND compute_environment_arn IS NOT NULL GROUP BY compute_environment_arn`,
    );
    return new Map(rows.map((r) => [r.ce, r.v]));
  }

  async vcpusInUseByShare(queueArn: string): Promise<Map<string, number>> {
    const rows = await this.db.query<{ s: string; v: number }>(
      `SELECT share_identifier AS s, SUM(vcpus) AS v FROM jobs
       WHERE status IN ('STARTING', 'RUNNING') AND queue_arn = $1 AND share_identifier IS NOT NULL GROUP BY share_identifier`,
      [queueArn],
    );
    return new Map(rows.map((r) => [r.s, r.v]));
  }

  async shareUsageSince(queueArn: string, since: number, now: number): Promise<Map<string, number>> {
    // vCPU-seconds of the part of each attempt inside [since, now]; running attempts count up to now.
    const rows = await this.db.query<{ s: string; u: number }>(
      `SELECT j.share_identifier AS s,
              SUM(j.vcpus * (LEAST(COALESCE((a.value ->> 'stoppedAt')::float8, $3::float8), $3::float8)
                             - GREATEST((a.value ->> 'startedAt')::float8, $2::float8)) / 1000.0) AS u
       FROM jobs j CROSS JOIN LATERAL jsonb_array_elements(j.attempts::jsonb) AS a (value)
       WHERE j.queue_arn = $1::text AND j.share_identifier IS NOT NULL
         AND a.value ->> 'startedAt' IS NOT NULL
         AND COALESCE((a.value ->> 'stoppedAt')::float8, $3::float8) > $2::float8
         AND j.status IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'RUNNABLE', 'STARTING')
         AND (j.stopped_at IS NULL OR j.stopped_at > $2::float8)
       GROUP BY j.share_identifier`,
      [queueArn, since, now],
    );
    return new Map(rows.map((r) => [r.s, Math.max(0, r.u)]));
  }

  async listArrayChildren(parentJobId: string): Promise<ArrayChildState[]> {
    const rows = await this.db.query<{ i: number; status: JobStatus }>(
      'SELECT array_index AS i, status FROM jobs WHERE parent_id = $1 ORDER BY array_index',
      [parentJobId],
    );
    return rows.map((r) => ({ index: r.i, status: r.status }));
  }

  async setJobTags(jobId: string, tags: Tags): Promise<void> {
    await this.db.query('UPDATE jobs SET tags = $1 WHERE job_id = $2', [JSON.stringify(tags), jobId]);
  }

  /** Nothing to release: the pool is the PostgresDatabase's, closed by its owner. */
  async close(): Promise<void> {}
}

/**
 * An UPDATE of the jobs matching `matches` that returns each one's id and the status it left.
 * The rows are locked first, in job_id order (so two multi-job updates cannot deadlock on each
 * other); under READ COMMITTED a row another transaction changed meanwhile is checked against
 * `matches` again once that one commits, which is what makes the update compare-and-set.
 */
function lockedUpdateSql(sets: string, matches: string): string {
  return `UPDATE jobs SET ${sets}
    FROM (SELECT job_id, status FROM jobs WHERE ${matches} ORDER BY job_id FOR UPDATE) AS before
    WHERE jobs.job_id = before.job_id
    RETURNING jobs.job_id, before.status`;
}

function inAskedOrder(jobIds: string[], found: Set<string>): string[] {
  const seen = new Set<string>();
  return jobIds.filter((id) => found.has(id) && !seen.has(id) && (seen.add(id), true));
}

interface DefinitionRow {
  status: string;
  body: string;
  tags: string;
}

function definitionFromRow(row: DefinitionRow): JobDefinition {
  const body = JSON.parse(row.body) as JobDefinition;
  return { ...body, status: row.status as JobDefinition['status'], tags: JSON.parse(row.tags) as Tags };
}

/** One array per column; ORDER BY the ordinality gives the rows their seq in the order asked. */
const INSERT_JOBS = `INSERT INTO jobs
     (job_id, queue_arn, parent_id, array_index, name, definition_arn, share_identifier, status, status_reason,
      created_at, started_at, stopped_at, is_cancelled, is_terminated, spec, attempts, tags, vcpus, scheduling_priority, status_changed_at)
   SELECT job_id, queue_arn, parent_id, array_index, name, definition_arn, share_identifier, status, status_reason,
      created_at, started_at, stopped_at, is_cancelled, is_terminated, spec, attempts, tags, vcpus, scheduling_priority, status_changed_at
   FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
               $10::bigint[], $11::bigint[], $12::bigint[], $13::boolean[], $14::boolean[], $15::text[], $16::text[], $17::text[],
               $18::double precision[], $19::integer[], $20::bigint[])
     WITH ORDINALITY AS u (job_id, queue_arn, parent_id, array_index, name, definition_arn, share_identifier, status, status_reason,
      created_at, started_at, stopped_at, is_cancelled, is_terminated, spec, attempts, tags, vcpus, scheduling_priority, status_changed_at, position)
   ORDER BY position`;

function jobColumns(jobs: Job[]): unknown[] {
  const rows = jobs.map(jobToRow);
  const column = <T>(pick: (r: (typeof rows)[number]) => T) => rows.map(pick);
  return [
    column((r) => r.job_id),
    column((r) => r.queue_arn),
    column((r) => r.parent_id),
    column((r) => r.array_index),
    column((r) => r.name),
    column((r) => r.definition_arn),
    column((r) => r.share_identifier),
    column((r) => r.status),
    column((r) => r.status_reason),
    column((r) => r.created_at),
    column((r) => r.started_at),
    column((r) => r.stopped_at),
    column((r) => r.is_cancelled === 1),
    column((r) => r.is_terminated === 1),
    column((r) => r.spec),
    column((r) => r.attempts),
    column((r) => r.tags),
    column((r) => r.vcpus),
    column((r) => r.scheduling_priority),
    column((r) => r.status_changed_at),
  ];
}
