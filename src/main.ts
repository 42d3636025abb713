import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { ConfigError, loadConfig, usage } from './config.js';
import { Batch } from './domain/batch.js';
import { Logs } from './domain/logs/logs.js';
import { createLogger } from './log.js';
import { DockerExecutor } from './executor/docker/docker-executor.js';
import { createHttpServer } from './protocol/http.js';
import { DatabaseInUseError } from './store/sqlite/database.js';
import { SqliteLogStore } from './store/sqlite/log-store.js';
import { SqliteStore } from './store/sqlite/store.js';

/**
 * Between full collections V8 lets the old generation grow to up to 4× what survived the last
 * one. Barge's live heap stays near 20 MB however many jobs are stored, but each DescribeJobs of
 * 100 jobs allocates about 1.5 MB, so a steady stream of reads floated the resident size from
 * ~150 MiB up to 200-210 MiB. At 2× it peaks near 165 MiB; each full collection pauses a request
 * for 4-11 ms, and at 1.5× they came often enough (about once a second) to raise DescribeJobs p99
 * by ~2 ms, at 2× by ~1 ms (4 paired runs of 3,000 calls each). Measured by `npm run bench`.
 */
const HEAP_GROWING_PERCENT = 100;

/** Wires config → logger → store → domain → HTTP. Nothing else constructs concrete classes. */
async function main(): Promise<void> {
  // Only a heuristic V8 reads at each full collection, so setting it once running is safe.
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
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
  const clock = { now: () => Date.now() };
  const storeLog = logger.child({ component: 'store' });
  const onStoreError = (message: string) => storeLog.warn({ message }, 'background store work failed');
  const storeOptions = { synchronous: config.sqliteSynchronous, onBackgroundError: onStoreError };
  const store = new SqliteStore(join(config.dataDir, 'barge.db'), storeOptions);
  const logStore = new SqliteLogStore(join(config.dataDir, 'logs.db'), storeOptions);
  const logs = new Logs({ store: logStore, clock, region: config.region, accountId: config.accountId });
  // Containers are labelled and named per data directory, so two Barge installations on one
  // engine (or two test servers) never adopt each other's containers after a restart.
  const instance = createHash('sha256').update(realpathSync(config.dataDir)).digest('hex').slice(0, 10);
  const executor = new DockerExecutor({
    socketPath: config.dockerSocket,
    pullPolicy: config.pullPolicy,
    networkMode: config.jobNetwork,
    instanceLabel: instance,
    logger: logger.child({ component: 'executor' }),
  });
  const batch = new Batch({
    store,
    clock,
    ids: { uuid: () => randomUUID() },
    region: config.region,
    accountId: config.accountId,
    logger: logger.child({ component: 'scheduler' }),
    execution: { executor, logSink: logs, stopGraceSeconds: config.stopGraceSeconds, containerNamePrefix: `barge-${instance}` },
  });
  // SubmitJob payloads are limited to 30 KiB on AWS; allow more headroom for describe-heavy clients.
  const app = createHttpServer({ logger, batch, logs, bodyLimit: 1024 * 1024 });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Running containers keep running; the next start of Barge follows them to the end.
    await batch.scheduler?.stop();
    await app.close();
    await store.close();
    await logStore.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  const address = await app.listen({ host: config.host, port: config.port });
  if (!(await executor.ping().catch(() => false))) {
    logger.warn({ socket: config.dockerSocket }, 'the Docker engine does not answer; jobs wait until it does');
  }
  await batch.scheduler?.start();
  logger.info({ url: address, dataDir: config.dataDir, instance, region: config.region, accountId: config.accountId }, 'Barge listening');
}

main().catch((error: unknown) => {
  if (error instanceof DatabaseInUseError) {
    process.stderr.write(`barge: ${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`barge: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
