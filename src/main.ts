import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig, usage } from './config.js';
import { Batch } from './domain/batch.js';
import { createLogger } from './log.js';
import { createHttpServer } from './protocol/http.js';
import { SqliteStore } from './store/sqlite/store.js';

/** Wires config → logger → store → domain → HTTP. Nothing else constructs concrete classes. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`barge: ${error.message}\n\n${usage()}\n`);
      process.exit(2);
    }
    throw error;
  }
  if (config === 'help') {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  const logger = createLogger(config.logLevel);
  mkdirSync(config.dataDir, { recursive: true });
  const store = new SqliteStore(join(config.dataDir, 'barge.db'));
  const batch = new Batch({
    store,
    clock: { now: () => Date.now() },
    ids: { uuid: () => randomUUID() },
    region: config.region,
    accountId: config.accountId,
  });
  // SubmitJob payloads are limited to 30 KiB on AWS; allow more headroom for describe-heavy clients.
  const app = createHttpServer({ logger, batch, bodyLimit: 1024 * 1024 });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await app.close();
    await store.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  const address = await app.listen({ host: config.host, port: config.port });
  logger.info({ url: address, dataDir: config.dataDir, region: config.region, accountId: config.accountId }, 'Barge listening');
}

main().catch((error: unknown) => {
  process.stderr.write(`barge: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
