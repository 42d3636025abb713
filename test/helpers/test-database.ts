import { PostgresDatabase } from '../../src/store/postgres/database.js';
import { LOG_MIGRATIONS } from '../../src/store/postgres/log-migrations.js';
import { LEASE_MIGRATIONS } from '../../src/store/postgres/lease-store.js';
import { STORE_MIGRATIONS } from '../../src/store/postgres/migrations.js';
import { PrivatePostgres } from './postgres.js';

/** The database every test database is copied from: Barge's schema, no rows. */
export const TEMPLATE_DATABASE = 'barge_template';
/** Set by the global setup (test/global-setup.ts) for every test file of a run. */
export const CLUSTER_ENV = 'BARGE_TEST_PG_DIR';

/** Creates the template database in a fresh cluster and applies both stores' migrations to it. */
export async function createTemplate(cluster: PrivatePostgres): Promise<void> {
  await cluster.createDatabase(TEMPLATE_DATABASE);
  const db = new PostgresDatabase(cluster.url(TEMPLATE_DATABASE), { maxConnections: 1 });
  try {
    await db.migrate('store', STORE_MIGRATIONS);
    await db.migrate('logs', LOG_MIGRATIONS);
    await db.migrate('lease', LEASE_MIGRATIONS);
  } finally {
    // CREATE DATABASE … TEMPLATE refuses while anyone is connected to the template.
    await db.close();
  }
}

let ownCluster: Promise<PrivatePostgres> | undefined;
let counter = 0;

/**
 * A private PostgreSQL cluster: the run's (started by the global setup), or, for a test file run
 * on its own, one for this process, removed when it exits.
 */
async function cluster(): Promise<PrivatePostgres> {
  const dir = process.env[CLUSTER_ENV];
  if (dir) return PrivatePostgres.attach(dir);
  ownCluster ??= (async () => {
    const started = await PrivatePostgres.start();
    process.once('exit', () => started.destroy());
    await createTemplate(started);
    return started;
  })();
  return ownCluster;
}

/** The run's PostgreSQL cluster (to restart it under load, for instance). */
export function testCluster(): Promise<PrivatePostgres> {
  return cluster();
}

/** A new database with Barge's schema and no rows, for one test file or one test; its URL. */
export async function testDatabaseUrl(): Promise<string> {
  counter += 1;
  return (await cluster()).createDatabase(`barge_t${process.pid}_${counter}`, TEMPLATE_DATABASE);
}
