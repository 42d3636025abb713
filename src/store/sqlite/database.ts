import Database from 'better-sqlite3';
import type { Migration } from './migrations.js';

/**
 * Opens a SQLite file the way every Barge store uses it: WAL so readers never wait for the
 * writer, synchronous=FULL so a committed write survives a crash of the process or the
 * machine, and the store's numbered migrations applied, each in its own transaction together
 * with the row that records it (a crash mid-migration leaves the previous version intact).
 */
export function openDatabase(file: string, migrations: readonly Migration[]): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
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
}

/** Prepared statements by SQL text: preparing is costly and many queries repeat with new values. */
export class StatementCache {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  get(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
