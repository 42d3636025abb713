/**
 * The job-running part of `npm run bench`, on fresh servers so neither carries the jobs the
 * SubmitJob part stored. Sizes: BENCH_LATENCY_RUNS (20), BENCH_ARRAY_SIZE (1000),
 * BENCH_MOTO_ARRAY_SIZE (100), BENCH_ARRAY_TIMEOUT_SECONDS (900); BENCH_MOTO=0 skips moto,
 * BENCH_JOB_RUNS=0 skips this part.
 */
import { createMotoRole } from './moto.js';
import { measureSchedulerDecisions } from './scheduler-decisions.js';
import { type ArrayRun, arraySubmitLatency, arrayWallTime, bareDockerLatency, type Percentiles, startLatency } from './job-runs.js';
import { type ServerHandle, startBarge, startMoto } from './servers.js';

const BARGE_ROLE = 'arn:aws:iam::123456789012:role/bench-batch-service';
/** The largest array AWS allows; the issue asks that it be accepted in well under a second. */
const BIG_ARRAY_SIZE = 10_000;
const BIG_ARRAY_RUNS = 5;

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return value;
}

export async function runJobBenchmarks(env: NodeJS.ProcessEnv, progress: (m: string) => void): Promise<void> {
  if (env['BENCH_JOB_RUNS'] === '0') return;
  const runs = int(env, 'BENCH_LATENCY_RUNS', 20);
  const arraySize = int(env, 'BENCH_ARRAY_SIZE', 1000);
  // moto starts a thread and a container per child at once, ignoring capacity; 1,000 of them
  // did not finish within 15 minutes on the 2-core machine, so it gets a smaller array by default.
  const motoArraySize = int(env, 'BENCH_MOTO_ARRAY_SIZE', Math.min(arraySize, 100));
  const timeoutMs = int(env, 'BENCH_ARRAY_TIMEOUT_SECONDS', 900) * 1000;
  const withMoto = env['BENCH_MOTO'] !== '0';

  progress(`bare docker run -d × ${runs}`);
  const bare = bareDockerLatency(runs);
  const barge = await startBarge([]);
  let bargeLatency: Percentiles;
  let bargeArray: ArrayRun;
  let bigArraySubmit: Percentiles;
  try {
    progress(`Barge: submit → RUNNING × ${runs}`);
    bargeLatency = await startLatency(barge, BARGE_ROLE, runs);
    progress(`Barge: ${arraySize}-child array on 2 vCPUs`);
    bargeArray = await arrayWallTime(barge, BARGE_ROLE, arraySize, timeoutMs, true);
    progress(`Barge: SubmitJob of a ${BIG_ARRAY_SIZE}-child array × ${BIG_ARRAY_RUNS}`);
    bigArraySubmit = await arraySubmitLatency(barge, BARGE_ROLE, BIG_ARRAY_SIZE, BIG_ARRAY_RUNS);
  } finally {
    await barge.stop();
  }
  let motoLatency: Percentiles | undefined;
  let motoArray: ArrayRun | undefined;
  if (withMoto) {
    const moto: ServerHandle = await startMoto(env['BENCH_MOTO_SERVER'] || 'moto_server');
    try {
      const role = await createMotoRole(moto.url, 'bench-jobs');
      progress(`moto: submit → RUNNING × ${runs}`);
      motoLatency = await startLatency(moto, role, runs);
      progress(`moto: ${motoArraySize}-child array`);
      motoArray = await arrayWallTime(moto, role, motoArraySize, timeoutMs, false);
    } finally {
      await moto.stop();
    }
  }
  progress('scheduler decisions with 100,000 RUNNABLE jobs');
  const decisions = await measureSchedulerDecisions(int(env, 'BENCH_RUNNABLE_JOBS', 100_000));

  const ms = (p: Percentiles | undefined, k: 'p50' | 'p99') => (p ? p[k].toFixed(0) : 'n/a');
  const lines = [
    '',
    'Running jobs (image localhost/busybox:latest; fresh servers)',
    `  submit → RUNNING, p50 / p99 over ${runs} (ms):  Barge ${ms(bargeLatency, 'p50')} / ${ms(bargeLatency, 'p99')}   moto ${ms(motoLatency, 'p50')} / ${ms(motoLatency, 'p99')}   bare docker run -d ${ms(bare, 'p50')} / ${ms(bare, 'p99')}`,
    `    Barge p50 / bare p50 = ${(bargeLatency.p50 / bare.p50).toFixed(2)}× (target ≤ 1.5×): ${bargeLatency.p50 <= 1.5 * bare.p50 ? 'PASS' : 'FAIL'}`,
    '    (moto marks a job RUNNING when its thread starts, before the container runs; its figure is not a container start)',
    `  ${arraySize}-child array of \`true\` on a 2-vCPU environment: Barge ${bargeArray.seconds.toFixed(1)} s (${bargeArray.status}), peak RSS ${bargeArray.peakRssMiB?.toFixed(1)} MiB`,
    motoArray
      ? `    moto, ${motoArraySize} children (it ignores capacity and starts every child at once): ${motoArray.seconds.toFixed(1)} s (${motoArray.status})`
      : '    moto: skipped',
    `  SubmitJob of a ${BIG_ARRAY_SIZE}-child array (every child stored before the response), p50 / p99 over ${BIG_ARRAY_RUNS}: ` +
      `Barge ${bigArraySubmit.p50.toFixed(0)} / ${bigArraySubmit.p99.toFixed(0)} ms (moto not measured: it starts a thread per child)`,
    `  scheduler decisions, ${decisions.jobs} RUNNABLE jobs placed apart from container starts: ${decisions.perSecond.toFixed(0)}/s in ${decisions.passes} passes (target > 5,000/s): ${decisions.perSecond > 5000 ? 'PASS' : 'FAIL'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
