import { DescribeJobsCommand } from '@aws-sdk/client-batch';
import { destroyAll, makeClients } from './client.js';
import { type Latencies, measureLatency, type RunResult, runClosedLoop, sample } from './measure.js';
import type { ServerHandle } from './servers.js';
import { submitJob } from './setup.js';

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

/** Submits `total` jobs from `clients` closed-loop clients; stops early at `deadline` (epoch ms). */
export async function submitMany(
  server: ServerHandle,
  ledger: JobLedger,
  total: number,
  clients: number,
  deadline?: number,
): Promise<RunResult & { cpu: CpuPerOp }> {
  const pool = makeClients(server.url, clients);
  const base = ledger.count;
  try {
    return await metered(
      server,
      () => ledger.count - base,
      () =>
        runClosedLoop(
          total,
          clients,
          async (worker, seq) => {
            ledger.ids.push(await submitJob(pool[worker]!, base + seq));
          },
          deadline,
        ),
    );
  } finally {
    destroyAll(pool);
  }
}

export type DescribeResult = Latencies & { cpu: CpuPerOp; statuses: Map<string, number> };

/**
 * Sequential DescribeJobs calls for 100 random stored job ids each, checking every id comes back
 * and tallying the job statuses seen (what the benchmark's jobs actually turned into).
 */
export async function describeLatency(server: ServerHandle, ledger: JobLedger, samples: number): Promise<DescribeResult> {
  const [client] = makeClients(server.url, 1);
  const warmup = Math.min(20, samples);
  const ids = Math.min(100, ledger.count);
  const statuses = new Map<string, number>();
  try {
    const timed = await metered(
      server,
      () => samples + warmup,
      () =>
        measureLatency(samples, warmup, async () => {
          const out = await client!.send(new DescribeJobsCommand({ jobs: sample(ledger.ids, ids) }));
          if (out.jobs?.length !== ids) throw new Error(`DescribeJobs returned ${out.jobs?.length ?? 0} jobs for ${ids} ids`);
          for (const job of out.jobs) statuses.set(job.status ?? '?', (statuses.get(job.status ?? '?') ?? 0) + 1);
        }),
    );
    return { ...timed, statuses };
  } finally {
    client!.destroy();
  }
}
