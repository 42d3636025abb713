/**
 * Scheduler decisions per second, apart from container starts: 100,000 RUNNABLE jobs are
 * stored, then the real Dispatcher places them on an environment large enough for all of
 * them. The executor accepts each start and never completes it, so what is measured is the
 * scheduler's own work: reading the heads of the queues, planning, and committing
 * RUNNABLE → STARTING with a new attempt for every job.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Arns } from '../src/domain/arn.js';
import type { ContainerExit, ContainerSpec, ContainerState, Executor, ImagePresence, LogLine } from '../src/domain/executor.js';
import { AttemptRunner } from '../src/domain/jobs/attempt-runner.js';
import type { Job } from '../src/domain/jobs/job.js';
import { silentLogger } from '../src/domain/logger.js';
import { Dispatcher } from '../src/domain/scheduler/dispatcher.js';
import { WaitBoard } from '../src/domain/scheduler/wait-board.js';
import { SerialQueue } from '../src/domain/serial.js';
import { SqliteStore } from '../src/store/sqlite/store.js';

/** Starts nothing: every start stays pending, as if every container took forever to start. */
class NeverStartingExecutor implements Executor {
  start(_spec: ContainerSpec): Promise<{ containerId: string; startedAt: number }> {
    return new Promise(() => undefined);
  }
  follow(_id: string, _cursor: string | undefined, _onLines: (lines: LogLine[]) => Promise<void>): Promise<ContainerExit> {
    return new Promise(() => undefined);
  }
  async stop(): Promise<void> {}
  async remove(): Promise<void> {}
  async list(): Promise<ContainerState[]> {
    return [];
  }
  async imagePresence(): Promise<ImagePresence> {
    return 'present';
  }
  async ping(): Promise<boolean> {
    return true;
  }
  hostCpus(): number {
    return 2;
  }
}

export interface DecisionResult {
  jobs: number;
  seconds: number;
  perSecond: number;
  passes: number;
}

export async function measureSchedulerDecisions(jobs: number): Promise<DecisionResult> {
  const dir = mkdtempSync(join(tmpdir(), 'barge-bench-sched-'));
  const store = new SqliteStore(join(dir, 'barge.db'));
  try {
    const arns = new Arns('us-east-1', '123456789012');
    const clock = { now: () => Date.now() };
    const ce = {
      name: 'bench-ce', arn: arns.computeEnvironment('bench-ce'), type: 'MANAGED' as const, state: 'ENABLED' as const, status: 'VALID' as const,
      computeResources: { type: 'EC2' as const, minvCpus: 0, maxvCpus: jobs, desiredvCpus: 0, other: {} },
      containerOrchestrationType: 'ECS' as const, uuid: randomUUID(), ecsClusterArn: arns.ecsCluster('bench-ce'), tags: {}, createdAt: clock.now(),
    };
    await store.insertResource('compute-environment', ce);
    const queueArn = arns.jobQueue('bench-q');
    await store.insertResource('job-queue', {
      name: 'bench-q', arn: queueArn, state: 'ENABLED', status: 'VALID', priority: 1,
      computeEnvironmentOrder: [{ order: 1, computeEnvironment: ce.arn }], jobStateTimeLimitActions: [], tags: {}, createdAt: clock.now(),
    });
    const spec = {
      jobName: 'bench', jobQueueArn: queueArn, jobDefinitionArn: arns.jobDefinition('bench', 1), parameters: {},
      container: { image: 'localhost/busybox:latest', command: ['true'], other: {} },
      reservation: { vcpus: 1, memoryMiB: 64, gpus: 0 }, dependsOn: [], platformCapabilities: ['EC2' as const],
    };
    for (let i = 0; i < jobs; i += 5000) {
      const batch: Job[] = [];
      for (let k = i; k < Math.min(jobs, i + 5000); k++) {
        const jobId = randomUUID();
        batch.push({ jobId, jobArn: arns.job(jobId), spec, status: 'RUNNABLE', createdAt: clock.now(), attempts: [], tags: {} });
      }
      await store.insertJobs(batch);
    }
    const runner = new AttemptRunner(store, new NeverStartingExecutor(), { appendJobOutput: async () => undefined, jobOutputResumeCursor: async () => undefined }, clock, silentLogger,
      { stopGraceSeconds: 30, containerNamePrefix: 'bench' }, () => undefined);
    const dispatcher = new Dispatcher(store, arns, clock, runner, new WaitBoard(store), new SerialQueue(), async () => true, silentLogger);
    const started = process.hrtime.bigint();
    let placed = 0;
    let passes = 0;
    while (placed < jobs) {
      const n = await dispatcher.pass();
      passes += 1;
      if (n === 0) throw new Error(`dispatch stalled after ${placed} jobs`);
      placed += n;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { jobs: placed, seconds, perSecond: placed / seconds, passes };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('scheduler-decisions.js')) {
  const jobs = Number(process.env['BENCH_RUNNABLE_JOBS'] ?? 100_000);
  const r = await measureSchedulerDecisions(jobs);
  process.stdout.write(`scheduler: ${r.jobs} RUNNABLE jobs placed in ${r.seconds.toFixed(2)} s over ${r.passes} passes: ${r.perSecond.toFixed(0)} decisions/s (target > 5,000/s)\n`);
}
