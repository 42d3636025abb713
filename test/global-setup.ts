import { PrivatePostgres } from './helpers/postgres.js';
import { CLUSTER_ENV, createTemplate } from './helpers/test-database.js';

/**
 * Once per `npm test` run, before any test file: one private PostgreSQL cluster with a migrated
 * template database. Test files copy the template (CREATE DATABASE … TEMPLATE) and so never share
 * a database; the environment variable tells them where the cluster is.
 */
let cluster: PrivatePostgres | undefined;

export async function globalSetup(): Promise<void> {
  cluster = await PrivatePostgres.start();
  await createTemplate(cluster);
  process.env[CLUSTER_ENV] = cluster.dir;
}

export async function globalTeardown(): Promise<void> {
  cluster?.destroy();
}
