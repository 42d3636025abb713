import { tmpdir } from 'node:os';

/** Benchmark sizes; every one can be overridden with the environment variable named beside it. */
export interface BenchConfig {
  /** BENCH_JOBS: jobs stored in Barge for the DescribeJobs and memory measurements. */
  jobs: number;
  /** BENCH_SUBMIT_JOBS: jobs per SubmitJob throughput run (sequential, then concurrent), per server. */
  submitJobs: number;
  /**
   * BENCH_WARMUP_SECONDS: untimed SubmitJob before the timed runs, this long with 1 client and
   * again with all clients, per server and client kind. A fresh Node.js process runs its first
   * few thousand requests at about half its steady rate while V8 compiles the hot paths (measured:
   * Barge's first 2,000 sequential SubmitJobs ran at 650-950/s, later ones at 1,300-2,000/s);
   * the targets are about a server that has been up for more than a few seconds.
   */
  warmupSeconds: number;
  /**
   * BENCH_SEQUENTIAL_ROUNDS: the 1-wire-client SubmitJob runs of Barge and moto alternate in this
   * many rounds (Barge, moto, Barge, …; `submitJobs` in all per server), so that the drift of a
   * shared machine's speed over minutes affects both servers alike.
   */
  sequentialRounds: number;
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
  const submitJobs = int('BENCH_SUBMIT_JOBS', 5000);
  const config: BenchConfig = {
    jobs: int('BENCH_JOBS', 100_000, 100),
    submitJobs,
    warmupSeconds: int('BENCH_WARMUP_SECONDS', 5, 0),
    sequentialRounds: int('BENCH_SEQUENTIAL_ROUNDS', 5),
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
  if (config.jobs < 2 * submitJobs) {
    throw new Error(`BENCH_JOBS (${config.jobs}) must be at least 2 × BENCH_SUBMIT_JOBS`);
  }
  return config;
}
