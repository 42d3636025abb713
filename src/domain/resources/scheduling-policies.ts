import type { Arns } from '../arn.js';
import type { JsonObject, Page, Tags } from '../common.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.js';
import { decodeToken, toPage } from '../pagination.js';
import type { Clock, Store } from '../ports.js';
import type { Serializer } from '../serial.js';
import { checkTags } from '../tags.js';
import { type FairsharePolicy, findShareOverlap, type SchedulingPolicy } from './scheduling-policy.js';

export interface CreateSchedulingPolicy {
  /** Name of the access key that created it (recorded, shown as bargeCreatedBy). */
  createdBy?: string;
  name: string;
  fairsharePolicy?: FairsharePolicy;
  quotaSharePolicy?: JsonObject;
  tags?: Tags;
}

export interface UpdateSchedulingPolicy {
  arn: string;
  fairsharePolicy?: FairsharePolicy;
  quotaSharePolicy?: JsonObject;
}

export class SchedulingPolicies {
  constructor(
    private readonly store: Store,
    private readonly arns: Arns,
    private readonly clock: Clock,
    private readonly serial: Serializer,
  ) {}

  create(input: CreateSchedulingPolicy): Promise<SchedulingPolicy> {
    checkTags(input.tags);
    checkPolicyBody(input.fairsharePolicy, input.quotaSharePolicy);
    const policy: SchedulingPolicy = {
      name: input.name,
      arn: this.arns.schedulingPolicy(input.name),
      tags: input.tags ?? {},
      createdAt: this.clock.now(),
      ...(input.createdBy !== undefined ? { createdBy: input.createdBy } : {}),
    };
    if (input.fairsharePolicy) policy.fairsharePolicy = input.fairsharePolicy;
    if (input.quotaSharePolicy) policy.quotaSharePolicy = input.quotaSharePolicy;
    return this.serial.run(async () => {
      await this.store.insertResource('scheduling-policy', policy);
      return policy;
    });
  }

  async get(arn: string): Promise<SchedulingPolicy> {
    const name = this.arns.nameOf('scheduling-policy', arn);
    const policy = name === undefined ? undefined : await this.store.getResource('scheduling-policy', name);
    if (!policy) throw new NotFoundError('scheduling policy', arn);
    return policy;
  }

  /** DescribeSchedulingPolicies: unknown ARNs are left out, as for the other describe calls. */
  async describe(arns: string[]): Promise<SchedulingPolicy[]> {
    const names = arns.map((a) => this.arns.nameOf('scheduling-policy', a) ?? '').filter((n) => n !== '');
    const slice = await this.store.listResources('scheduling-policy', { names, limit: 100 });
    return slice.items;
  }

  async list(query: { maxResults?: number; nextToken?: string }): Promise<Page<SchedulingPolicy>> {
    const after = decodeToken('ListSchedulingPolicies', query.nextToken);
    const slice = await this.store.listResources('scheduling-policy', {
      ...(after !== undefined ? { after } : {}),
      limit: query.maxResults ?? 100,
    });
    return toPage('ListSchedulingPolicies', slice, (p) => p);
  }

  update(input: UpdateSchedulingPolicy): Promise<void> {
    return this.serial.run(async () => {
      const policy = await this.get(input.arn);
      const next: SchedulingPolicy = { ...policy };
      if (input.fairsharePolicy) {
        checkPolicyBody(input.fairsharePolicy, undefined);
        next.fairsharePolicy = input.fairsharePolicy;
      }
      if (input.quotaSharePolicy) next.quotaSharePolicy = input.quotaSharePolicy;
      await this.store.replaceResource('scheduling-policy', next);
    });
  }

  delete(arn: string): Promise<void> {
    return this.serial.run(async () => {
      const policy = await this.get(arn);
      const users: string[] = [];
      let after: string | undefined;
      do {
        const slice = await this.store.listResources('job-queue', { limit: 100, ...(after !== undefined ? { after } : {}) });
        users.push(...slice.items.filter((q) => q.schedulingPolicyArn === policy.arn).map((q) => q.name));
        after = slice.cursor;
      } while (after !== undefined);
      if (users.length > 0) {
        throw new ConflictError(
          'scheduling policy',
          policy.name,
          `Scheduling policy ${policy.name} is used by job queue(s) ${users.join(', ')} and cannot be deleted`,
        );
      }
      await this.store.deleteResource('scheduling-policy', policy.name);
    });
  }
}

function checkPolicyBody(fairshare: FairsharePolicy | undefined, quotaShare: JsonObject | undefined): void {
  if (fairshare && quotaShare) {
    throw new InvalidInputError('A scheduling policy takes either fairsharePolicy or quotaSharePolicy, not both');
  }
  if (!fairshare) return;
  const overlap = findShareOverlap(fairshare.shareDistribution ?? []);
  if (overlap) throw new InvalidInputError(`fairsharePolicy.shareDistribution: ${overlap}`);
}
