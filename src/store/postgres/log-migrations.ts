import type { PostgresMigration } from './database.js';

/** The log store's schema (component `logs` in barge_migrations). */
export const LOG_MIGRATIONS: readonly PostgresMigration[] = [];
