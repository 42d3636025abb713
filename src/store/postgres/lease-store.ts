import type { LeaseStore } from '../../domain/leadership.js';
import type { PostgresDatabase, PostgresMigration, Queryable } from './database.js';

/** The leader lease's schema (component `lease` in barge_migrations). */
export const LEASE_MIGRATIONS: readonly PostgresMigration[] = [
  {
    id: 1,
    name: 'leader lease',
    sql: `
      -- One row: who leads, under which term, until when (PostgreSQL's clock). The term only
      -- grows; every write a leader makes checks it in the same transaction (fenceCheck).
      CREATE TABLE barge_leader (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        holder TEXT NOT NULL,
        term BIGINT NOT NULL,
        expires_at TIMESTAMPTZ NOT NULL
      );
      -- Identity of the installation, shared by every replica: container names and labels
      -- derive from it, so two replicas name an attempt's container alike.
      CREATE TABLE barge_installation (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        installation_id TEXT NOT NULL
      );
    `,
  },
];

/**
 * The lease in PostgreSQL, expiry by the database's clock (River's lease row, scale-out.md §1.2).
 * Taking an expired lease and renewing a held one are single statements, so two replicas racing
 * for it cannot both win.
 */
export class PostgresLeaseStore implements LeaseStore {
  private constructor(private readonly db: PostgresDatabase) {}

  static async open(db: PostgresDatabase): Promise<PostgresLeaseStore> {
    await db.migrate('lease', LEASE_MIGRATIONS);
    return new PostgresLeaseStore(db);
  }

  async acquireOrRenewLease(holder: string, term: number | undefined, ttlMs: number): Promise<{ term: number } | undefined> {
    if (term !== undefined) {
      const renewed = await this.db.query<{ term: string }>(
        `UPDATE barge_leader SET expires_at = now() + make_interval(secs => $3::double precision / 1000)
         WHERE id = 1 AND holder = $1 AND term = $2 AND expires_at > now() RETURNING term`,
        [holder, term, ttlMs],
      );
      if (renewed.length > 0) return { term: Number(renewed[0]!.term) };
    }
    const taken = await this.db.query<{ term: string }>(
      `INSERT INTO barge_leader AS l (id, holder, term, expires_at)
       VALUES (1, $1, 1, now() + make_interval(secs => $2::double precision / 1000))
       ON CONFLICT (id) DO UPDATE SET holder = EXCLUDED.holder, term = l.term + 1, expires_at = EXCLUDED.expires_at
       WHERE l.expires_at <= now()
       RETURNING term`,
      [holder, ttlMs],
    );
    return taken.length > 0 ? { term: Number(taken[0]!.term) } : undefined;
  }

  async resignLease(holder: string, term: number): Promise<void> {
    await this.db.query('UPDATE barge_leader SET expires_at = now() WHERE id = 1 AND holder = $1 AND term = $2', [holder, term]);
  }

  async currentLease(): Promise<{ holder: string; term: number; expired: boolean } | undefined> {
    const rows = await this.db.query<{ holder: string; term: string; expired: boolean }>(
      'SELECT holder, term, expires_at <= now() AS expired FROM barge_leader WHERE id = 1',
    );
    const row = rows[0];
    return row ? { holder: row.holder, term: Number(row.term), expired: row.expired } : undefined;
  }

  /** The installation's id: the one stored, or `proposed` when none is yet (the first replica's wins). */
  async installationId(proposed: string): Promise<string> {
    const rows = await this.db.query<{ installation_id: string }>(
      `WITH inserted AS (INSERT INTO barge_installation (id, installation_id) VALUES (1, $1) ON CONFLICT (id) DO NOTHING RETURNING installation_id)
       SELECT installation_id FROM inserted UNION ALL SELECT installation_id FROM barge_installation WHERE id = 1`,
      [proposed],
    );
    return rows[0]!.installation_id;
  }
}

/**
 * Inside a leader's write transaction: holds a share lock on the lease row until the commit and
 * checks the term (Temporal's fencing, scale-out.md §1.2). A replica taking the lease waits for
 * the lock, so no write under an old term can commit once a new term exists.
 */
export async function fenceCheck(client: Queryable, term: number): Promise<boolean> {
  const rows = await client.query('SELECT 1 FROM barge_leader WHERE id = 1 AND term = $1 FOR SHARE', [term]);
  return (rows.rowCount ?? 0) > 0;
}
