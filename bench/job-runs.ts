/**
 * What running jobs costs, Barge next to moto_server and a bare `docker run`: submit → RUNNING
 * latency of one small job on idle capacity, and the wall time of an array of trivial jobs on a
 * 2-vCPU environment (with Barge's memory sampled throughout).
 */
import { execFileSync } from 'node:child_process';
import {
  type BatchClient,
  CreateComputeEnvironmentCommand,
  CreateJobQueueCommand,
  DescribeJobsCommand,
  RegisterJobDefinitionCommand,
  SubmitJobCommand,
} from '@aws-sdk/client-batch';
import { makeClient } from './client.js';
import type { ServerHandle } from './servers.js';

const IMAGE = 'localhost/busybox:latest';

export interface Percentiles {
  p50: number;
  p99: number;
  samples: number;
}

export interface ArrayRun {
  size: number;
  seconds: number;
  peakRssMiB?: number;
  status: string;
}

function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), samples: sorted.length };
}

/**
 * A 2-vCPU environment, a queue on it and a definition running `command`. UNMANAGED, because
 * moto only accepts a MANAGED one whose instance role, subnets and security groups exist in
 * its IAM and EC2 mocks; Barge takes an UNMANAGED environment's capacity from unmanagedvCpus.
 */
async function runnableSetup(client: BatchClient, prefix: string, serviceRole: string, command: string[]): Promise<{ queue: string; definition: string }> {
  const ce = await client.send(
    new CreateComputeEnvironmentCommand({ computeEnvironmentName: `${prefix}-ce`, type: 'UNMANAGED', state: 'ENABLED', serviceRole, unmanagedvCpus: 2 }),
  );
  await client.send(new CreateJobQueueCommand({ jobQueueName: `${prefix}-q`, priority: 1, state: 'ENABLED', computeEnvironmentOrder: [{ order: 1, computeEnvironment: ce.computeEnvironmentArn! }] }));
  await client.send(
    new RegisterJobDefinitionCommand({
      jobDefinitionName: `${prefix}-d`,
      type: 'container',
      containerProperties: { image: IMAGE, command, resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '64' }] },
    }),
  );
  return { queue: `${prefix}-q`, definition: `${prefix}-d` };
}

async function statusOf(client: BatchClient, jobId: string): Promise<string> {
  const job = (await client.send(new DescribeJobsCommand({ jobs: [jobId] }))).jobs?.[0];
  return job?.status ?? 'UNKNOWN';
}

/** Submits one job at a time and polls every 5 ms until it is RUNNING (or already done). */
export async function startLatency(server: ServerHandle, serviceRole: string, runs: number, timeoutMs = 60_000): Promise<Percentiles> {
  const client = makeClient(server.url);
  try {
    const { queue, definition } = await runnableSetup(client, 'latency', serviceRole, ['sleep', '1']);
    const latencies: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const { jobId } = await client.send(new SubmitJobCommand({ jobName: `latency-${i}`, jobQueue: queue, jobDefinition: definition }));
      let status = 'SUBMITTED';
      while (!['RUNNING', 'SUCCEEDED', 'FAILED'].includes(status)) {
        if (performance.now() - t0 > timeoutMs) throw new Error(`${server.name}: job did not reach RUNNING within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 5));
        status = await statusOf(client, jobId!);
      }
      latencies.push(performance.now() - t0);
      while (!['SUCCEEDED', 'FAILED'].includes(status)) {
        await new Promise((r) => setTimeout(r, 50));
        status = await statusOf(client, jobId!);
      }
    }
    return percentiles(latencies);
  } finally {
    client.destroy();
  }
}

/** `docker run -d` returns once the container is started: the bare engine's own "RUNNING". */
export function bareDockerLatency(runs: number): Percentiles {
  const env = { ...process.env, DOCKER_API_VERSION: '1.41' };
  const latencies: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const id = execFileSync('docker', ['run', '-d', '--network', 'none', IMAGE, 'sleep', '1'], { env, encoding: 'utf8' }).trim();
    latencies.push(performance.now() - t0);
    execFileSync('docker', ['rm', '-f', id], { env, stdio: 'ignore' });
  }
  return percentiles(latencies);
}

/** Submits an array of `true` jobs on a 2-vCPU environment and waits for the parent to end. */
export async function arrayWallTime(server: ServerHandle, serviceRole: string, size: number, timeoutMs: number, sampleMemory: boolean): Promise<ArrayRun> {
  const client = makeClient(server.url);
  try {
    const { queue, definition } = await runnableSetup(client, 'array', serviceRole, ['true']);
    let peak = sampleMemory ? server.memory().rssMiB : undefined;
    const t0 = performance.now();
    const { jobId } = await client.send(new SubmitJobCommand({ jobName: 'array', jobQueue: queue, jobDefinition: definition, arrayProperties: { size } }));
    let status = 'SUBMITTED';
    while (!['SUCCEEDED', 'FAILED'].includes(status)) {
      if (performance.now() - t0 > timeoutMs) {
        status = `unfinished after ${Math.round(timeoutMs / 1000)} s`;
        break;
      }
      await new Promise((r) => setTimeout(r, 250));
      status = await statusOf(client, jobId!);
      if (peak !== undefined) peak = Math.max(peak, server.memory().rssMiB);
    }
    return { size, seconds: (performance.now() - t0) / 1000, status, ...(peak !== undefined ? { peakRssMiB: peak } : {}) };
  } finally {
    client.destroy();
  }
}

/**
 * SubmitJob of a `size`-child array on a queue whose environment is DISABLED (nothing starts):
 * the time until the response, `runs` times. Every child is stored before the response.
 */
export async function arraySubmitLatency(server: ServerHandle, serviceRole: string, size: number, runs: number): Promise<Percentiles> {
  const client = makeClient(server.url);
  try {
    const ce = await client.send(
      new CreateComputeEnvironmentCommand({ computeEnvironmentName: 'big-array-ce', type: 'UNMANAGED', state: 'DISABLED', serviceRole, unmanagedvCpus: 2 }),
    );
    await client.send(new CreateJobQueueCommand({ jobQueueName: 'big-array-q', priority: 1, state: 'ENABLED', computeEnvironmentOrder: [{ order: 1, computeEnvironment: ce.computeEnvironmentArn! }] }));
    await client.send(
      new RegisterJobDefinitionCommand({
        jobDefinitionName: 'big-array-d',
        type: 'container',
        containerProperties: { image: IMAGE, command: ['true'], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '64' }] },
      }),
    );
    const latencies: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await client.send(new SubmitJobCommand({ jobName: `big-array-${i}`, jobQueue: 'big-array-q', jobDefinition: 'big-array-d', arrayProperties: { size } }));
      latencies.push(performance.now() - t0);
    }
    return percentiles(latencies);
  } finally {
    client.destroy();
  }
}
