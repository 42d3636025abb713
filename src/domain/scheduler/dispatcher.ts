import { randomBytes } from 'node:crypto';
import type { Arns } from '../arn.js';
import type { AttemptRunner } from '../jobs/attempt-runner.js';
import type { Attempt } from '../jobs/job.js';
import type { DomainLogger } from '../logger.js';
import type { Clock, RunnableJob, Store } from '../ports.js';
import { JobTransitions, type StatusChange } from '../jobs/transitions.js';
import type { ComputeEnvironment } from '../resources/compute-environment.js';
import type { JobQueue } from '../resources/job-queue.js';
import { desiredVcpus, type EnvironmentCapacity, environmentCapacity } from './capacity.js';
import { type DispatchPlan, planDispatch, type QueueInput } from './dispatch-plan.js';
import { loadQueueJobs } from './queue-jobs.js';
import { timeLimitCancellations } from './time-limits.js';
import type { QueueSnapshot, WaitBoard } from './wait-board.js';
import type { Serializer } from '../serial.js';

/** How many RUNNABLE jobs of each queue (or share) one pass looks at. */
const HEAD_SIZE = 500;

/**
 * How much of a queue's head a pass needs. Reading and parsing jobs is most of a pass's cost,
 * and a pass runs after every burst of submits: a queue that cannot dispatch needs none of
 * them (WaitBoard answers from the queue's state), and one whose environments are full only
 * needs its first job, unless time-limit actions must see how long each job waited.
 */
function headSize(queue: JobQueue, envs: EnvironmentCapacity[]): number {
  const accepting = envs.filter((e) => e.accepting);
  if (queue.state !== 'ENABLED' || accepting.length === 0) return 0;
  if (queue.jobStateTimeLimitActions.length > 0) return HEAD_SIZE;
  return accepting.some((e) => e.inUse < e.maxVcpus) ? HEAD_SIZE : 1;
}

/**
 * One dispatch pass: loads queues, environments, usage and the head of every queue, asks
 * planDispatch what to start, moves those jobs RUNNABLE → STARTING in one transaction with
 * their new attempt, hands them to the attempt runner, and publishes why the rest wait.
 */
export class Dispatcher {
  private readonly transitions: JobTransitions;

  constructor(
    private readonly store: Store,
    private readonly arns: Arns,
    private readonly clock: Clock,
    private readonly runner: AttemptRunner,
    private readonly board: WaitBoard,
    private readonly serial: Serializer,
    private readonly engineUp: () => Promise<boolean>,
    log: DomainLogger,
  ) {
    this.transitions = new JobTransitions(store, log);
  }

  /** Returns how many jobs it started. */
  async pass(): Promise<number> {
    const queues = await this.all('job-queue');
    const envsByArn = new Map<string, ComputeEnvironment>((await this.all('compute-environment')).map((ce) => [ce.arn, ce]));
    const ordered = [...queues].sort((a, b) => b.priority - a.priority || a.createdAt - b.createdAt);
    let { capacity, inputs } = await this.prepare(ordered, envsByArn, true);
    let plan = planDispatch(inputs);
    // The engine is asked only when something would start: a ping per pass costs more than the
    // rest of a pass that places nothing. With the engine down, the pass is planned again from
    // fresh inputs (planning consumes capacity in them) with no environment accepting, so jobs
    // wait and say why.
    if (plan.placements.length > 0 && !(await this.engineUp())) {
      ({ capacity, inputs } = await this.prepare(ordered, envsByArn, false));
      plan = planDispatch(inputs);
    }
    const started = await this.apply(plan, envsByArn);
    await this.applyTimeLimits(plan, inputs);
    this.publish(plan, ordered, inputs);
    await this.updateDesired(envsByArn, capacity, inputs);
    return started;
  }

  /** Current usage of every environment and the head of every queue, ready for planDispatch. */
  private async prepare(ordered: JobQueue[], envsByArn: Map<string, ComputeEnvironment>, engineUp: boolean) {
    const inUse = await this.store.vcpusInUse();
    const capacity = new Map<string, EnvironmentCapacity>();
    for (const ce of envsByArn.values()) {
      const env = environmentCapacity(ce, inUse.get(ce.arn) ?? 0);
      if (!engineUp && env.accepting) Object.assign(env, { accepting: false, status: 'waiting for the Docker engine to answer' });
      capacity.set(ce.arn, env);
    }
    const inputs: QueueInput[] = [];
    for (const queue of ordered) {
      const envs = queue.computeEnvironmentOrder.flatMap((o) => capacity.get(o.computeEnvironment) ?? []);
      inputs.push(await this.queueInput(queue, envs));
    }
    return { capacity, inputs };
  }

  private async queueInput(queue: JobQueue, envs: EnvironmentCapacity[]): Promise<QueueInput> {
    const jobs = await loadQueueJobs({ store: this.store, arns: this.arns, clock: this.clock }, queue, headSize(queue, envs));
    return { queue, envs, ...jobs };
  }

  private async apply(plan: DispatchPlan, envsByArn: Map<string, ComputeEnvironment>): Promise<number> {
    if (plan.placements.length === 0) return 0;
    const changes: StatusChange[] = [];
    const launches: { job: RunnableJob['job']; queue: JobQueue; ce: ComputeEnvironment }[] = [];
    for (const p of plan.placements) {
      const ce = envsByArn.get(p.env.arn)!;
      const taskId = randomBytes(16).toString('hex');
      const attempt: Attempt = {
        number: p.job.job.attempts.length + 1,
        computeEnvironmentArn: ce.arn,
        container: { taskArn: this.arns.ecsTask(`${ce.name}_Batch`, taskId) },
      };
      const attempts = [...p.job.job.attempts, attempt];
      changes.push({
        jobIds: [p.job.job.jobId],
        from: ['RUNNABLE'],
        to: 'STARTING',
        set: { attempts, computeEnvironmentArn: ce.arn },
        context: { computeEnvironment: ce.name },
      });
      launches.push({ job: { ...p.job.job, status: 'STARTING', attempts }, queue: p.queue, ce });
    }
    const moved = new Set((await this.transitions.apply(changes)).map((m) => m.jobId));
    for (const l of launches) {
      if (moved.has(l.job.jobId)) this.runner.launch(l.job, l.queue.name, l.ce.name);
    }
    return moved.size;
  }

  private async applyTimeLimits(plan: DispatchPlan, inputs: QueueInput[]): Promise<void> {
    const now = this.clock.now();
    for (const input of inputs) {
      const candidates = input.fifo ?? input.fairShare?.shares.flatMap((s) => s.jobs) ?? [];
      for (const c of timeLimitCancellations(input.queue, candidates, plan.reasons, now)) {
        await this.transitions.apply([
          { jobIds: [c.jobId], from: ['RUNNABLE'], to: 'FAILED', set: { statusReason: c.statusReason, isCancelled: true, stoppedAt: now } },
        ]);
      }
    }
  }

  private publish(plan: DispatchPlan, queues: JobQueue[], inputs: QueueInput[]): void {
    const snapshots = new Map<string, QueueSnapshot>();
    for (const [i, queue] of queues.entries()) {
      const outcome = plan.queues.get(queue.arn) ?? { state: 'flowing' as const };
      snapshots.set(queue.arn, { name: queue.name, outcome, envs: inputs[i]!.envs.map((e) => ({ ...e })) });
    }
    this.board.publish(plan.reasons, snapshots, this.clock.now());
  }

  /** desiredvCpus follows demand between minvCpus and maxvCpus, as on AWS. */
  private async updateDesired(envsByArn: Map<string, ComputeEnvironment>, capacity: Map<string, EnvironmentCapacity>, inputs: QueueInput[]) {
    const waiting = new Map<string, number>();
    for (const input of inputs) {
      const first = input.envs.find((e) => e.accepting);
      if (!first || input.queue.state !== 'ENABLED') continue;
      const jobs = input.fifo ?? input.fairShare?.shares.flatMap((s) => s.jobs) ?? [];
      const demand = jobs.reduce((sum, j) => sum + (j.vcpus <= first.maxVcpus ? j.vcpus : 0), 0);
      waiting.set(first.arn, (waiting.get(first.arn) ?? 0) + demand);
    }
    for (const ce of envsByArn.values()) {
      const cr = ce.computeResources;
      if (!cr || cr.desiredvCpus === undefined) continue;
      const cap = capacity.get(ce.arn)!;
      const wanted = ce.state === 'ENABLED'
        ? desiredVcpus(cr.minvCpus ?? 0, cr.maxvCpus, cap.inUse, waiting.get(ce.arn) ?? 0)
        : Math.max(cr.minvCpus ?? 0, Math.min(cr.desiredvCpus, Math.ceil(cap.inUse)));
      if (wanted !== cr.desiredvCpus) {
        // Through the control-plane queue, so a concurrent UpdateComputeEnvironment is not lost.
        await this.serial.run(async () => {
          const fresh = await this.store.getResource('compute-environment', ce.name);
          if (!fresh?.computeResources) return;
          const cr2 = fresh.computeResources;
          const bounded = Math.min(cr2.maxvCpus, Math.max(cr2.minvCpus ?? 0, wanted));
          await this.store.replaceResource('compute-environment', { ...fresh, computeResources: { ...cr2, desiredvCpus: bounded } });
        });
      }
    }
  }

  private async all<K extends 'job-queue' | 'compute-environment'>(kind: K) {
    const items = [];
    let after: string | undefined;
    do {
      const slice = await this.store.listResources(kind, { limit: 100, ...(after ? { after } : {}) });
      items.push(...slice.items);
      after = slice.cursor;
    } while (after !== undefined);
    return items as (K extends 'job-queue' ? JobQueue : ComputeEnvironment)[];
  }
}
