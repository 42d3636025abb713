import type { PostgresMigration } from './database.js';

/** The job store's schema (component `store` in barge_migrations). */
export const STORE_MIGRATIONS: readonly PostgresMigration[] = [];
