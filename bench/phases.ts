import { DescribeJobsCommand } from '@aws-sdk/client-batch';
import { makeClient } from './client.js';
import { type Latencies, measureLatency, type RunResult, runClosedLoop, sample } from './measure.js';
import type { ServerHandle } from './servers.js';
import { DEFINITION, QUEUE, submitJob } from './setup.js';
import { WireBatchClient } from './wire-client.js';

/**
 * Which client submits: `wire` (SigV4-signed HTTP without the SDK's middleware, see
 * wire-client.ts) or `sdk` (@aws-sdk/client-batch, what most users run).
 */
export type ClientKind = 'wire' | 'sdk';

/** The jobs a server holds, as far as the benchmark submitted them; ids are kept for DescribeJobs. */
export class JobLedger {
  readonly ids: string[] = [];
  get count(): number {
    return this.ids.length;
  }
}

/** CPU time per operation: the server process's, and this (client) process's. */
export interface CpuPerOp {
  serverMs: number;
  clientMs: number;
}

/**
 * On a small machine the SDK clients compete with the server for the same cores, so every
 * measurement also records where the CPU went.
 */
async function metered<T>(server: ServerHandle, ops: () => number, run: () => Promise<T>): Promise<T & { cpu: CpuPerOp }> {
  const server0 = server.cpuMs();
  const client0 = process.cpuUsage();
  const result = await run();
  const client = process.cpuUsage(client0);
  const n = Math.max(1, ops());
  return { ...result, cpu: { serverMs: (server.cpuMs() - server0) / n, clientMs: (client.user + client.system) / 1000 / n } };
}

/**
 * Submits `total` jobs from `clients` closed-loop clients of the given kind; stops early at
 * `deadline` (epoch ms). Both kinds send the same request for the same sequence number.
 */
export async function submitMany(
  server: ServerHandle,
  ledger: JobLedger,
  total: number,
  clients: number,
  via: ClientKind,
  deadline?: number,
): Promise<RunResult & { cpu: CpuPerOp }> {
  const base = ledger.count;
  const submitters: ((seq: number) => Promise<string>)[] = [];
  const close: (() => void)[] = [];
  for (let i = 0; i < clients; i++) {
    if (via === 'sdk') {
      const client = makeClient(server.url);
      submitters.push((seq) => submitJob(client, seq));
      close.push(() => client.destroy());
    } else {
      const client = new WireBatchClient(server.url);
      submitters.push((seq) => client.submitJob({ jobName: `bench-${seq}`, jobQueue: QUEUE, jobDefinition: DEFINITION }));
      close.push(() => client.destroy());
    }
  }
  try {
    return await metered(
      server,
      () => ledger.count - base,
      () =>
        runClosedLoop(
          total,
          clients,
          async (worker, seq) => {
            ledger.ids.push(await submitters[worker]!(base + seq));
          },
          deadline,
        ),
    );
  } finally {
    for (const c of close) c();
  }
}

export type DescribeResult = Latencies & { cpu: CpuPerOp; statuses: Map<string, number> };

/**
 * Sequential DescribeJobs calls for 100 random stored job ids each, checking every id comes back
 * and tallying the job statuses seen (what the benchmark's jobs actually turned into).
 */
export async function describeLatency(server: ServerHandle, ledger: JobLedger, samples: number): Promise<DescribeResult> {
  const client = makeClient(server.url);
  const warmup = Math.min(20, samples);
  const ids = Math.min(100, ledger.count);
  const statuses = new Map<string, number>();
  try {
    const timed = await metered(
      server,
      () => samples + warmup,
      () =>
        measureLatency(samples, warmup, async () => {
          const out = await client.send(new DescribeJobsCommand({ jobs: sample(ledger.ids, ids) }));
          if (out.jobs?.length !== ids) throw new Error(`DescribeJobs returned ${out.jobs?.length ?? 0} jobs for ${ids} ids`);
          for (const job of out.jobs) statuses.set(job.status ?? '?', (statuses.get(job.status ?? '?') ?? 0) + 1);
        }),
    );
    return { ...timed, statuses };
  } finally {
    client.destroy();
  }
}
