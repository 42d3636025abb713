import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { readFileSync, realpathSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { ConfigError, loadConfig, usage } from './config.js';
import { Arns } from './domain/arn.js';
import { Batch } from './domain/batch.js';
import { Logs } from './domain/logs/logs.js';
import { createLogger } from './log.js';
import { DockerExecutor } from './executor/docker/docker-executor.js';
import { createHttpServer } from './protocol/http.js';
import { SigV4Verifier } from './protocol/sigv4-verifier.js';
import { DatabaseInUseError } from './store/sqlite/database.js';
import { SqliteLogStore } from './store/sqlite/log-store.js';
import { ensurePrivateDirectory } from './store/sqlite/private-files.js';
import { SqliteStore } from './store/sqlite/store.js';
import type { SynchronousMode } from './store/sqlite/database.js';
import { PostgresDatabase } from './store/postgres/database.js';
import { PostgresLeaseStore } from './store/postgres/lease-store.js';
import { PostgresLogStore } from './store/postgres/log-store.js';
import { PostgresStore } from './store/postgres/store.js';
import { Leadership, type LeaseStore } from './domain/leadership.js';
import type { Clock, Signals, Store } from './domain/ports.js';
import { DatabaseClock } from './store/postgres/clock.js';
import { PostgresSignals } from './store/postgres/signals.js';
import { CatalogCache } from './store/postgres/catalog-cache.js';
import { PostgresSerializer } from './store/postgres/serializer.js';
import type { Serializer } from './domain/serial.js';
import type { LogStore } from './domain/logs/log-store.js';
import type { Logger } from 'pino';
import { PrometheusMetrics } from './metrics/prometheus.js';

/**
 * Between full collections V8 lets the old generation grow to up to 4× what survived the last
 * one. Barge's live heap stays near 20 MB however many jobs are stored, but each DescribeJobs of
 * 100 jobs allocates about 1.5 MB, so a steady stream of reads floated the resident size from
 * ~150 MiB up to 200-210 MiB. At 2× it peaks near 165 MiB; each full collection pauses a request
 * for 4-11 ms, and at 1.5× they came often enough (about once a second) to raise DescribeJobs p99
 * by ~2 ms, at 2× by ~1 ms (4 paired runs of 3,000 calls each). Measured by `npm run bench`.
 */
const HEAP_GROWING_PERCENT = 100;

/**
 * V8 options that must be set when the process starts. Node.js 26's V8 lets each half of the
 * young generation grow to 16 MiB or more under a stream of requests; with short-lived request
 * garbage only, 4 MiB does the same work: 30,000 SubmitJobs from 32 clients ended at 166 MiB of
 * RSS instead of 184, at the same rate (paired runs, bench/ servers; Node.js 20 ended at 145).
 * Without it Barge's resident size with 100,000 jobs crossed the 200 MB target.
 */
const STARTUP_V8_FLAGS = ['--max-semi-space-size=4'];

/**
 * Starts Barge again in this same process (same pid: execve replaces the program) with the
 * startup flags, when it was started without them: `npm start`, the tests and the bench all
 * start `node dist/src/main.js`, and the flags then apply whichever way Barge is started.
 */
function ensureStartupFlags(): void {
  // A flag given on the command line (any value) wins: `node --max-semi-space-size=16 dist/src/main.js`.
  const missing = STARTUP_V8_FLAGS.filter((flag) => !process.execArgv.some((given) => given.split('=')[0] === flag.split('=')[0]));
  // execve is POSIX-only; elsewhere Barge runs with V8's defaults.
  if (missing.length === 0 || !process.execve) return;
  process.execve(process.execPath, [process.execPath, ...missing, ...process.execArgv, ...process.argv.slice(1)], process.env);
}

/** Wires config → logger → store → domain → HTTP. Nothing else constructs concrete classes. */
async function main(): Promise<void> {
  ensureStartupFlags();
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
  if (config.accessKeys.length === 0 && !isLoopback(config.host)) {
    process.stderr.write(
      `barge: refusing to listen on ${config.host} without access keys: in local mode any well-formed signature is accepted, and ` +
        'anyone who can reach the port could run containers as root on this host. Configure keys with --credentials-file ' +
        '(or BARGE_ACCESS_KEY_ID and BARGE_SECRET_ACCESS_KEY), or listen on a loopback address (--host 127.0.0.1).\n',
    );
    process.exit(2);
  }
  const logger = createLogger(config.logLevel);
  const arns = new Arns(config.region, config.accountId);
  // The leader's writes are fenced by its term; the term is known once Leadership exists.
  let leaderTerm: () => number | undefined = () => undefined;
  const stores = config.databaseUrl
    ? await openPostgresStores(config.databaseUrl, () => leaderTerm(), logger)
    : await openSqliteStores(config.dataDir, config.sqliteSynchronous, logger);
  const clock = stores.clock;
  // The jobs gauge reads the store at each scrape (directly: a scrape is not a timed store call).
  const metrics = new PrometheusMetrics(async () =>
    (await stores.store.countJobs()).map((row) => ({ jobQueueName: arns.nameOf('job-queue', row.jobQueueArn) ?? row.jobQueueArn, status: row.status, count: row.count })),
  );
  const store = metrics.instrument('store', stores.store);
  const logStore = metrics.instrument('log-store', stores.logStore);
  const logs = new Logs({ store: logStore, clock, region: config.region, accountId: config.accountId });
  const leaderLogs = new Logs({ store: metrics.instrument('log-store', stores.leaderLogStore), clock, region: config.region, accountId: config.accountId });
  // Containers are named and labelled per installation (its id is kept by the store), so two
  // installations on one engine never adopt each other's containers, and every replica of one
  // names an attempt's container alike.
  const instance = stores.installationId;
  const dockerExecutor = new DockerExecutor({
    socketPath: config.dockerSocket,
    pullPolicy: config.pullPolicy,
    networkMode: config.jobNetwork,
    pidsLimit: config.jobPidsLimit,
    instanceLabel: instance,
    logger: logger.child({ component: 'executor' }),
  });
  const executor = metrics.instrument('engine', dockerExecutor);
  const batch = new Batch({
    store,
    leaderStore: metrics.instrument('store', stores.leaderStore),
    clustered: stores.clustered,
    ...(stores.signals ? { signals: stores.signals } : {}),
    ...(stores.serializer ? { serializer: stores.serializer } : {}),
    clock,
    ids: { uuid: () => randomUUID() },
    region: config.region,
    accountId: config.accountId,
    logger: logger.child({ component: 'scheduler' }),
    execution: { executor, logSink: leaderLogs, stopGraceSeconds: config.stopGraceSeconds, containerNamePrefix: `barge-${instance}` },
    telemetry: metrics,
  });
  const leaseMs = config.leaderLeaseSeconds * 1000;
  const leadership = new Leadership(
    stores.lease,
    `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    clock,
    { after: (ms, callback) => { const timer = setTimeout(callback, ms); timer.unref(); return () => clearTimeout(timer); } },
    {
      elected: async (term) => {
        metrics.leadership(true, term);
        await batch.scheduler?.start();
      },
      deposed: async (term) => {
        metrics.leadership(false, term);
        await batch.scheduler?.abandon();
      },
    },
    logger.child({ component: 'leadership' }),
    stores.clustered
      ? { ttlMs: leaseMs, renewEveryMs: Math.max(500, Math.floor(leaseMs / 5)), safetyMarginMs: Math.max(500, Math.floor(leaseMs / 10)) }
      : // One process owns the SQLite file (its lock): nobody else can lead, so the lease never
        // has to lapse, not even when a long pause of this process outlasts a short one.
        { ttlMs: 24 * 3600_000, renewEveryMs: 3600_000, safetyMarginMs: 1000 },
    stores.signals,
  );
  leaderTerm = () => leadership.term;
  const verifier = config.accessKeys.length > 0 ? new SigV4Verifier(config.accessKeys, clock.now, config.maxClockSkewSeconds * 1000) : undefined;
  const app = createHttpServer({
    logger,
    batch,
    logs,
    // SubmitJob payloads are limited to 30 KiB on AWS; allow more headroom for describe-heavy clients.
    bodyLimit: 1024 * 1024,
    allowedHosts: config.allowedHosts,
    listenHost: config.host,
    verifier,
    maxConnections: config.maxConnections > 0 ? config.maxConnections : connectionCap(openFileLimit()),
    metrics,
  });
  if (verifier) {
    logger.info({ keys: config.accessKeys.map((k) => `${k.name} (${k.accessKeyId})`) }, 'SigV4 signatures are verified against the configured access keys');
  } else {
    logger.warn(
      'local mode: no access keys are configured, so any well-formed SigV4 signature is accepted. Every account on this machine, ' +
        'and every job container on the host network (--job-network host), can use Barge, which runs containers as root. ' +
        'Configure keys with --credentials-file or BARGE_ACCESS_KEY_ID / BARGE_SECRET_ACCESS_KEY to verify callers (README: Security).',
    );
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Running containers keep running; the next leader (or start of Barge) follows them to the
    // end. Attempts whose container has already exited are finished first (at most a few
    // seconds); then the lead is resigned, which wakes the other replicas at once.
    await batch.scheduler?.stop();
    await leadership.stop();
    await app.close();
    await stores.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  const address = await app.listen({ host: config.host, port: config.port });
  if (!(await executor.ping().catch(() => false))) {
    logger.warn({ socket: config.dockerSocket }, 'the Docker engine does not answer; jobs wait until it does');
  }
  await leadership.start();
  logger.info(
    { url: address, ...(config.databaseUrl ? { store: 'postgresql' } : { dataDir: config.dataDir }), instance, leader: leadership.isLeader, region: config.region, accountId: config.accountId },
    'Barge listening',
  );
}

interface Stores {
  store: Store;
  logStore: LogStore;
  /** The same stores for the leader's writes, fenced by its term where processes share them. */
  leaderStore: Store;
  leaderLogStore: LogStore;
  lease: LeaseStore;
  installationId: string;
  clustered: boolean;
  /** Wake-ups between the processes sharing the store (none for one process). */
  signals?: Signals;
  /** The clock every time Barge records or compares is read from. */
  clock: Clock;
  /** Serialises control-plane changes across the processes sharing the store (none: within this one). */
  serializer?: Serializer;
  close(): Promise<void>;
}

/** The embedded stores: two SQLite files in the data directory, owned by this one process. */
function openSqliteStores(dataDir: string, synchronous: SynchronousMode, logger: Logger): Promise<Stores> {
  const widerMode = ensurePrivateDirectory(dataDir);
  if (widerMode !== undefined) logger.warn({ dataDir, was: widerMode.toString(8), now: '700' }, 'made the data directory private');
  const options = { synchronous, logger: logger.child({ component: 'store' }) };
  const store = new SqliteStore(join(dataDir, 'barge.db'), options);
  const logStore = new SqliteLogStore(join(dataDir, 'logs.db'), options);
  // Installations before the id was stored were named after their data directory's path:
  // that name is kept, so their containers are still theirs after an upgrade.
  return store.installationId(createHash('sha256').update(realpathSync(dataDir)).digest('hex').slice(0, 10)).then((installationId) => ({
    store,
    logStore,
    leaderStore: store,
    leaderLogStore: logStore,
    lease: store,
    installationId,
    clustered: false,
    clock: { now: () => Date.now() },
    async close() {
      await store.close();
      await logStore.close();
    },
  }));
}

/** PostgreSQL, shared with other Barge processes: schema migrated once, writes of the leader fenced. */
async function openPostgresStores(url: string, leaderTerm: () => number | undefined, logger: Logger): Promise<Stores> {
  const db = new PostgresDatabase(url, { maxConnections: 20, logger: logger.child({ component: 'store' }) });
  try {
    // Replicas' clocks may disagree; PostgreSQL's is the one they all read, through an offset.
    const clock = new DatabaseClock(db);
    await clock.start();
    const signals = new PostgresSignals(db, logger.child({ component: 'signals' }));
    await signals.start();
    const cache = new CatalogCache(() => signals.listening);
    signals.on('catalog', () => cache.invalidate());
    const catalog = { cache, changed: () => signals.send('catalog') };
    const lease = await PostgresLeaseStore.open(db);
    const store = await PostgresStore.open(db, clock, catalog);
    const logStore = await PostgresLogStore.open(db);
    const fenced = db.fenced(leaderTerm);
    return {
      store,
      logStore,
      leaderStore: new PostgresStore(fenced, clock, catalog),
      leaderLogStore: new PostgresLogStore(fenced),
      lease,
      installationId: await lease.installationId(randomUUID().replaceAll('-', '').slice(0, 10)),
      clustered: true,
      signals,
      clock,
      serializer: new PostgresSerializer(db, () => cache.invalidate()),
      async close() {
        clock.stop();
        await signals.stop();
        await db.close();
      },
    };
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}

function isLoopback(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1';
}

/** The soft limit on open files (Node.js raises it to the hard limit at start). */
function openFileLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line ? Number(line.slice('Max open files'.length).trim().split(/\s+/)[0]) : NaN;
    return Number.isFinite(soft) ? soft : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Client connections at most: a quarter of the descriptors (at least 256) stay free for the
 * Docker socket, the stores, log followers and job containers' pipes; never more than 10,000.
 */
function connectionCap(fileLimit: number | undefined): number {
  if (fileLimit === undefined) return 1000;
  return Math.max(16, Math.min(10_000, fileLimit - Math.max(256, Math.floor(fileLimit / 4))));
}

main().catch((error: unknown) => {
  if (error instanceof DatabaseInUseError) {
    process.stderr.write(`barge: ${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`barge: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
