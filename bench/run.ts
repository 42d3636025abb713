/**
 * Barge vs moto_server, side by side on loopback: SubmitJob throughput, DescribeJobs latency with
 * many stored jobs, and Barge's resident memory as jobs accumulate. `npm run bench`; sizes come
 * from BENCH_* environment variables (bench/config.ts).
 */
import { cpus } from 'node:os';
import type { RegisterJobDefinitionCommandInput } from '@aws-sdk/client-batch';
import { CREDENTIALS, makeClient } from './client.js';
import { runClusterBenchmarks } from './cluster.js';
import { runJobBenchmarks } from './job-report.js';
import { type BenchConfig, loadBenchConfig } from './config.js';
import { describeMachine, machineCpu } from './machine.js';
import { createMotoRole } from './moto.js';
import { type ClientKind, describeLatency, JobLedger, submitMany } from './phases.js';
import { BARGE_DEFINITION, createBenchQueue, MOTO_DEFINITION } from './setup.js';
import { type ServerHandle, startBarge, startMoto, stopEveryServer } from './servers.js';
import { type Figures, type MemorySample, printSummary, type Run } from './summary.js';

const t0 = Date.now();
function progress(message: string): void {
  process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${message}\n`);
}

async function setUp(server: ServerHandle, serviceRole: string, definition: RegisterJobDefinitionCommandInput): Promise<void> {
  const client = makeClient(server.url);
  try {
    await createBenchQueue(client, serviceRole, definition);
  } finally {
    client.destroy();
  }
}

/** Untimed SubmitJob with 1 client, then with all; returns the first (the cold-start figure). */
async function warmUp(config: BenchConfig, server: ServerHandle, ledger: JobLedger, via: ClientKind, label = server.name): Promise<Run | undefined> {
  if (config.warmupSeconds <= 0) return undefined;
  progress(`${label}: warm-up, ${config.warmupSeconds} s with 1 ${via} client, then ${config.warmupSeconds} s with ${config.clients}`);
  const run = (clients: number) => submitMany(server, ledger, Number.MAX_SAFE_INTEGER, clients, via, Date.now() + config.warmupSeconds * 1000);
  const cold = await run(1);
  await run(config.clients);
  return cold;
}

/** Warm-up (unless done), then timed sequential (unless measured already) and concurrent SubmitJob runs with one kind of client. */
async function submitRuns(
  config: BenchConfig,
  server: ServerHandle,
  ledger: JobLedger,
  via: ClientKind,
  label = server.name,
  measured?: { cold: Run | undefined; sequential: Run },
) {
  const cold = measured ? measured.cold : await warmUp(config, server, ledger, via, label);
  let sequential = measured?.sequential;
  if (!sequential) {
    progress(`${label}: SubmitJob × ${config.submitJobs}, 1 ${via} client`);
    sequential = await submitMany(server, ledger, config.submitJobs, 1, via);
  }
  progress(`${label}: ${sequential.perSecond.toFixed(0)} jobs/s; SubmitJob × ${config.submitJobs}, ${config.clients} ${via} clients`);
  const concurrent = await submitMany(server, ledger, config.submitJobs, config.clients, via);
  progress(`${label}: ${concurrent.perSecond.toFixed(0)} jobs/s`);
  return { ...(cold ? { cold } : {}), sequential, concurrent };
}

/**
 * The sequential wire runs of both servers, in alternating rounds (Barge, moto, Barge, …): the
 * speed of a shared VM drifts by tens of percent over minutes, and a single run of each, a minute
 * apart, compared the servers under different conditions. Each server's figure is its total.
 */
async function pairedSequential(config: BenchConfig, sides: { server: ServerHandle; ledger: JobLedger }[]): Promise<Run[]> {
  const totals: (Run | undefined)[] = sides.map(() => undefined);
  let left = config.submitJobs;
  for (let round = 0; round < config.sequentialRounds && left > 0; round++) {
    const jobs = Math.ceil(left / (config.sequentialRounds - round));
    left -= jobs;
    for (const [i, side] of sides.entries()) {
      progress(`${side.server.name}: SubmitJob × ${jobs}, 1 wire client (round ${round + 1} of ${config.sequentialRounds})`);
      const run = await submitMany(side.server, side.ledger, jobs, 1, 'wire');
      totals[i] = totals[i] ? combine(totals[i]!, run) : run;
    }
  }
  return totals.map((t) => t!);
}

/** The same runs for both servers: wire clients (the targets), then SDK clients (for reference). */
async function submitThroughput(config: BenchConfig, server: ServerHandle, ledger: JobLedger, measured: { cold: Run | undefined; sequential: Run }) {
  const wire = await submitRuns(config, server, ledger, 'wire', server.name, measured);
  const sdk = await submitRuns(config, server, ledger, 'sdk');
  return { ...wire, sdk };
}

/**
 * Barge again with `--sqlite-synchronous full`, where every acknowledged job also survives a
 * power loss (one fsync per commit group): wire-client throughput only, on a fresh store.
 */
async function benchBargeFullSync(config: BenchConfig): Promise<{ sequential: Run; concurrent: Run }> {
  const server = await startBarge(config.bargeNodeArgs, config.dataDirParent, ['--sqlite-synchronous', 'full']);
  try {
    await setUp(server, 'arn:aws:iam::123456789012:role/bench-batch-service', BARGE_DEFINITION);
    return await submitRuns(config, server, new JobLedger(), 'wire', 'Barge (synchronous=full)');
  } finally {
    await server.stop();
  }
}

/**
 * SubmitJob with SigV4 verification on (access keys configured) against Barge in local mode,
 * with wire clients: two fresh servers warmed up alike, then their concurrent runs alternate in
 * rounds (the VM's speed drifts), each figure the server's total over its rounds.
 */
async function benchVerification(config: BenchConfig): Promise<{ unverified: Run; verified: Run }> {
  const keys = { BARGE_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, BARGE_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey };
  const sides = [
    { label: 'Barge (local mode)', server: await startBarge(config.bargeNodeArgs, config.dataDirParent), ledger: new JobLedger() },
    { label: 'Barge (signatures verified)', server: await startBarge(config.bargeNodeArgs, config.dataDirParent, [], keys), ledger: new JobLedger() },
  ];
  try {
    for (const side of sides) {
      await setUp(side.server, 'arn:aws:iam::123456789012:role/bench-batch-service', BARGE_DEFINITION);
      await warmUp(config, side.server, side.ledger, 'wire', side.label);
    }
    const totals: (Run | undefined)[] = [undefined, undefined];
    let left = config.submitJobs;
    for (let round = 0; round < config.sequentialRounds && left > 0; round++) {
      const jobs = Math.ceil(left / (config.sequentialRounds - round));
      left -= jobs;
      for (const [i, side] of sides.entries()) {
        progress(`${side.label}: SubmitJob × ${jobs}, ${config.clients} wire clients (round ${round + 1} of ${config.sequentialRounds})`);
        const run = await submitMany(side.server, side.ledger, jobs, config.clients, 'wire');
        totals[i] = totals[i] ? combine(totals[i]!, run) : run;
      }
    }
    return { unverified: totals[0]!, verified: totals[1]! };
  } finally {
    for (const side of sides) await side.server.stop();
  }
}

async function benchBarge(config: BenchConfig, server: ServerHandle, ledger: JobLedger, measured: { cold: Run | undefined; sequential: Run }, memoryAtStart: MemorySample): Promise<Figures> {
  const memory: MemorySample[] = [memoryAtStart];
  const throughput = await submitThroughput(config, server, ledger, measured);
  memory.push({ jobs: ledger.count, rssMiB: server.memory().rssMiB, when: 'stored' });
  let fill: Run | undefined;
  for (const milestone of [config.jobs / 4, config.jobs / 2, config.jobs].map(Math.round)) {
    if (ledger.count >= milestone) continue;
    progress(`Barge: storing jobs up to ${milestone.toLocaleString('en-US')} (${config.fillClients} clients)`);
    const run = await submitMany(server, ledger, milestone - ledger.count, config.fillClients, 'wire');
    fill = fill ? combine(fill, run) : run;
    // A short pause lets in-flight work (WAL writes, GC) settle before the sample.
    await new Promise((res) => setTimeout(res, 1000));
    memory.push({ jobs: ledger.count, rssMiB: server.memory().rssMiB, when: 'stored' });
    progress(`Barge: ${ledger.count} jobs, RSS ${server.memory().rssMiB.toFixed(1)} MiB`);
  }
  progress(`Barge: DescribeJobs × ${config.describeSamples} (100 ids, ${ledger.count} jobs stored)`);
  const describe = await describeLatency(server, ledger, config.describeSamples);
  memory.push({ jobs: ledger.count, rssMiB: server.memory().rssMiB, when: 'after DescribeJobs' });
  return { ...throughput, ...(fill ? { fill } : {}), describe, describedWith: ledger.count, memory, peakMiB: server.memory().peakMiB };
}

async function benchMoto(config: BenchConfig, server: ServerHandle, ledger: JobLedger, measured: { cold: Run | undefined; sequential: Run }, memoryAtStart: MemorySample): Promise<Figures> {
  const memory: MemorySample[] = [memoryAtStart];
  const throughput = await submitThroughput(config, server, ledger, measured);
  progress(`moto: storing jobs up to ${config.motoJobs} (${config.clients} clients, at most ${config.motoFillSeconds}s)`);
  const deadline = Date.now() + config.motoFillSeconds * 1000;
  const fill = ledger.count < config.motoJobs ? await submitMany(server, ledger, config.motoJobs - ledger.count, config.clients, 'wire', deadline) : undefined;
  memory.push({ jobs: ledger.count, rssMiB: server.memory().rssMiB, when: 'stored' });
  progress(`moto: DescribeJobs × ${config.motoDescribeSamples} (100 ids, ${ledger.count} jobs stored)`);
  const describe = await describeLatency(server, ledger, config.motoDescribeSamples);
  return { ...throughput, ...(fill ? { fill } : {}), describe, describedWith: ledger.count, memory, peakMiB: server.memory().peakMiB };
}

function combine(a: Run, b: Run): Run {
  const count = a.count + b.count;
  const seconds = a.seconds + b.seconds;
  const mean = (x: number, y: number) => (x * a.count + y * b.count) / count;
  return { count, seconds, perSecond: count / seconds, cpu: { serverMs: mean(a.cpu.serverMs, b.cpu.serverMs), clientMs: mean(a.cpu.clientMs, b.cpu.clientMs) } };
}

async function main(): Promise<void> {
  const config = loadBenchConfig(process.env);
  const cpuAtStart = machineCpu();
  const ownAtStart = process.cpuUsage();
  const servers: ServerHandle[] = [];
  const stopAll = () => Promise.allSettled(servers.map((s) => s.stop()));
  const abort = (why: string) => {
    progress(why);
    // Not just `servers`: the job-running part starts servers of its own.
    void stopEveryServer().then(() => process.exit(1));
  };
  const watchdog = setTimeout(() => abort(`gave up after BENCH_TIMEOUT_SECONDS=${config.timeoutSeconds}`), config.timeoutSeconds * 1000);
  process.once('SIGINT', () => abort('interrupted'));
  process.once('SIGTERM', () => abort('terminated'));
  try {
    progress(`starting Barge${config.moto ? ' and moto' : ''}`);
    const [bargeStart, motoStart] = await Promise.allSettled([
      startBarge(config.bargeNodeArgs, config.dataDirParent),
      config.moto ? startMoto(config.motoServer) : Promise.resolve(undefined),
    ]);
    for (const s of [bargeStart, motoStart]) if (s.status === 'fulfilled' && s.value) servers.push(s.value);
    if (bargeStart.status === 'rejected') throw bargeStart.reason;
    if (motoStart.status === 'rejected') throw motoStart.reason;
    const barge = bargeStart.value;
    const moto = motoStart.value;
    const machine = describeMachine(config, barge, moto);
    // One server is loaded at a time so neither steals the other's CPU on a small machine.
    await setUp(barge, 'arn:aws:iam::123456789012:role/bench-batch-service', BARGE_DEFINITION);
    if (moto) await setUp(moto, await createMotoRole(moto.url, 'bench-batch-service'), MOTO_DEFINITION);
    const sides = [barge, ...(moto ? [moto] : [])].map((server) => ({
      server,
      ledger: new JobLedger(),
      memoryAtStart: { jobs: 0, rssMiB: server.memory().rssMiB, when: 'stored' } as MemorySample,
    }));
    const cold: (Run | undefined)[] = [];
    for (const side of sides) cold.push(await warmUp(config, side.server, side.ledger, 'wire'));
    const sequential = await pairedSequential(config, sides);
    const measured = (i: number) => ({ cold: cold[i], sequential: sequential[i]! });
    const bargeFigures = await benchBarge(config, barge, sides[0]!.ledger, measured(0), sides[0]!.memoryAtStart);
    const motoFigures = moto ? await benchMoto(config, moto, sides[1]!.ledger, measured(1), sides[1]!.memoryAtStart) : undefined;
    // CPU that neither this process nor the servers used: other tenants of the machine.
    const own = process.cpuUsage(ownAtStart);
    const cpuNow = machineCpu();
    const capacityMs = (Date.now() - t0) * cpus().length;
    const othersMs = cpuNow.processMs - cpuAtStart.processMs - (own.user + own.system) / 1000 - servers.reduce((sum, s) => sum + s.cpuMs(), 0);
    const sharing = { others: Math.max(0, othersMs) / capacityMs, steal: (cpuNow.stealMs - cpuAtStart.stealMs) / capacityMs };
    // After the sharing figure, which counts only the servers above as the benchmark's own.
    bargeFigures.fullSync = await benchBargeFullSync(config);
    bargeFigures.verification = await benchVerification(config);
    printSummary(config, { machine, sharing }, bargeFigures, motoFigures);
    // The PostgreSQL and job-running parts start fresh servers of their own once these are stopped.
    await stopAll();
    await runClusterBenchmarks(config, process.env, { sqliteConcurrent: bargeFigures.concurrent.perSecond, motoConcurrent: motoFigures?.concurrent.perSecond }, progress);
    await runJobBenchmarks(process.env, progress);
  } finally {
    clearTimeout(watchdog);
    await stopAll();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
