import type { Database } from 'better-sqlite3';
import { StorageFullError } from '../../domain/errors.js';

interface PendingWrite {
  apply: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit. Writes queued in the same turn of the event loop are applied in one SQLite
 * transaction, each inside its own savepoint (when there are several) so one failing write
 * rolls back alone. Every caller's promise settles only after the shared COMMIT, so a response
 * is never sent for a write that is not durable; with synchronous=FULL one fsync covers the
 * whole group, which is what lets 16 concurrent SubmitJob clients go far beyond one commit per
 * fsync.
 *
 * A write that fails because the disk is full (SQLite's SQLITE_FULL, at its statements or at
 * the commit) is rejected with a StorageFullError; SQLite has rolled it back, and the same write
 * succeeds once space is freed.
 */
export class WriteBatcher {
  private queue: PendingWrite[] = [];
  private scheduled = false;
  private readonly runInSavepoint: (apply: () => unknown) => unknown;
  private readonly runAlone: (apply: () => unknown) => unknown;
  private readonly runGroup: (writes: PendingWrite[]) => { ok: boolean; value: unknown }[];

  constructor(private readonly db: Database) {
    // A better-sqlite3 transaction function uses BEGIN/COMMIT on its own and a SAVEPOINT when
    // called inside another transaction. Top-level ones BEGIN IMMEDIATE: the write lock is taken
    // first, where SQLite waits out a busy lock (the checkpoint worker holds it briefly when it
    // restarts the WAL). A deferred transaction that read first and then found the lock taken
    // would fail at once with SQLITE_BUSY: SQLite never waits to upgrade a read to a write.
    const savepoint = db.transaction((apply: () => unknown) => apply());
    this.runInSavepoint = savepoint;
    this.runAlone = savepoint.immediate;
    const group = db.transaction((writes: PendingWrite[]) =>
      writes.map((w) => {
        try {
          return { ok: true, value: this.runInSavepoint(w.apply) };
        } catch (error) {
          return { ok: false, value: error };
        }
      }),
    );
    this.runGroup = group.immediate;
  }

  write<T>(apply: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ apply, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Applies everything queued now; used by close() so no accepted write is dropped. */
  flush(): void {
    this.scheduled = false;
    const writes = this.queue;
    this.queue = [];
    if (writes.length === 0) return;
    if (writes.length === 1) {
      // A lone write needs no savepoint: if it fails, its transaction rolls back with it.
      const write = writes[0]!;
      let applied = false;
      let value: unknown;
      try {
        value = this.runAlone(() => {
          const result = write.apply();
          applied = true;
          return result;
        });
      } catch (error) {
        write.reject(this.failure(error, applied));
        return;
      }
      write.resolve(value);
      return;
    }
    let results: { ok: boolean; value: unknown }[];
    try {
      results = this.runGroup(writes);
    } catch (error) {
      for (const w of writes) w.reject(this.failure(error, true));
      return;
    }
    results.forEach((r, i) => (r.ok ? writes[i]!.resolve(r.value) : writes[i]!.reject(this.failure(r.value, false))));
  }

  private failure(error: unknown, committing: boolean): unknown {
    if (typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'SQLITE_FULL') {
      return new StorageFullError(`the disk holding ${this.db.name} is full`, { cause: error });
    }
    return committing ? new Error('SQLite commit failed', { cause: error }) : error;
  }
}
