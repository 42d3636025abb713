import type { Arns } from '../arn.js';
import type { JsonObject, Page, ResourceState, Tags } from '../common.js';
import { ConflictError, InvalidInputError, InvalidStateError, NotFoundError } from '../errors.js';
import { decodeToken, toPage } from '../pagination.js';
import type { Clock, IdSource, Store } from '../ports.js';
import type { Serializer } from '../serial.js';
import { checkTags } from '../tags.js';
import {
  type ComputeEnvironment,
  type ComputeEnvironmentType,
  type ComputeResources,
  isFargate,
} from './compute-environment.js';

export interface CreateComputeEnvironment {
  /** Name of the access key that created it (recorded, shown as bargeCreatedBy). */
  createdBy?: string;
  name: string;
  type: ComputeEnvironmentType;
  state?: ResourceState;
  unmanagedvCpus?: number;
  computeResources?: ComputeResources;
  serviceRole?: string;
  tags?: Tags;
  eksConfiguration?: JsonObject;
  context?: string;
}

export interface UpdateComputeEnvironment {
  computeEnvironment: string;
  state?: ResourceState;
  unmanagedvCpus?: number;
  computeResources?: Partial<Omit<ComputeResources, 'type' | 'other'>> & { type?: ComputeResources['type']; other: JsonObject };
  serviceRole?: string;
  updatePolicy?: JsonObject;
  context?: string;
}

const HEALTHY = 'ComputeEnvironment Healthy';

export class ComputeEnvironments {
  /** Called after every change, so the scheduler can react (capacity or state may have changed). */
  onChange: () => void = () => undefined;

  constructor(
    private readonly store: Store,
    private readonly arns: Arns,
    private readonly clock: Clock,
    private readonly ids: IdSource,
    private readonly serial: Serializer,
  ) {}

  create(input: CreateComputeEnvironment): Promise<ComputeEnvironment> {
    checkTags(input.tags);
    if (input.type === 'MANAGED') {
      if (!input.computeResources) throw new InvalidInputError('computeResources is required for a MANAGED compute environment');
      if (input.unmanagedvCpus !== undefined) {
        throw new InvalidInputError('unmanagedvCpus can only be set on an UNMANAGED compute environment');
      }
      checkComputeResources(input.computeResources);
    } else if (input.computeResources) {
      throw new InvalidInputError('computeResources cannot be set on an UNMANAGED compute environment');
    }
    if (input.unmanagedvCpus !== undefined && input.unmanagedvCpus < 0) {
      throw new InvalidInputError(`unmanagedvCpus must be 0 or more, got ${input.unmanagedvCpus}`);
    }
    const ce: ComputeEnvironment = {
      name: input.name,
      arn: this.arns.computeEnvironment(input.name),
      type: input.type,
      state: input.state ?? 'ENABLED',
      // Barge validates synchronously, so an environment is VALID as soon as it is created.
      status: 'VALID',
      statusReason: HEALTHY,
      containerOrchestrationType: input.eksConfiguration ? 'EKS' : 'ECS',
      uuid: this.ids.uuid(),
      ecsClusterArn: this.arns.ecsCluster(input.name),
      tags: input.tags ?? {},
      createdAt: this.clock.now(),
      ...(input.createdBy !== undefined ? { createdBy: input.createdBy } : {}),
    };
    if (input.unmanagedvCpus !== undefined) ce.unmanagedvCpus = input.unmanagedvCpus;
    if (input.computeResources) {
      const cr = { ...input.computeResources };
      if (!isFargate(cr.type)) {
        cr.minvCpus ??= 0;
        cr.desiredvCpus ??= cr.minvCpus;
      }
      ce.computeResources = cr;
    }
    if (input.serviceRole !== undefined) ce.serviceRole = input.serviceRole;
    if (input.eksConfiguration !== undefined) ce.eksConfiguration = input.eksConfiguration;
    if (input.context !== undefined) ce.context = input.context;
    return this.serial.run(async () => {
      await this.store.insertResource('compute-environment', ce);
      return ce;
    });
  }

  async describe(query: { names?: string[]; maxResults?: number; nextToken?: string }): Promise<Page<ComputeEnvironment>> {
    const after = decodeToken('DescribeComputeEnvironments', query.nextToken);
    const names = query.names?.map((n) => this.arns.nameOf('compute-environment', n) ?? '').filter((n) => n !== '');
    const slice = await this.store.listResources('compute-environment', {
      ...(names ? { names } : {}),
      ...(after !== undefined ? { after } : {}),
      limit: query.maxResults ?? 100,
    });
    return toPage('DescribeComputeEnvironments', slice, (ce) => ce);
  }

  /** Looks up an environment by name or ARN. */
  async get(nameOrArn: string): Promise<ComputeEnvironment> {
    const name = this.arns.nameOf('compute-environment', nameOrArn);
    const ce = name === undefined ? undefined : await this.store.getResource('compute-environment', name);
    if (!ce) throw new NotFoundError('compute environment', nameOrArn);
    return ce;
  }

  update(input: UpdateComputeEnvironment): Promise<ComputeEnvironment> {
    return this.serial.run(async () => {
      const ce = await this.get(input.computeEnvironment);
      const next: ComputeEnvironment = { ...ce };
      if (input.state !== undefined) next.state = input.state;
      if (input.unmanagedvCpus !== undefined) {
        if (ce.type !== 'UNMANAGED') throw new InvalidInputError('unmanagedvCpus can only be set on an UNMANAGED compute environment');
        if (input.unmanagedvCpus < 0) throw new InvalidInputError(`unmanagedvCpus must be 0 or more, got ${input.unmanagedvCpus}`);
        next.unmanagedvCpus = input.unmanagedvCpus;
      }
      if (input.computeResources) {
        if (!ce.computeResources) throw new InvalidInputError('computeResources cannot be set on an UNMANAGED compute environment');
        const { other, ...numbers } = input.computeResources;
        const merged: ComputeResources = {
          ...ce.computeResources,
          ...definedOnly(numbers),
          other: { ...ce.computeResources.other, ...other },
        };
        if (numbers.desiredvCpus === undefined && merged.desiredvCpus !== undefined) {
          // A new min or max that excludes the current desired count moves it, as AWS's scaling does.
          merged.desiredvCpus = Math.min(Math.max(merged.desiredvCpus, merged.minvCpus ?? 0), merged.maxvCpus);
        }
        checkComputeResources(merged);
        next.computeResources = merged;
      }
      if (input.serviceRole !== undefined) next.serviceRole = input.serviceRole;
      if (input.updatePolicy !== undefined) next.updatePolicy = input.updatePolicy;
      if (input.context !== undefined) next.context = input.context;
      await this.store.replaceResource('compute-environment', next);
      this.onChange();
      return next;
    });
  }

  delete(nameOrArn: string): Promise<void> {
    return this.serial.run(async () => {
      const ce = await this.get(nameOrArn);
      if (ce.state !== 'DISABLED') {
        throw new InvalidStateError('compute environment', ce.name, `Compute environment ${ce.name} must be DISABLED before it can be deleted`);
      }
      const users: string[] = [];
      let after: string | undefined;
      do {
        const slice = await this.store.listResources('job-queue', { limit: 100, ...(after !== undefined ? { after } : {}) });
        for (const q of slice.items) {
          if (q.computeEnvironmentOrder.some((o) => o.computeEnvironment === ce.arn)) users.push(q.name);
        }
        after = slice.cursor;
      } while (after !== undefined);
      if (users.length > 0) {
        throw new ConflictError(
          'compute environment',
          ce.name,
          `Compute environment ${ce.name} is still used by job queue(s) ${users.join(', ')}; remove it from their computeEnvironmentOrder first`,
        );
      }
      await this.store.deleteResource('compute-environment', ce.name);
    });
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Capacity rules from the model docs (reference §9): min ≤ desired ≤ max, Fargate has no min/desired. */
function checkComputeResources(cr: ComputeResources): void {
  if (cr.maxvCpus < 0) throw new InvalidInputError(`computeResources.maxvCpus must be 0 or more, got ${cr.maxvCpus}`);
  if (isFargate(cr.type)) {
    for (const field of ['minvCpus', 'desiredvCpus'] as const) {
      if (cr[field] !== undefined && cr[field] !== 0) {
        throw new InvalidInputError(`computeResources.${field} cannot be set for a ${cr.type} compute environment`);
      }
    }
    for (const field of ['instanceTypes', 'allocationStrategy', 'instanceRole', 'ec2KeyPair', 'imageId', 'launchTemplate']) {
      if (cr.other[field] !== undefined) {
        throw new InvalidInputError(`computeResources.${field} cannot be set for a ${cr.type} compute environment`);
      }
    }
    return;
  }
  const min = cr.minvCpus ?? 0;
  if (min < 0) throw new InvalidInputError(`computeResources.minvCpus must be 0 or more, got ${min}`);
  if (min > cr.maxvCpus) {
    throw new InvalidInputError(`computeResources.minvCpus (${min}) cannot be greater than maxvCpus (${cr.maxvCpus})`);
  }
  if (cr.desiredvCpus !== undefined && (cr.desiredvCpus < min || cr.desiredvCpus > cr.maxvCpus)) {
    throw new InvalidInputError(
      `computeResources.desiredvCpus (${cr.desiredvCpus}) must be between minvCpus (${min}) and maxvCpus (${cr.maxvCpus})`,
    );
  }
}
