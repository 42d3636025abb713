import { cpus } from 'node:os';
import type { BenchConfig } from './config.js';
import type { RunResult } from './measure.js';
import type { CpuPerOp, DescribeResult } from './phases.js';
import { bullet, fmt, table, times, verdict } from './report.js';

export type Run = RunResult & { cpu: CpuPerOp };

export interface MemorySample {
  jobs: number;
  rssMiB: number;
  when: 'stored' | 'after DescribeJobs';
}

/** What one server measured. */
export interface Figures {
  /** The first, untimed warm-up run of a fresh server: 1 wire client (see BenchConfig.warmupSeconds). */
  cold?: Run;
  /** SubmitJob runs with the wire client (bench/wire-client.ts); the targets are judged on these. */
  sequential: Run;
  concurrent: Run;
  /** The same runs with @aws-sdk/client-batch clients. */
  sdk: { sequential: Run; concurrent: Run };
  /** Barge only: the wire runs again with --sqlite-synchronous full. */
  fullSync?: { sequential: Run; concurrent: Run };
  /** Barge only: concurrent wire runs of two fresh servers in alternating rounds, local mode and with access keys. */
  verification?: { unverified: Run; verified: Run };
  /** The bulk submission that brought the server up to `describedWith` jobs. */
  fill?: Run;
  describe: DescribeResult;
  describedWith: number;
  memory: MemorySample[];
  peakMiB: number;
}

export interface RunContext {
  machine: string[];
  /** Shares (0..1) of the machine's CPU taken during the run by other processes and by hypervisor steal. */
  sharing: { others: number; steal: number };
}

const MB_IN_MIB = 2 ** 20 / 1e6;
const RSS_LIMIT_MB = 200;
/**
 * "Not growing" threshold from 25% to 100% of the jobs. Holding jobs in memory would cost at least
 * ~1 KiB each (≈73 MiB for 75,000 jobs), far above V8 heap noise, which stays within ~20 MiB.
 */
const RSS_GROWTH_LIMIT_MIB = 20;

export function printSummary(config: BenchConfig, context: RunContext, barge: Figures, moto: Figures | undefined): void {
  const cores = cpus().length;
  // The RSS target takes the worse of the samples with all jobs stored (after the fill and after
  // DescribeJobs); growth compares like with like: samples taken right after filling.
  const full = Math.max(...barge.memory.filter((s) => s.jobs === barge.describedWith).map((s) => s.rssMiB));
  const filled = barge.memory.filter((s) => s.when === 'stored' && s.jobs > 0);
  const quarter = filled[0];
  const last = filled.at(-1);
  const growth = quarter && last && quarter !== last ? last.rssMiB - quarter.rssMiB : undefined;
  const motoFull = moto?.memory.at(-1);
  const faster = (b: number, m: number | undefined) => (m === undefined ? undefined : b / m);
  /** A throughput row: both rates in jobs/s and Barge's advantage. */
  const rate = (label: string, b: number | undefined, m: number | undefined, withMoto = true) => [
    label,
    fmt(b),
    withMoto ? fmt(m) : '',
    times(b === undefined ? undefined : faster(b, m)),
  ];
  const quicker = (b: number, m: number | undefined) => (m === undefined ? undefined : m / b);
  const n = config.clients;

  const measurements: string[][] = [
    rate('SubmitJob, 1 wire client (jobs/s)', barge.sequential.perSecond, moto?.sequential.perSecond),
    ['  server / client CPU per job (ms)', cpuPair(barge.sequential.cpu), cpuPair(moto?.sequential.cpu), ''],
    rate(`  first ${config.warmupSeconds} s after start, untimed warm-up (jobs/s)`, barge.cold?.perSecond, moto?.cold?.perSecond),
    rate(`SubmitJob, ${n} wire clients (jobs/s)`, barge.concurrent.perSecond, moto?.concurrent.perSecond),
    ['  server / client CPU per job (ms)', cpuPair(barge.concurrent.cpu), cpuPair(moto?.concurrent.cpu), ''],
    rate('SubmitJob, 1 SDK client (jobs/s)', barge.sdk.sequential.perSecond, moto?.sdk.sequential.perSecond),
    ['  server / client CPU per job (ms)', cpuPair(barge.sdk.sequential.cpu), cpuPair(moto?.sdk.sequential.cpu), ''],
    rate(`SubmitJob, ${n} SDK clients (jobs/s)`, barge.sdk.concurrent.perSecond, moto?.sdk.concurrent.perSecond),
    ['  server / client CPU per job (ms)', cpuPair(barge.sdk.concurrent.cpu), cpuPair(moto?.sdk.concurrent.cpu), ''],
    ...(barge.fullSync
      ? [
          rate('SubmitJob, synchronous=full, 1 wire client (jobs/s)', barge.fullSync.sequential.perSecond, moto?.sequential.perSecond, false),
          rate(`SubmitJob, synchronous=full, ${n} wire clients (jobs/s)`, barge.fullSync.concurrent.perSecond, moto?.concurrent.perSecond, false),
        ]
      : []),
    ...(barge.verification
      ? [
          [`SubmitJob, ${n} wire clients, local mode, paired (jobs/s)`, fmt(barge.verification.unverified.perSecond), '', ''],
          ['  server / client CPU per job (ms)', cpuPair(barge.verification.unverified.cpu), '', ''],
          [`SubmitJob, ${n} wire clients, signatures verified (jobs/s)`, fmt(barge.verification.verified.perSecond), '', ''],
          ['  server / client CPU per job (ms)', cpuPair(barge.verification.verified.cpu), '', ''],
        ]
      : []),
    [`Bulk SubmitJob to fill (jobs/s; ${config.fillClients} / ${n} clients)`, fmt(barge.fill?.perSecond), fmt(moto?.fill?.perSecond), ''],
    ['Jobs stored during DescribeJobs', fmt(barge.describedWith), fmt(moto?.describedWith), ''],
    ['DescribeJobs, 100 ids: p50 (ms)', fmt(barge.describe.p50, 2), fmt(moto?.describe.p50, 2), times(quicker(barge.describe.p50, moto?.describe.p50))],
    ['DescribeJobs, 100 ids: p99 (ms)', fmt(barge.describe.p99, 2), fmt(moto?.describe.p99, 2), times(quicker(barge.describe.p99, moto?.describe.p99))],
    ['DescribeJobs, 100 ids: max (ms)', fmt(barge.describe.max, 2), fmt(moto?.describe.max, 2), ''],
    ['  server / client CPU per call (ms)', cpuPair(barge.describe.cpu), cpuPair(moto?.describe.cpu), ''],
    ['  timed calls', fmt(barge.describe.samples), fmt(moto?.describe.samples), ''],
    ...barge.memory.map((s, i) => [
      `RSS at ${fmt(s.jobs)} jobs${s.when === 'stored' ? '' : `, ${s.when}`} (MiB)`,
      fmt(s.rssMiB, 1),
      i === 0 ? fmt(moto?.memory[0]?.rssMiB, 1) : '',
      '',
    ]),
    [`RSS, all jobs stored (MiB; moto with ${fmt(motoFull?.jobs)})`, fmt(full, 1), fmt(motoFull?.rssMiB, 1), ''],
    ['Peak RSS over the run, VmHWM (MiB)', fmt(barge.peakMiB, 1), fmt(moto?.peakMiB, 1), ''],
  ];

  const targets: string[][] = [
    [`SubmitJob, ${n} clients ≥ 2,000 jobs/s`, `${fmt(barge.concurrent.perSecond)} jobs/s`, verdict(barge.concurrent.perSecond >= 2000)],
    ...(barge.fullSync
      ? [[`  the same with synchronous=full`, `${fmt(barge.fullSync.concurrent.perSecond)} jobs/s`, verdict(barge.fullSync.concurrent.perSecond >= 2000)]]
      : []),
    ...(barge.verification
      ? [
          [
            `SubmitJob with signatures verified ≥ 90% of local mode, ${n} clients`,
            `${fmt((barge.verification.verified.perSecond / barge.verification.unverified.perSecond) * 100, 1)}%`,
            verdict(barge.verification.verified.perSecond >= 0.9 * barge.verification.unverified.perSecond),
          ],
        ]
      : []),
    ...([['1 client', barge.sequential, moto?.sequential], [`${n} clients`, barge.concurrent, moto?.concurrent]] as const).map(([label, b, m]) => {
      const r = faster(b.perSecond, m?.perSecond);
      return [`SubmitJob ≥ 10× moto, ${label}`, times(r), verdict(r === undefined ? undefined : r >= 10)];
    }),
    [`DescribeJobs p99 < 20 ms (100 ids, ${fmt(barge.describedWith)} jobs)`, `${fmt(barge.describe.p99, 2)} ms`, verdict(barge.describe.p99 < 20)],
    [`RSS < ${RSS_LIMIT_MB} MB with ${fmt(barge.describedWith)} jobs`, `${fmt(full * MB_IN_MIB, 1)} MB`, verdict(full * MB_IN_MIB < RSS_LIMIT_MB)],
    [
      `RSS growth ${quarter ? fmt(quarter.jobs) : '?'} → ${last ? fmt(last.jobs) : '?'} jobs stored < ${RSS_GROWTH_LIMIT_MIB} MiB`,
      growth === undefined ? '-' : `${growth >= 0 ? '+' : ''}${fmt(growth, 1)} MiB`,
      verdict(growth === undefined ? undefined : growth < RSS_GROWTH_LIMIT_MIB),
    ],
  ];

  const conc = barge.concurrent.cpu;
  const seq = barge.sequential.cpu;
  const notes = [
    'Throughput advantage = Barge/moto; latency advantage = moto/Barge. Latencies are client-side (SDK signing, HTTP, parsing included).',
    'Wire clients sign every request with SigV4 and send what the SDK sends, without its middleware (bench/wire-client.ts); the targets are judged on them ' +
      'because on a small machine SDK clients spend as much CPU per SubmitJob as the server. The synchronous=full rows are a second Barge whose ' +
      'acknowledged jobs also survive power loss (default normal: they survive a crash or kill -9 of Barge); their advantage is over moto\'s wire runs.',
    `The 1-wire-client runs alternate between the servers in ${config.sequentialRounds} rounds (BENCH_SEQUENTIAL_ROUNDS); each figure is the server's total over its rounds.`,
    'CPU per operation: server from /proc/<pid>/stat, client = this process; both share the same cores. ' +
      `With ${n} clients this setup cannot exceed ≈${fmt((cores * 1000) / (conc.serverMs + conc.clientMs))} Barge jobs/s on ${cores} cores ` +
      `(${fmt(conc.serverMs, 2)} + ${fmt(conc.clientMs, 2)} ms per job); Barge alone would saturate one core at ≈${fmt(1000 / conc.serverMs)} jobs/s, ` +
      `and the clients alone cap the run at ≈${fmt((cores * 1000) / conc.clientMs)} jobs/s. With 1 client a request costs ` +
      `${fmt(seq.serverMs, 2)} ms in Barge and ${fmt(seq.clientMs, 2)} ms in the client, one after the other.`,
    ...(moto
      ? [
          'Ceiling of the "10× moto" targets with these clients, i.e. if Barge cost nothing (client-bound rate over moto\'s measured rate): ' +
            `1 client ${times(1000 / seq.clientMs / moto.sequential.perSecond)}, ${n} clients ${times((cores * 1000) / conc.clientMs / moto.concurrent.perSecond)}.`,
        ]
      : []),
    `Other processes used ${fmt(context.sharing.others * 100)}% of the machine's CPU during the run, hypervisor steal ${fmt(context.sharing.steal * 100)}%.` +
      (context.sharing.others + context.sharing.steal > 0.05 ? ' WARNING: the machine was shared; throughput and latency are understated.' : ''),
    'Jobs never reach a container: Barge\'s queue is ENABLED but its compute environment DISABLED. moto ignores CE and queue state and ' +
      'starts a thread per job, so its jobs use an EKS-style definition that makes the thread fail before any Docker call (bench/setup.ts). ' +
      `Statuses DescribeJobs returned: Barge ${statusMix(barge.describe.statuses)}${moto ? `; moto ${statusMix(moto.describe.statuses)}` : ''}.`,
  ];
  if (moto) {
    const capped = moto.describedWith < config.motoJobs;
    notes.push(
      `moto held ${fmt(moto.describedWith)} jobs during DescribeJobs, Barge ${fmt(barge.describedWith)}` +
        (capped ? ` (BENCH_MOTO_JOBS=${config.motoJobs} was not reached within BENCH_MOTO_FILL_SECONDS=${config.motoFillSeconds}).` : '.') +
        (moto.describedWith < barge.describedWith
          ? ' moto scans every job it holds on each DescribeJobs, so with as many jobs as Barge its latency would be higher.'
          : ''),
    );
  }

  const out = [
    '',
    'Barge vs moto_server: AWS Batch API over loopback',
    ...context.machine,
    '',
    table(['Measurement', 'Barge', 'moto', 'Barge advantage'], measurements, new Set([1, 2, 3])),
    '',
    table(['Target (from the issue)', 'Measured', 'Result'], targets, new Set([1])),
    '',
    'Notes:',
    ...notes.map((note) => bullet(note, 130)),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

function statusMix(statuses: Map<string, number>): string {
  const total = [...statuses.values()].reduce((a, b) => a + b, 0);
  return [...statuses].map(([status, count]) => `${status} ${fmt((100 * count) / total)}%`).join(', ') || 'none';
}

function cpuPair(cpu: CpuPerOp | undefined): string {
  return cpu ? `${fmt(cpu.serverMs, 2)} / ${fmt(cpu.clientMs, 2)}` : '-';
}
