import type { Arns } from '../arn.js';
import type { JsonObject, Page, ResourceState, Tags } from '../common.js';
import { InvalidInputError, InvalidStateError, NotFoundError } from '../errors.js';
import { isArrayParent, isTerminal, type Job } from '../jobs/job.js';
import { JobTransitions } from '../jobs/transitions.js';
import type { DomainLogger } from '../logger.js';
import { decodeToken, toPage } from '../pagination.js';
import type { Clock, Store } from '../ports.js';
import type { Serializer } from '../serial.js';
import { checkTags } from '../tags.js';
import { isFargate } from './compute-environment.js';
import { type ComputeEnvironmentOrder, type JobQueue, type JobQueueType, type JobStateTimeLimitAction, queueDeletedReason } from './job-queue.js';

export interface CreateJobQueue {
  /** Name of the access key that created it (recorded, shown as bargeCreatedBy). */
  createdBy?: string;
  name: string;
  state?: ResourceState;
  schedulingPolicyArn?: string;
  priority: number;
  computeEnvironmentOrder: ComputeEnvironmentOrder[];
  serviceEnvironmentOrder?: JsonObject[];
  jobQueueType?: JobQueueType;
  tags?: Tags;
  jobStateTimeLimitActions?: JobStateTimeLimitAction[];
}

export interface UpdateJobQueue {
  jobQueue: string;
  state?: ResourceState;
  schedulingPolicyArn?: string;
  priority?: number;
  computeEnvironmentOrder?: ComputeEnvironmentOrder[];
  serviceEnvironmentOrder?: JsonObject[];
  jobStateTimeLimitActions?: JobStateTimeLimitAction[];
}

/** Reason codes a time-limit action may act on (reference §6, blocked-queue reasons). */
export const TIME_LIMIT_REASONS = [
  'CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY',
  'MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE',
  'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT',
  'MISCONFIGURATION:EC2_INSTANCE_CONFIGURATION_UNSUPPORTED',
] as const;

export class JobQueues {
  /** Called after every change, so the scheduler can react (capacity or state may have changed). */
  onChange: () => void = () => undefined;
  private readonly transitions: JobTransitions;

  constructor(
    private readonly store: Store,
    private readonly arns: Arns,
    private readonly clock: Clock,
    private readonly serial: Serializer,
    log: DomainLogger,
  ) {
    this.transitions = new JobTransitions(store, log);
  }

  create(input: CreateJobQueue): Promise<JobQueue> {
    checkTags(input.tags);
    checkPriority(input.priority);
    checkTimeLimitActions(input.jobStateTimeLimitActions);
    return this.serial.run(async () => {
      const order = await this.resolveOrder(input.computeEnvironmentOrder, input.serviceEnvironmentOrder);
      if (input.schedulingPolicyArn !== undefined) await this.requirePolicy(input.schedulingPolicyArn);
      const queue: JobQueue = {
        name: input.name,
        arn: this.arns.jobQueue(input.name),
        state: input.state ?? 'ENABLED',
        status: 'VALID',
        statusReason: 'JobQueue Healthy',
        priority: input.priority,
        computeEnvironmentOrder: order.order,
        jobStateTimeLimitActions: input.jobStateTimeLimitActions ?? [],
        tags: input.tags ?? {},
        createdAt: this.clock.now(),
        ...(input.createdBy !== undefined ? { createdBy: input.createdBy } : {}),
      };
      const type = input.jobQueueType ?? order.type;
      if (type !== undefined) queue.jobQueueType = type;
      if (input.schedulingPolicyArn !== undefined) queue.schedulingPolicyArn = input.schedulingPolicyArn;
      if (input.serviceEnvironmentOrder !== undefined) queue.serviceEnvironmentOrder = input.serviceEnvironmentOrder;
      await this.store.insertResource('job-queue', queue);
      this.onChange();
      return queue;
    });
  }

  async get(nameOrArn: string): Promise<JobQueue> {
    const name = this.arns.nameOf('job-queue', nameOrArn);
    const queue = name === undefined ? undefined : await this.store.getResource('job-queue', name);
    if (!queue) throw new NotFoundError('job queue', nameOrArn);
    return queue;
  }

  async describe(query: { names?: string[]; maxResults?: number; nextToken?: string }): Promise<Page<JobQueue>> {
    const after = decodeToken('DescribeJobQueues', query.nextToken);
    const names = query.names?.map((n) => this.arns.nameOf('job-queue', n) ?? '').filter((n) => n !== '');
    const slice = await this.store.listResources('job-queue', {
      ...(names ? { names } : {}),
      ...(after !== undefined ? { after } : {}),
      limit: query.maxResults ?? 100,
    });
    return toPage('DescribeJobQueues', slice, (q) => q);
  }

  update(input: UpdateJobQueue): Promise<JobQueue> {
    if (input.priority !== undefined) checkPriority(input.priority);
    checkTimeLimitActions(input.jobStateTimeLimitActions);
    return this.serial.run(async () => {
      const queue = await this.get(input.jobQueue);
      const next: JobQueue = { ...queue };
      if (input.state !== undefined) next.state = input.state;
      if (input.priority !== undefined) next.priority = input.priority;
      if (input.computeEnvironmentOrder !== undefined) {
        const order = await this.resolveOrder(input.computeEnvironmentOrder, input.serviceEnvironmentOrder);
        next.computeEnvironmentOrder = order.order;
      }
      if (input.serviceEnvironmentOrder !== undefined) next.serviceEnvironmentOrder = input.serviceEnvironmentOrder;
      if (input.jobStateTimeLimitActions !== undefined) next.jobStateTimeLimitActions = input.jobStateTimeLimitActions;
      if (input.schedulingPolicyArn !== undefined) {
        // A policy can be replaced but a FIFO queue can never gain one (model doc).
        if (queue.schedulingPolicyArn === undefined) {
          throw new InvalidInputError(
            `Job queue ${queue.name} was created without a scheduling policy (FIFO); a scheduling policy cannot be added to it`,
          );
        }
        await this.requirePolicy(input.schedulingPolicyArn);
        next.schedulingPolicyArn = input.schedulingPolicyArn;
      }
      await this.store.replaceResource('job-queue', next);
      this.onChange();
      return next;
    });
  }

  delete(nameOrArn: string): Promise<void> {
    return this.serial.run(async () => {
      const queue = await this.get(nameOrArn);
      if (queue.state !== 'DISABLED') {
        throw new InvalidStateError('job queue', queue.name, `Job queue ${queue.name} must be DISABLED before it can be deleted`);
      }
      // The queue goes first: from then on an attempt that ends with retries left no longer
      // goes back to RUNNABLE in it (its job ends FAILED instead), so the sweep below sees every
      // job that will never start.
      await this.store.deleteResource('job-queue', queue.name);
      await this.failRemainingJobs(queue);
    });
  }

  /**
   * AWS terminates the jobs left in a deleted queue; every job that never started ends FAILED
   * here, array children included, and so does a running job that would retry. An array parent ends FAILED with the same reason at once
   * when none of its children is placed; otherwise it is flagged like a cancelled parent and
   * the scheduler ends it, with this reason, once its last child has ended.
   */
  private async failRemainingJobs(queue: JobQueue): Promise<void> {
    const reason = queueDeletedReason(queue.name);
    const waiting = ['SUBMITTED', 'PENDING', 'RUNNABLE'] as const;
    const parents: Job[] = [];
    const others: string[] = [];
    // A DISABLED queue takes no submits, so paging newest first with a cursor sees every job once.
    let after: string | undefined;
    do {
      const slice = await this.store.listJobs({
        scope: { kind: 'queue', jobQueueArn: queue.arn },
        statuses: [...waiting],
        includeArrayChildren: true,
        limit: 500,
        ...(after !== undefined ? { after } : {}),
      });
      for (const job of slice.items) {
        if (isArrayParent(job)) parents.push(job);
        else others.push(job.jobId);
      }
      after = slice.cursor;
    } while (after !== undefined);
    // Parents are flagged before their children fail: a scheduling pass that sees every child
    // of a flagged parent ended ends it with this reason, not "Array Child Job failed".
    const flag = { statusReason: reason, isCancelled: true };
    if (parents.length > 0) await this.store.updateJobs(parents.map((p) => p.jobId), [...waiting], flag);
    for (let i = 0; i < others.length; i += 500) {
      await this.transitions.apply([{ jobIds: others.slice(i, i + 500), from: [...waiting], to: 'FAILED', set: { ...flag, stoppedAt: this.clock.now() } }]);
    }
    for (const parent of parents) {
      const children = await this.store.listArrayChildren(parent.jobId);
      if (children.every((c) => isTerminal(c.status))) {
        await this.transitions.apply([{ jobIds: [parent.jobId], from: [...waiting], to: 'FAILED', set: { ...flag, stoppedAt: this.clock.now() } }]);
      }
    }
  }

  private async requirePolicy(arn: string): Promise<void> {
    const name = this.arns.nameOf('scheduling-policy', arn);
    const policy = name === undefined ? undefined : await this.store.getResource('scheduling-policy', name);
    if (!policy) throw new NotFoundError('scheduling policy', arn);
  }

  /**
   * Resolves names to ARNs and applies the model's rules for computeEnvironmentOrder:
   * 1..3 entries, distinct orders, each environment VALID, all EC2 or all Fargate.
   */
  private async resolveOrder(
    entries: ComputeEnvironmentOrder[],
    serviceEnvironmentOrder: JsonObject[] | undefined,
  ): Promise<{ order: ComputeEnvironmentOrder[]; type?: JobQueueType }> {
    if (entries.length === 0 && serviceEnvironmentOrder && serviceEnvironmentOrder.length > 0) {
      return { order: [], type: 'SAGEMAKER_TRAINING' };
    }
    if (entries.length < 1 || entries.length > 3) {
      throw new InvalidInputError(`computeEnvironmentOrder must list 1 to 3 compute environments, got ${entries.length}`);
    }
    const orders = new Set<number>();
    const resolved: ComputeEnvironmentOrder[] = [];
    const families = new Set<string>();
    let eks = false;
    for (const entry of entries) {
      if (entry.order < 0) throw new InvalidInputError(`computeEnvironmentOrder.order must be 0 or more, got ${entry.order}`);
      if (orders.has(entry.order)) throw new InvalidInputError(`computeEnvironmentOrder has order ${entry.order} more than once`);
      orders.add(entry.order);
      const name = this.arns.nameOf('compute-environment', entry.computeEnvironment);
      const ce = name === undefined ? undefined : await this.store.getResource('compute-environment', name);
      if (!ce) throw new NotFoundError('compute environment', entry.computeEnvironment);
      if (ce.status !== 'VALID') {
        throw new InvalidStateError('compute environment', ce.name, `Compute environment ${ce.name} is ${ce.status}, not VALID`);
      }
      if (resolved.some((r) => r.computeEnvironment === ce.arn)) {
        throw new InvalidInputError(`computeEnvironmentOrder lists ${ce.name} more than once`);
      }
      families.add(ce.computeResources && isFargate(ce.computeResources.type) ? 'Fargate' : 'EC2');
      eks ||= ce.containerOrchestrationType === 'EKS';
      resolved.push({ order: entry.order, computeEnvironment: ce.arn });
    }
    if (families.size > 1) {
      throw new InvalidInputError('computeEnvironmentOrder cannot mix EC2 and Fargate compute environments');
    }
    const type: JobQueueType = eks ? 'EKS' : families.has('Fargate') ? 'ECS_FARGATE' : 'ECS';
    return { order: resolved.sort((a, b) => a.order - b.order), type };
  }
}

function checkPriority(priority: number): void {
  // AWS documents no range; a negative priority is refused as nonsensical (reference §5 [impl]).
  if (!Number.isInteger(priority) || priority < 0) {
    throw new InvalidInputError(`priority must be a whole number of 0 or more, got ${priority}`);
  }
}

function checkTimeLimitActions(actions: JobStateTimeLimitAction[] | undefined): void {
  if (!actions) return;
  if (actions.length > 5) throw new InvalidInputError(`jobStateTimeLimitActions allows at most 5 actions, got ${actions.length}`);
  for (const a of actions) {
    if (a.state !== 'RUNNABLE') throw new InvalidInputError(`jobStateTimeLimitActions.state must be RUNNABLE, got ${a.state}`);
    if (a.maxTimeSeconds < 600 || a.maxTimeSeconds > 86400) {
      throw new InvalidInputError(`jobStateTimeLimitActions.maxTimeSeconds must be from 600 to 86400, got ${a.maxTimeSeconds}`);
    }
    if (a.action !== 'CANCEL') {
      throw new InvalidInputError(`jobStateTimeLimitActions.action must be CANCEL for job queues of compute environments, got ${a.action}`);
    }
    if (!(TIME_LIMIT_REASONS as readonly string[]).includes(a.reason)) {
      throw new InvalidInputError(`jobStateTimeLimitActions.reason must be one of ${TIME_LIMIT_REASONS.join(', ')}; got ${a.reason}`);
    }
  }
}
