import { createHash } from 'node:crypto';
import pg from 'pg';
import { LeadershipLostError, StoreUnavailableError } from '../../domain/errors.js';
import type { DomainLogger } from '../../domain/logger.js';

/** One numbered schema change. Numbers only grow; an applied migration is never edited. */
export interface PostgresMigration {
  id: number;
  name: string;
  sql: string;
}

export interface PostgresOptions {
  /** Connections in the pool at most. */
  maxConnections?: number;
  logger?: Pick<DomainLogger, 'warn' | 'info'>;
}

/** A pooled client inside a transaction, or the pool itself. */
export type Queryable = Pick<pg.PoolClient, 'query'>;

/** What the stores run their SQL through: the database itself, or its leader-fenced view. */
export interface SqlDatabase {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  transaction<T>(work: (client: Queryable) => Promise<T>): Promise<T>;
}

/**
 * Connection classes whose errors mean "the database is not reachable now": the request may be
 * retried as is (pg's own errors without a SQLSTATE, and PostgreSQL's 08xxx, 57P01-57P03).
 */
const UNAVAILABLE_SQLSTATES = /^(08|57P0[123]|53300)/;

/**
 * A pool of connections to one PostgreSQL database, shared by the stores that live in it, and
 * the migration runner. Every session runs with synchronous_commit on: a write is acknowledged
 * only once PostgreSQL has flushed it, so it survives a crash of PostgreSQL as well as Barge's.
 */
export class PostgresDatabase implements SqlDatabase {
  readonly pool: pg.Pool;

  constructor(
    readonly url: string,
    options: PostgresOptions = {},
  ) {
    this.pool = new pg.Pool({
      connectionString: url,
      max: options.maxConnections ?? 10,
      // A connection that cannot be made within this surfaces as an error the API answers
      // as retryable, instead of a request that hangs.
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      options: '-c synchronous_commit=on -c timezone=UTC',
      application_name: 'barge',
    });
    // An idle client that loses its connection (PostgreSQL restarted) emits 'error' on the
    // pool; without a listener that would end the process. The pool drops the client itself.
    this.pool.on('error', (error) => options.logger?.warn({ err: error }, 'an idle PostgreSQL connection was lost'));
  }

  async query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]> {
    try {
      return (await this.pool.query<R>(prepared(text, values))).rows;
    } catch (error) {
      throw wrapDriverError(error);
    }
  }

  /**
   * Runs `work` in one transaction on one connection: committed when it resolves, rolled back
   * when it throws (the error is passed on, driver errors wrapped).
   */
  async transaction<T>(work: (client: Queryable) => Promise<T>): Promise<T> {
    return this.withConnection(async (client, markBroken) => {
      try {
        await client.query('BEGIN');
        const result = await work(preparing(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(markBroken);
        throw wrapDriverError(error);
      }
    });
  }

  /**
   * Runs `work` on one connection of the pool held throughout (a transaction, a session lock).
   * A connection that breaks while held, between two statements, emits 'error' on its client;
   * unheard, that would end the process: it is noted instead, the next statement fails, and the
   * connection is closed rather than returned to the pool (as when `work` calls `markBroken`).
   */
  async withConnection<T>(work: (client: pg.PoolClient, markBroken: () => void) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw wrapDriverError(error);
    }
    let broken = false;
    const markBroken = () => {
      broken = true;
    };
    client.on('error', markBroken);
    try {
      return await work(client, markBroken);
    } finally {
      client.off('error', markBroken);
      client.release(broken);
    }
  }

  /**
   * Applies the migrations of `component` not applied yet, each in its own transaction, under a
   * transaction-scoped advisory lock: replicas starting at once wait for each other, and each
   * migration runs exactly once (the loser of the race finds it recorded and skips it).
   */
  async migrate(component: string, migrations: readonly PostgresMigration[]): Promise<void> {
    await this.query(`CREATE TABLE IF NOT EXISTS barge_migrations (
      component TEXT NOT NULL, id INTEGER NOT NULL, name TEXT NOT NULL,
      applied_at TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (component, id))`).catch(async (error: unknown) => {
      // Two replicas creating the table at once: one of them fails on the catalog's unique
      // index and finds the table there.
      if (!isUniqueViolation(error)) throw error;
    });
    for (const migration of migrations) {
      await this.transaction(async (client) => {
        await client.query("SELECT pg_advisory_xact_lock(hashtext('barge_migrations'))");
        const done = await client.query('SELECT 1 FROM barge_migrations WHERE component = $1 AND id = $2', [component, migration.id]);
        if (done.rowCount !== 0) return;
        await client.query(migration.sql);
        await client.query('INSERT INTO barge_migrations (component, id, name) VALUES ($1, $2, $3)', [component, migration.id, migration.name]);
      });
    }
  }

  /**
   * The same database for the leader's writes: each runs in a transaction that first checks, with
   * a share lock on the lease row held to the commit, that the lease is still under `term()`.
   * A replica taking the lease waits for that lock, so no write under an old term commits once a
   * new term exists (Temporal's fencing, scale-out.md §1.2); a frozen leader that wakes up after
   * losing the lease has its writes refused with LeadershipLostError. Plain reads are not fenced.
   */
  fenced(term: () => number | undefined): SqlDatabase {
    const fencedTransaction = <T>(work: (client: Queryable) => Promise<T>): Promise<T> =>
      this.transaction(async (client) => {
        const held = term();
        if (held === undefined) throw new LeadershipLostError('this process is not the leader');
        const rows = await client.query('SELECT 1 FROM barge_leader WHERE id = 1 AND term = $1 FOR SHARE', [held]);
        if ((rows.rowCount ?? 0) === 0) throw new LeadershipLostError(`the lead has moved on from term ${held}`);
        return work(client);
      });
    return {
      query: async <R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]> =>
        READ_ONLY.test(text) ? this.query<R>(text, values) : fencedTransaction(async (client) => (await client.query<R>(text, values)).rows),
      transaction: fencedTransaction,
    };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** A statement that only reads (a plain SELECT; a WITH may hide a write and is fenced). */
const READ_ONLY = /^\s*SELECT\b/i;

/**
 * Statements with parameters run as named prepared statements: each connection parses and plans
 * a statement once and then only binds and executes it. Measured on the bench's SubmitJob runs,
 * PostgreSQL spent ~1.4 ms of CPU per job parsing and planning the same few statements again.
 * Names come from the text, so the set is bounded by the store's distinct statements.
 */
const statementNames = new Map<string, string>();

function prepared(text: string, values: unknown[] | undefined): pg.QueryConfig {
  if (values === undefined || values.length === 0) return { text };
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `barge_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    statementNames.set(text, name);
  }
  return { name, text, values };
}

/** A transaction's client whose parameterised statements are prepared (see `prepared`). */
function preparing(client: pg.PoolClient): Queryable {
  return {
    query: ((text: string, values?: unknown[]) => client.query(prepared(text, values))) as Queryable['query'],
  };
}

/** pg's errors carry PostgreSQL's SQLSTATE in `code`. */
export function sqlState(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function isUniqueViolation(error: unknown): boolean {
  return sqlState(error) === '23505';
}

/**
 * What the store contract promises: driver errors never pass through raw. A lost or refused
 * connection becomes a StoreUnavailableError (retryable); anything else an Error with `cause`.
 * Errors the store raised itself (domain errors) pass unchanged.
 */
export function wrapDriverError(error: unknown): unknown {
  if (!(error instanceof Error)) return new Error(`PostgreSQL failed: ${String(error)}`);
  if (error instanceof StoreUnavailableError || error instanceof LeadershipLostError) return error;
  const state = sqlState(error);
  // pg's pool, once ended, throws a plain Error of its own: still the driver's, so wrapped too.
  const isDriver = error instanceof pg.DatabaseError || state !== undefined || isConnectionFailure(error) || /Cannot use a pool after calling end/.test(error.message);
  if (!isDriver) return error;
  if ((state !== undefined && UNAVAILABLE_SQLSTATES.test(state)) || (state === undefined && isConnectionFailure(error))) {
    return new StoreUnavailableError(`PostgreSQL is unavailable: ${error.message}`, { cause: error });
  }
  return new Error(`PostgreSQL failed: ${error.message}`, { cause: error });
}

function isConnectionFailure(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'ENOENT', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH'].includes(code)) return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error|Connection closed/i.test(error.message);
}
