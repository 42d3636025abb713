import { SerialQueue, type Serializer } from '../../domain/serial.js';
import { type PostgresDatabase, wrapDriverError } from './database.js';

/** The advisory lock's key: one lock for every control-plane change of the installation. */
const LOCK_KEY = 'barge:control-plane';

/**
 * Control-plane changes one at a time across every process on the database: a session-level
 * advisory lock held on a connection of its own while the change checks and writes (on other
 * connections). Within the process the changes queue first, so one connection at most waits for
 * the lock. A process that dies mid-change releases the lock with its connection.
 */
export class PostgresSerializer implements Serializer {
  private readonly local = new SerialQueue();

  constructor(
    private readonly db: PostgresDatabase,
    /**
     * Runs once the lock is held: the catalog cache is dropped there, so the checks of a change
     * read what the last holder committed, even before its notification arrives.
     */
    private readonly onLocked: () => void = () => undefined,
  ) {}

  run<T>(task: () => Promise<T>): Promise<T> {
    return this.local.run(() =>
      this.db.withConnection(async (client, markBroken) => {
        await client.query('SELECT pg_advisory_lock(hashtext($1))', [LOCK_KEY]).catch((error: unknown) => {
          throw wrapDriverError(error);
        });
        try {
          this.onLocked();
          return await task();
        } finally {
          // A connection whose unlock failed is closed: closing it releases the lock.
          await client.query('SELECT pg_advisory_unlock(hashtext($1))', [LOCK_KEY]).catch(markBroken);
        }
      }),
    );
  }
}
