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
}

export interface OptionSpec {
  flag: string;
  env: string;
  default: string;
  description: string;
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

export const OPTIONS: Record<keyof Config, OptionSpec> = {
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
};

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export class ConfigError extends Error {}

export function usage(): string {
  const lines = ['Usage: barge [options]', '', 'Options (flag, environment variable, default):'];
  for (const spec of Object.values(OPTIONS)) {
    lines.push(`  --${spec.flag.padEnd(12)} ${spec.env.padEnd(18)} ${spec.description} (default: ${spec.default})`);
  }
  lines.push(`  --help${' '.repeat(9)}${' '.repeat(19)}Print this help and exit`);
  return lines.join('\n');
}

/** Returns the configuration, or 'help' when --help was asked for. Throws ConfigError on bad input. */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): Config | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        help: { type: 'boolean' },
        ...Object.fromEntries(Object.values(OPTIONS).map((o) => [o.flag, { type: 'string' as const }])),
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  if (values['help']) return 'help';
  const pick = (key: keyof Config): string => {
    const spec = OPTIONS[key];
    const fromFlag = values[spec.flag];
    return typeof fromFlag === 'string' ? fromFlag : (env[spec.env] ?? spec.default);
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
  return Object.freeze({
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
