import Database from 'better-sqlite3';
import type { DomainLogger } from '../../domain/logger.js';
import { RepeatedFailure } from '../../domain/repeated-failure.js';
import { WalCheckpointer } from './checkpointer.js';
import type { Migration } from './migrations.js';
import { ensurePrivateStoreFiles } from './private-files.js';

export { sliceOf } from '../slice.js';

/**
 * How hard a commit waits for the disk. In WAL mode `normal` commits survive a crash or kill -9
 * of Barge (the write is in the operating system before the response leaves) but the last
 * commits may be lost if the machine itself loses power; `full` also fsyncs every commit,
 * which survives power loss and costs one disk flush per commit group (`npm run bench` prints
 * SubmitJob throughput in both modes).
 */
export type SynchronousMode = 'normal' | 'full';

/** Thrown when another process holds the database: two Barge servers on one data directory. */
export class DatabaseInUseError extends Error {}

export type StoreLogger = Pick<DomainLogger, 'warn' | 'info'>;

/** An open store file: its connection, and what must happen when the store closes. */
export interface SqliteFile {
  db: Database.Database;
  close(): Promise<void>;
}

/** SQLite's own automatic checkpoint threshold (frames), restored if the checkpoint worker dies. */
const AUTOCHECKPOINT_FRAMES = 1000;

/** How a store file is opened; every member has a default. */
export interface StoreFileOptions {
  /** Default `full`; the server passes its configured mode. */
  synchronous?: SynchronousMode;
  /**
   * Hears how background work goes: WAL checkpoints run in a worker thread, and while they fail
   * (a full disk) the first failure is a warning, repeats are summarised once a minute and
   * recovery is an info line. Default: warnings become process warnings.
   */
  logger?: StoreLogger;
  /** How often a failure that keeps repeating is summarised; default once a minute. */
  repeatSummaryIntervalMs?: number;
  /** WAL size in pages at which the checkpoint worker makes the log start over. Default 16,384. */
  walRestartFrames?: number;
}

/**
 * Opens a SQLite file the way every Barge store uses it: WAL, the chosen synchronous mode, and
 * the store's numbered migrations applied, each in its own transaction together with the row
 * that records it (a crash mid-migration leaves the previous version intact). WAL checkpoints
 * run in a worker thread (checkpointer.ts).
 *
 * One process owns a store file: a second Barge on the same data directory would run every job
 * twice, so it is refused at start. The owner holds an exclusive lock on `<file>.lock`, a small
 * SQLite file of its own, for as long as the store is open; the operating system drops the lock
 * when the process dies, kill -9 included.
 *
 * The file, its lock, WAL and shared-memory files are readable by their owner only
 * (private-files.ts).
 */
export function openDatabase(file: string, migrations: readonly Migration[], options: StoreFileOptions = {}): SqliteFile {
  const synchronous = options.synchronous ?? 'full';
  ensurePrivateStoreFiles(file);
  const lock = lockStoreFile(file);
  let db: Database.Database;
  try {
    db = openMigrated(file, migrations, synchronous);
  } catch (error) {
    lock.close();
    throw error;
  }
  db.pragma('wal_autocheckpoint = 0');
  const logger = options.logger ?? processWarnings(file);
  const checkpoints = new RepeatedFailure(logger, `WAL checkpoint of ${file}`, { intervalMs: options.repeatSummaryIntervalMs });
  const checkpointer = new WalCheckpointer(
    { file, synchronous, intervalMs: 100, restartFrames: options.walRestartFrames ?? 16_384, busyTimeoutMs: 5000 },
    {
      failed: (message) => checkpoints.failed(new Error(message)),
      recovered: () => checkpoints.succeeded(),
      exited: () => {
        logger.warn({ file }, 'the WAL checkpoint worker stopped; SQLite checkpoints in the server thread from now on');
        if (db.open) db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_FRAMES}`);
      },
    },
  );
  return {
    db,
    async close() {
      await checkpointer.stop();
      // The last connection to close checkpoints what is left and removes the WAL.
      db.close();
      lock.close();
    },
  };
}

function processWarnings(file: string): StoreLogger {
  return {
    warn: (fields: { err?: Error }, message?: string) => process.emitWarning(`${file}: ${message ?? ''}${fields.err ? `: ${fields.err.message}` : ''}`),
    info: () => undefined,
  };
}

/** The connection in WAL mode, with the chosen synchronous mode and every migration applied. */
function openMigrated(file: string, migrations: readonly Migration[], synchronous: SynchronousMode): Database.Database {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    const applied = new Set(db.prepare('SELECT version FROM schema_migrations').all().map((r) => (r as { version: number }).version));
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      db.transaction(() => {
        db.exec(m.sql);
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
      })();
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function lockStoreFile(file: string): Database.Database {
  const lock = new Database(`${file}.lock`);
  try {
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.pragma('journal_mode = MEMORY');
    lock.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw new DatabaseInUseError(`${file} is in use by another process (is another Barge running on this data directory?)`, { cause: error });
    }
    throw error;
  }
  return lock;
}

/**
 * `LIMIT n` written into the SQL text. With a bound `LIMIT ?` this SQLite build (STAT4) prepares
 * the statement again on every call, because the limit may change the plan: measured 45–65 µs
 * a call against 6 µs with the number written in. Only a non-negative integer is accepted, so
 * nothing but a number ever reaches the SQL.
 */
export function limitClause(limit: number): string {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new Error(`invalid SQL limit ${limit}`);
  return `LIMIT ${limit}`;
}

/** Statements kept at most; the LIMIT written into many texts makes the set of texts open-ended. */
const MAX_STATEMENTS = 500;

interface CachedStatement {
  statement: Database.Statement;
  /** For statements read through `all`: builds a row object from the raw column values. */
  toObject?: (values: unknown[]) => unknown;
}

/** Prepared statements by SQL text: preparing is costly and many queries repeat with new values. */
export class StatementCache {
  private readonly statements = new Map<string, CachedStatement>();

  constructor(private readonly db: Database.Database) {}

  get(sql: string): Database.Statement {
    return this.entry(sql).statement;
  }

  /**
   * Every row of a query as an object with the columns as keys. better-sqlite3 builds each
   * row object key by key, which for the jobs table's ~20 columns cost about as much as the
   * query itself (100 rows by id: 1.5 ms against 0.9 ms this way); here rows come raw and one
   * object literal per statement shapes them.
   */
  all<T>(sql: string, params: unknown[]): T[] {
    const entry = this.entry(`raw\0${sql}`, sql);
    if (!entry.toObject) {
      entry.statement.raw(true);
      entry.toObject = rowObjectBuilder(entry.statement.columns().map((c) => c.name));
    }
    return (entry.statement.all(...params) as unknown[][]).map(entry.toObject) as T[];
  }

  private entry(key: string, sql = key): CachedStatement {
    let entry = this.statements.get(key);
    if (entry) {
      // Most recently used last, so the first entry is the one to drop.
      this.statements.delete(key);
    } else {
      entry = { statement: this.db.prepare(sql) };
      if (this.statements.size >= MAX_STATEMENTS) this.statements.delete(this.statements.keys().next().value!);
    }
    this.statements.set(key, entry);
    return entry;
  }
}

/** `(values) => ({ name0: values[0], name1: values[1], … })`: one object shape per query. */
function rowObjectBuilder(names: string[]): (values: unknown[]) => unknown {
  if (new Set(names).size !== names.length) throw new Error(`duplicate column names in ${names.join(', ')}`);
  const fields = names.map((name, i) => `${JSON.stringify(name)}: values[${i}]`).join(', ');
  // The names are the query's own column names, quoted as JSON string literals.
  return new Function('values', `return { ${fields} };`) as (values: unknown[]) => unknown;
}
