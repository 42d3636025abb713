import { tmpdir } from 'node:os';

/** Untimed SubmitJob calls before the timed runs: JIT warm-up and connection set-up. */
export const WARMUP_JOBS = 200;

/** Benchmark sizes; every one can be overridden with the environment variable named beside it. */
export interface BenchConfig {
  /** BENCH_JOBS: jobs stored in Barge for the DescribeJobs and memory measurements. */
  jobs: number;
  /** BENCH_SUBMIT_JOBS: jobs per SubmitJob throughput run (sequential, then concurrent), per server. */
  submitJobs: number;
  /** BENCH_CLIENTS: concurrent clients of the concurrent SubmitJob run. */
  clients: number;
  /** BENCH_FILL_CLIENTS: concurrent clients used to store jobs in Barge. */
  fillClients: number;
  /** BENCH_DESCRIBE_SAMPLES: timed DescribeJobs calls against Barge. */
  describeSamples: number;
  /** BENCH_MOTO=0 skips moto entirely (quicker runs while profiling Barge). */
  moto: boolean;
  /** BENCH_MOTO_SERVER: the moto_server executable. */
  motoServer: string;
  /** BENCH_MOTO_JOBS: jobs moto should hold for DescribeJobs; BENCH_MOTO_FILL_SECONDS caps the filling. */
  motoJobs: number;
  motoFillSeconds: number;
  /** BENCH_MOTO_DESCRIBE_SAMPLES: timed DescribeJobs calls against moto. */
  motoDescribeSamples: number;
  /** BENCH_BARGE_NODE_ARGS: extra node flags for the Barge process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof". */
  bargeNodeArgs: string[];
  /** BENCH_DATA_DIR: parent of Barge's temporary data directory (its filesystem decides fsync cost). */
  dataDirParent: string;
  /** BENCH_TIMEOUT_SECONDS: the whole run is abandoned (servers stopped, exit 1) after this. */
  timeoutSeconds: number;
}

export function loadBenchConfig(env: NodeJS.ProcessEnv): BenchConfig {
  const int = (name: string, fallback: number, min = 1): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}, got ${raw}`);
    return value;
  };
  const submitJobs = int('BENCH_SUBMIT_JOBS', 2000);
  const config: BenchConfig = {
    jobs: int('BENCH_JOBS', 100_000, 100),
    submitJobs,
    clients: int('BENCH_CLIENTS', 16),
    fillClients: int('BENCH_FILL_CLIENTS', 32),
    describeSamples: int('BENCH_DESCRIBE_SAMPLES', 1000),
    moto: env['BENCH_MOTO'] !== '0',
    motoServer: env['BENCH_MOTO_SERVER'] || 'moto_server',
    motoJobs: int('BENCH_MOTO_JOBS', 100_000, 100),
    motoFillSeconds: int('BENCH_MOTO_FILL_SECONDS', 300),
    motoDescribeSamples: int('BENCH_MOTO_DESCRIBE_SAMPLES', 200),
    bargeNodeArgs: (env['BENCH_BARGE_NODE_ARGS'] ?? '').split(/\s+/).filter((a) => a !== ''),
    dataDirParent: env['BENCH_DATA_DIR'] || tmpdir(),
    timeoutSeconds: int('BENCH_TIMEOUT_SECONDS', 2700),
  };
  if (config.jobs < 2 * submitJobs + WARMUP_JOBS) {
    throw new Error(`BENCH_JOBS (${config.jobs}) must be at least 2 × BENCH_SUBMIT_JOBS + ${WARMUP_JOBS}`);
  }
  return config;
}
