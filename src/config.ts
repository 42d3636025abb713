import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

/**
 * The only reader of environment variables and command-line flags. Flags win over the
 * environment, which wins over the defaults below. README's configuration table lists
 * the same options; test/config.test.ts keeps the two in step.
 */
export interface Config {
  host: string;
  port: number;
  dataDir: string;
  region: string;
  accountId: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  dockerSocket: string;
  pullPolicy: 'always' | 'if-not-present' | 'never';
  jobNetwork: 'host' | 'none';
  /** Processes and threads a job container may hold at once; 0 leaves it unlimited. */
  jobPidsLimit: number;
  stopGraceSeconds: number;
  sqliteSynchronous: 'normal' | 'full';
  /** Host names, besides loopback names and IP literals, that requests may name in `Host`. */
  allowedHosts: string[];
  /** The credentials file's path, or '' (see `accessKeys`). */
  credentialsFile: string;
  /** Seconds a SigV4 request time may differ from the server's clock (AWS: 5 minutes). */
  maxClockSkewSeconds: number;
  /** Open client connections at most; 0 picks a cap from the file-descriptor limit. */
  maxConnections: number;
  /**
   * Access keys whose signatures Barge verifies, from the credentials file and from
   * BARGE_ACCESS_KEY_ID / BARGE_SECRET_ACCESS_KEY. Empty means local mode: any well-formed
   * signature is accepted, and only on a loopback address.
   */
  accessKeys: AccessKey[];
  /**
   * PostgreSQL connection string (BARGE_DATABASE_URL, environment only: it may hold a password).
   * Empty: the embedded SQLite store in the data directory, one process.
   */
  databaseUrl: string;
  /** Seconds a leader's lease lasts without renewal (several processes on PostgreSQL). */
  leaderLeaseSeconds: number;
}

export interface AccessKey {
  accessKeyId: string;
  secretAccessKey: string;
  /** Who the key belongs to: shown in request logs and recorded on what the caller creates. */
  name: string;
}

/** Options that are not flags: secrets stay out of the process list. */
export const ENVIRONMENT_ONLY = {
  accessKeyId: 'BARGE_ACCESS_KEY_ID',
  secretAccessKey: 'BARGE_SECRET_ACCESS_KEY',
  accessKeyName: 'BARGE_ACCESS_KEY_NAME',
  databaseUrl: 'BARGE_DATABASE_URL',
} as const;

export interface OptionSpec {
  flag: string;
  env: string;
  default: string;
  description: string;
  /** May be given more than once; the environment variable then holds a comma-separated list. */
  multiple?: true;
}

/**
 * A runaway job (a fork bomb, a pool that never reaps its workers) otherwise takes process ids
 * until the host has none left (pid_max: 32,768 where the kernel's default stands, as on the
 * development machine), and then nothing on the machine can fork: not dockerd, not Barge, not a
 * shell to stop the job. Threads count as well, so the limit leaves room for real work: a JVM on
 * a large host runs a few hundred threads, a parallel build a few hundred processes. 1,024 is
 * several times that, below the 1,501 processes of the runaway job in issue 11, and 32 runaway
 * jobs at once are needed to use up a default pid_max. A definition that needs more (or wants
 * fewer) sets an nproc ulimit, which becomes its container's limit (container-config.ts).
 */
const DEFAULT_JOB_PIDS_LIMIT = 1024;
/** The kernel's largest pid_max (PID_MAX_LIMIT on 64-bit): a larger limit could never bind. */
const MAX_JOB_PIDS_LIMIT = 4_194_304;

export const OPTIONS: Record<Exclude<keyof Config, 'accessKeys' | 'databaseUrl'>, OptionSpec> = {
  host: { flag: 'host', env: 'BARGE_HOST', default: '127.0.0.1', description: 'Address to listen on' },
  port: { flag: 'port', env: 'BARGE_PORT', default: '8700', description: 'TCP port to listen on (0 picks a free one)' },
  dataDir: {
    flag: 'data-dir',
    env: 'BARGE_DATA_DIR',
    default: join(homedir(), '.barge'),
    description: 'Directory of the embedded SQLite store (barge.db)',
  },
  region: { flag: 'region', env: 'BARGE_REGION', default: 'us-east-1', description: 'Region used in ARNs' },
  accountId: { flag: 'account-id', env: 'BARGE_ACCOUNT_ID', default: '123456789012', description: '12-digit account id used in ARNs' },
  logLevel: {
    flag: 'log-level',
    env: 'BARGE_LOG_LEVEL',
    default: 'info',
    description: 'fatal, error, warn, info, debug, trace or silent',
  },
  dockerSocket: { flag: 'docker-socket', env: 'BARGE_DOCKER_SOCKET', default: '/var/run/docker.sock', description: 'Docker Engine API socket' },
  pullPolicy: {
    flag: 'pull-policy',
    env: 'BARGE_PULL_POLICY',
    default: 'if-not-present',
    description: 'When to pull job images: always, if-not-present or never',
  },
  jobNetwork: { flag: 'job-network', env: 'BARGE_JOB_NETWORK', default: 'host', description: 'Network of job containers: host or none' },
  jobPidsLimit: {
    flag: 'job-pids-limit',
    env: 'BARGE_JOB_PIDS_LIMIT',
    default: String(DEFAULT_JOB_PIDS_LIMIT),
    description: "Processes and threads a job's container may hold at once, unless its definition sets an nproc ulimit (0: no limit)",
  },
  stopGraceSeconds: {
    flag: 'stop-grace-seconds',
    env: 'BARGE_STOP_GRACE_SECONDS',
    default: '30',
    description: 'Seconds between SIGTERM and SIGKILL when a job is terminated or times out',
  },
  sqliteSynchronous: {
    flag: 'sqlite-synchronous',
    env: 'BARGE_SQLITE_SYNCHRONOUS',
    default: 'normal',
    description: 'normal: commits survive a crash of Barge; full: they also survive power loss (slower)',
  },
  allowedHosts: {
    flag: 'allowed-host',
    env: 'BARGE_ALLOWED_HOSTS',
    default: '',
    description: 'A host name clients may use to reach Barge (repeatable), besides loopback names and IP addresses',
    multiple: true,
  },
  credentialsFile: {
    flag: 'credentials-file',
    env: 'BARGE_CREDENTIALS_FILE',
    default: '',
    description: 'JSON file of access keys whose SigV4 signatures Barge verifies ([{"accessKeyId","secretAccessKey","name"}])',
  },
  maxClockSkewSeconds: {
    flag: 'max-clock-skew-seconds',
    env: 'BARGE_MAX_CLOCK_SKEW_SECONDS',
    default: '300',
    description: 'How far a signed request time may be from the server clock (with access keys)',
  },
  maxConnections: {
    flag: 'max-connections',
    env: 'BARGE_MAX_CONNECTIONS',
    default: '0',
    description: 'Open client connections at most (0: from the file-descriptor limit)',
  },
  leaderLeaseSeconds: {
    flag: 'leader-lease-seconds',
    env: 'BARGE_LEADER_LEASE_SECONDS',
    default: '10',
    description: 'With PostgreSQL: seconds the leader\'s lease lasts unrenewed (renewed every fifth of it); a crashed leader is replaced within about this',
  },
};

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export class ConfigError extends Error {}

export function usage(): string {
  const lines = ['Usage: barge [options]', '', 'Options (flag, environment variable, default):'];
  for (const spec of Object.values(OPTIONS)) {
    lines.push(`  --${spec.flag.padEnd(22)} ${spec.env.padEnd(28)} ${spec.description} (default: ${spec.default || 'none'})`);
  }
  lines.push(`  --help${' '.repeat(19)}${' '.repeat(29)}Print this help and exit`);
  lines.push('', 'Environment only:');
  lines.push(`  ${ENVIRONMENT_ONLY.databaseUrl}: PostgreSQL connection string; several Barge processes may share it (default: embedded SQLite in the data directory)`);
  lines.push(`  ${ENVIRONMENT_ONLY.accessKeyId} and ${ENVIRONMENT_ONLY.secretAccessKey}: one more access key to verify (name: ${ENVIRONMENT_ONLY.accessKeyName}, default the key id)`);
  return lines.join('\n');
}

/** Returns the configuration, or 'help' when --help was asked for. Throws ConfigError on bad input. */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): Config | 'help' {
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        help: { type: 'boolean' },
        ...Object.fromEntries(Object.values(OPTIONS).map((o) => [o.flag, { type: 'string' as const, multiple: o.multiple ?? false }])),
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  if (values['help']) return 'help';
  const pick = (key: keyof typeof OPTIONS): string => {
    const spec = OPTIONS[key];
    const fromFlag = values[spec.flag];
    return typeof fromFlag === 'string' ? fromFlag : (env[spec.env] ?? spec.default);
  };
  const pickList = (key: keyof typeof OPTIONS): string[] => {
    const spec = OPTIONS[key];
    const fromFlag = values[spec.flag];
    const list = Array.isArray(fromFlag) ? fromFlag : (env[spec.env] ?? spec.default).split(',');
    return list.map((v) => v.trim()).filter((v) => v !== '');
  };
  const port = Number(pick('port'));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`port must be 0..65535, got ${pick('port')}`);
  const accountId = pick('accountId');
  if (!/^\d{12}$/.test(accountId)) throw new ConfigError(`account id must be 12 digits, got ${accountId}`);
  const region = pick('region');
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new ConfigError(`region must look like us-east-1, got ${region}`);
  const logLevel = pick('logLevel');
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`log level must be one of ${LOG_LEVELS.join(', ')}, got ${logLevel}`);
  }
  const pullPolicy = pick('pullPolicy');
  if (pullPolicy !== 'always' && pullPolicy !== 'if-not-present' && pullPolicy !== 'never') {
    throw new ConfigError(`pull policy must be always, if-not-present or never, got ${pullPolicy}`);
  }
  const jobNetwork = pick('jobNetwork');
  if (jobNetwork !== 'host' && jobNetwork !== 'none') throw new ConfigError(`job network must be host or none, got ${jobNetwork}`);
  const jobPidsLimit = Number(pick('jobPidsLimit'));
  if (!/^\d+$/.test(pick('jobPidsLimit')) || jobPidsLimit > MAX_JOB_PIDS_LIMIT) {
    throw new ConfigError(`job pids limit must be a whole number from 0 (no limit) to ${MAX_JOB_PIDS_LIMIT}, got ${pick('jobPidsLimit')}`);
  }
  const stopGraceSeconds = Number(pick('stopGraceSeconds'));
  if (!Number.isInteger(stopGraceSeconds) || stopGraceSeconds < 0 || stopGraceSeconds > 3600) {
    throw new ConfigError(`stop grace seconds must be a whole number from 0 to 3600, got ${pick('stopGraceSeconds')}`);
  }
  const sqliteSynchronous = pick('sqliteSynchronous');
  if (sqliteSynchronous !== 'normal' && sqliteSynchronous !== 'full') {
    throw new ConfigError(`sqlite synchronous must be normal or full, got ${sqliteSynchronous}`);
  }
  const allowedHosts = pickList('allowedHosts').map((h) => h.toLowerCase());
  for (const host of allowedHosts) {
    if (!/^[a-z0-9.-]+$/.test(host)) throw new ConfigError(`allowed host must be a host name (letters, digits, dots, hyphens), got ${host}`);
  }
  const maxClockSkewSeconds = Number(pick('maxClockSkewSeconds'));
  if (!Number.isInteger(maxClockSkewSeconds) || maxClockSkewSeconds < 1 || maxClockSkewSeconds > 86_400) {
    throw new ConfigError(`max clock skew seconds must be a whole number from 1 to 86400, got ${pick('maxClockSkewSeconds')}`);
  }
  const maxConnections = Number(pick('maxConnections'));
  if (!Number.isInteger(maxConnections) || maxConnections < 0 || maxConnections > 1_000_000) {
    throw new ConfigError(`max connections must be a whole number from 0 to 1000000, got ${pick('maxConnections')}`);
  }
  const leaderLeaseSeconds = Number(pick('leaderLeaseSeconds'));
  if (!Number.isInteger(leaderLeaseSeconds) || leaderLeaseSeconds < 2 || leaderLeaseSeconds > 600) {
    throw new ConfigError(`leader lease seconds must be a whole number from 2 to 600, got ${pick('leaderLeaseSeconds')}`);
  }
  const databaseUrl = env[ENVIRONMENT_ONLY.databaseUrl] ?? '';
  if (databaseUrl !== '' && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(`${ENVIRONMENT_ONLY.databaseUrl} must be a postgres:// or postgresql:// connection string`);
  }
  const credentialsFile = pick('credentialsFile');
  const accessKeys = [...(credentialsFile === '' ? [] : readCredentialsFile(credentialsFile)), ...accessKeyFromEnvironment(env)];
  const seen = new Set<string>();
  for (const key of accessKeys) {
    if (seen.has(key.accessKeyId)) throw new ConfigError(`access key ${key.accessKeyId} is configured twice`);
    seen.add(key.accessKeyId);
  }
  return Object.freeze({
    allowedHosts,
    credentialsFile,
    maxClockSkewSeconds,
    maxConnections,
    accessKeys,
    databaseUrl,
    leaderLeaseSeconds,
    sqliteSynchronous,
    dockerSocket: pick('dockerSocket'),
    pullPolicy,
    jobNetwork,
    jobPidsLimit,
    stopGraceSeconds,
    host: pick('host'),
    port,
    dataDir: pick('dataDir'),
    region,
    accountId,
    logLevel: logLevel as Config['logLevel'],
  });
}

const ACCESS_KEY_ID = /^[A-Za-z0-9_+=,.@-]{3,128}$/;

/**
 * The credentials file: a JSON array of `{"accessKeyId", "secretAccessKey", "name"}`. It holds
 * secrets, so a file that other users may read is refused, as ssh does with private keys.
 */
function readCredentialsFile(path: string): AccessKey[] {
  let text: string;
  try {
    const mode = statSync(path).mode;
    if ((mode & 0o077) !== 0) {
      throw new ConfigError(`credentials file ${path} is readable by other users (mode ${(mode & 0o777).toString(8)}); chmod 600 it`);
    }
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`cannot read credentials file ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`credentials file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new ConfigError(`credentials file ${path} must hold a non-empty JSON array of {"accessKeyId", "secretAccessKey", "name"}`);
  }
  return parsed.map((entry: unknown, index) => {
    const where = `credentials file ${path}, entry ${index}`;
    if (typeof entry !== 'object' || entry === null) throw new ConfigError(`${where} must be an object`);
    const { accessKeyId, secretAccessKey, name } = entry as Record<string, unknown>;
    if (typeof accessKeyId !== 'string' || !ACCESS_KEY_ID.test(accessKeyId)) {
      throw new ConfigError(`${where}: accessKeyId must be 3-128 letters, digits or _+=,.@-`);
    }
    if (typeof secretAccessKey !== 'string' || secretAccessKey.length === 0) throw new ConfigError(`${where}: secretAccessKey is required`);
    if (name !== undefined && (typeof name !== 'string' || name.length === 0 || name.length > 128)) {
      throw new ConfigError(`${where}: name must be a string of 1-128 characters`);
    }
    return { accessKeyId, secretAccessKey, name: typeof name === 'string' ? name : accessKeyId };
  });
}

function accessKeyFromEnvironment(env: NodeJS.ProcessEnv): AccessKey[] {
  const accessKeyId = env[ENVIRONMENT_ONLY.accessKeyId];
  const secretAccessKey = env[ENVIRONMENT_ONLY.secretAccessKey];
  if (accessKeyId === undefined && secretAccessKey === undefined) return [];
  if (!accessKeyId || !secretAccessKey) {
    throw new ConfigError(`${ENVIRONMENT_ONLY.accessKeyId} and ${ENVIRONMENT_ONLY.secretAccessKey} must be set together`);
  }
  if (!ACCESS_KEY_ID.test(accessKeyId)) throw new ConfigError(`${ENVIRONMENT_ONLY.accessKeyId} must be 3-128 letters, digits or _+=,.@-`);
  return [{ accessKeyId, secretAccessKey, name: env[ENVIRONMENT_ONLY.accessKeyName] || accessKeyId }];
}
