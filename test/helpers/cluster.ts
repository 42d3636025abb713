import { rmSync } from 'node:fs';
import type { BatchClient } from '@aws-sdk/client-batch';
import { batchClient } from './clients.js';
import { removeContainersWithLabelValue } from './docker.js';
import { sample, scrape } from './metrics.js';
import { type BargeProcess, startBarge } from './server.js';
import { testDatabaseUrl } from './test-database.js';
import { waitFor } from './wait.js';

export interface ClusterOptions {
  replicas: number;
  /** --leader-lease-seconds of every replica. */
  leaseSeconds: number;
  args?: string[];
}

/**
 * Several Barge processes on one PostgreSQL database (a fresh copy of the test template),
 * each with its own port and client. Replicas can be killed and started again.
 */
export class Cluster {
  readonly replicas: (BargeProcess | undefined)[] = [];
  readonly clients: (BatchClient | undefined)[] = [];
  private instance: string | undefined;

  private constructor(
    readonly databaseUrl: string,
    private readonly options: ClusterOptions,
  ) {}

  static async start(options: ClusterOptions): Promise<Cluster> {
    const cluster = new Cluster(await testDatabaseUrl(), options);
    try {
      // The first replica alone first: it migrates nothing (the template has the schema) but
      // becomes the leader, so tests know where they start.
      await cluster.startReplica(0);
      for (let i = 1; i < options.replicas; i++) await cluster.startReplica(i);
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** Starts (or starts again) replica `index`; `env` adds to its environment (libfaketime, say). */
  async startReplica(index: number, env: NodeJS.ProcessEnv = {}): Promise<BargeProcess> {
    const barge = await startBarge({
      args: ['--leader-lease-seconds', String(this.options.leaseSeconds), ...(this.options.args ?? [])],
      env: { ...env, BARGE_DATABASE_URL: this.databaseUrl },
      // Containers belong to the installation (all replicas), not to one process: the cluster removes them at the end.
      keepDataDir: true,
    });
    const instance = barge.logs.find((l) => l['msg'] === 'Barge listening')?.['instance'];
    if (typeof instance === 'string') this.instance = instance;
    this.replicas[index] = barge;
    this.clients[index]?.destroy();
    this.clients[index] = batchClient(barge.url);
    return barge;
  }

  client(index: number): BatchClient {
    const client = this.clients[index];
    if (!client) throw new Error(`replica ${index} is not running`);
    return client;
  }

  replica(index: number): BargeProcess {
    const replica = this.replicas[index];
    if (!replica) throw new Error(`replica ${index} is not running`);
    return replica;
  }

  get running(): number[] {
    return this.replicas.flatMap((r, i) => (r && r.process.exitCode === null && r.process.signalCode === null ? [i] : []));
  }

  /** Which running replicas say (in /metrics) that they lead. */
  async leaders(): Promise<number[]> {
    const leading: number[] = [];
    for (const i of this.running) {
      const metrics = await scrape(this.replica(i).url).catch(() => undefined);
      if (metrics && sample(metrics.body, 'barge_leader') === 1) leading.push(i);
    }
    return leading;
  }

  /** Waits until exactly one running replica (other than `except`, a replica stopping) leads; its index. */
  async leader(timeoutMs = 30_000, except?: number): Promise<number> {
    return waitFor('exactly one replica to lead', async () => {
      const leading = (await this.leaders()).filter((i) => i !== except);
      return leading.length === 1 ? leading[0] : undefined;
    }, timeoutMs, 100);
  }

  async kill(index: number): Promise<void> {
    await this.replica(index).kill();
    this.clients[index]?.destroy();
    this.clients[index] = undefined;
  }

  async stopReplica(index: number): Promise<void> {
    await this.replica(index).stop();
    this.clients[index]?.destroy();
    this.clients[index] = undefined;
  }

  async stop(): Promise<void> {
    for (const client of this.clients) client?.destroy();
    await Promise.allSettled(this.replicas.map((r) => r?.stop()));
    if (this.instance) removeContainersWithLabelValue('barge.instance', this.instance);
    for (const r of this.replicas) if (r) rmSync(r.dataDir, { recursive: true, force: true });
  }
}
