import type { Arns } from '../arn.js';
import type { Page } from '../common.js';
import { InvalidInputError, InvalidStateError, NotFoundError } from '../errors.js';
import { decodeToken, toPage } from '../pagination.js';
import type { Clock, Store } from '../ports.js';
import { checkTags } from '../tags.js';
import { checkContainerProperties } from './container-properties.js';
import {
  type JobDefinition,
  type JobTimeout,
  parseJobDefinitionRef,
  platformOf,
  type RetryStrategy,
} from './job-definition.js';

/** What RegisterJobDefinition takes: a definition's own fields, before Barge adds revision, ARN and status. */
export type RegisterJobDefinition = Pick<JobDefinition, 'name' | 'type'> &
  Partial<
    Pick<
      JobDefinition,
      | 'parameters'
      | 'schedulingPriority'
      | 'containerProperties'
      | 'nodeProperties'
      | 'ecsProperties'
      | 'eksProperties'
      | 'consumableResourceProperties'
      | 'retryStrategy'
      | 'timeout'
      | 'propagateTags'
      | 'platformCapabilities'
      | 'tags'
      | 'createdBy'
    >
  >;

export class JobDefinitions {
  constructor(
    private readonly store: Store,
    private readonly arns: Arns,
    private readonly clock: Clock,
  ) {}

  async register(input: RegisterJobDefinition): Promise<JobDefinition> {
    checkTags(input.tags);
    const bodies = (['containerProperties', 'ecsProperties', 'eksProperties', 'nodeProperties'] as const).filter(
      (k) => input[k] !== undefined,
    );
    if (input.type === 'container') {
      if (bodies.length !== 1 || bodies[0] === 'nodeProperties') {
        throw new InvalidInputError(
          'A container job definition needs exactly one of containerProperties, ecsProperties or eksProperties',
        );
      }
    } else if (bodies.length !== 1 || bodies[0] !== 'nodeProperties') {
      throw new InvalidInputError('A multinode job definition needs nodeProperties (and none of the container bodies)');
    }
    if (input.eksProperties && input.platformCapabilities !== undefined) {
      throw new InvalidInputError('platformCapabilities must be omitted for a job definition with eksProperties');
    }
    if (input.platformCapabilities !== undefined && input.platformCapabilities.length !== 1) {
      throw new InvalidInputError('platformCapabilities takes exactly one of EC2 or FARGATE');
    }
    const fargate = platformOf(input) === 'FARGATE';
    if (fargate && input.type === 'multinode') throw new InvalidInputError('Multi-node job definitions cannot run on FARGATE');
    if (input.containerProperties) {
      checkContainerProperties(input.containerProperties, 'containerProperties', fargate);
      if (fargate && input.containerProperties.other['executionRoleArn'] === undefined) {
        throw new InvalidInputError('containerProperties.executionRoleArn is required for FARGATE job definitions');
      }
    }
    checkRetryStrategy(input.retryStrategy, 'retryStrategy');
    checkTimeout(input.timeout, 'timeout');

    const definition: Omit<JobDefinition, 'revision' | 'arn'> = {
      name: input.name,
      status: 'ACTIVE',
      type: input.type,
      containerOrchestrationType: input.eksProperties ? 'EKS' : 'ECS',
      tags: input.tags ?? {},
      createdAt: this.clock.now(),
      ...(input.createdBy !== undefined ? { createdBy: input.createdBy } : {}),
    };
    if (input.parameters !== undefined) definition.parameters = input.parameters;
    if (input.platformCapabilities !== undefined) definition.platformCapabilities = input.platformCapabilities;
    if (input.schedulingPriority !== undefined) definition.schedulingPriority = input.schedulingPriority;
    if (input.containerProperties) definition.containerProperties = input.containerProperties;
    if (input.nodeProperties) definition.nodeProperties = input.nodeProperties;
    if (input.ecsProperties) definition.ecsProperties = input.ecsProperties;
    if (input.eksProperties) definition.eksProperties = input.eksProperties;
    if (input.consumableResourceProperties) definition.consumableResourceProperties = input.consumableResourceProperties;
    if (input.retryStrategy) definition.retryStrategy = input.retryStrategy;
    if (input.timeout) definition.timeout = input.timeout;
    if (input.propagateTags !== undefined) definition.propagateTags = input.propagateTags;
    return this.store.insertJobDefinition(definition, (revision) => this.arns.jobDefinition(input.name, revision));
  }

  /**
   * Resolves what SubmitJob accepts: `name` (latest ACTIVE revision), `name:revision`, or the
   * ARN of either. The result may be INACTIVE; callers decide whether that is allowed.
   */
  async resolve(reference: string): Promise<JobDefinition> {
    const ref = this.parseReference(reference);
    const definition =
      ref.revision === undefined
        ? await this.store.getLatestActiveJobDefinition(ref.name)
        : await this.store.getJobDefinition(ref.name, ref.revision);
    if (!definition) throw new NotFoundError('job definition', reference);
    return definition;
  }

  async deregister(reference: string): Promise<void> {
    const ref = this.parseReference(reference);
    if (ref.revision === undefined) {
      throw new InvalidInputError(`Job definition ${reference} must name a revision (name:revision or its ARN)`);
    }
    const definition = await this.store.getJobDefinition(ref.name, ref.revision);
    if (!definition) throw new NotFoundError('job definition', reference);
    if (definition.status === 'INACTIVE') return;
    await this.store.updateJobDefinition(ref.name, ref.revision, { status: 'INACTIVE' });
  }

  async describe(query: {
    jobDefinitions?: string[];
    jobDefinitionName?: string;
    status?: string;
    maxResults?: number;
    nextToken?: string;
  }): Promise<Page<JobDefinition>> {
    const after = decodeToken('DescribeJobDefinitions', query.nextToken);
    if (query.status !== undefined && query.status !== 'ACTIVE' && query.status !== 'INACTIVE') {
      throw new InvalidInputError(`status must be ACTIVE or INACTIVE, got ${query.status}`);
    }
    const limit = query.maxResults ?? 100;
    const base = { ...(after !== undefined ? { after } : {}), limit };
    if (query.jobDefinitions && query.jobDefinitions.length > 0) {
      if (query.jobDefinitionName !== undefined || query.status !== undefined) {
        throw new InvalidInputError('jobDefinitions cannot be combined with jobDefinitionName or status');
      }
      const refs: { name: string; revision: number }[] = [];
      const names: string[] = [];
      for (const reference of query.jobDefinitions) {
        const ref = this.parseReference(reference);
        if (ref.revision === undefined) names.push(ref.name);
        else refs.push({ name: ref.name, revision: ref.revision });
      }
      // A bare name in the list stands for all of its revisions.
      const slice = await this.store.listJobDefinitions({ ...base, refs, ...(names.length ? { names } : {}) });
      return toPage('DescribeJobDefinitions', slice, (d) => d);
    }
    const slice = await this.store.listJobDefinitions({
      ...base,
      ...(query.jobDefinitionName !== undefined ? { name: query.jobDefinitionName } : {}),
      ...(query.status !== undefined ? { status: query.status } : {}),
    });
    return toPage('DescribeJobDefinitions', slice, (d) => d);
  }

  private parseReference(reference: string) {
    let text = reference;
    if (reference.startsWith('arn:')) {
      const parsed = this.arns.parse(reference);
      if (!parsed || parsed.resourceType !== 'job-definition') {
        throw new NotFoundError('job definition', reference);
      }
      text = parsed.resource;
    }
    const ref = parseJobDefinitionRef(text);
    if (!ref) throw new InvalidInputError(`${reference} is not a job definition name, name:revision or ARN`);
    return ref;
  }
}

/** Rules of RetryStrategy (reference §5): attempts 1..10, at most 5 evaluateOnExit rules, each pattern well-formed. */
export function checkRetryStrategy(strategy: RetryStrategy | undefined, where: string): void {
  if (!strategy) return;
  if (strategy.attempts !== undefined && (strategy.attempts < 1 || strategy.attempts > 10)) {
    throw new InvalidInputError(`${where}.attempts must be from 1 to 10, got ${strategy.attempts}`);
  }
  const rules = strategy.evaluateOnExit ?? [];
  if (rules.length > 5) throw new InvalidInputError(`${where}.evaluateOnExit allows at most 5 rules, got ${rules.length}`);
  if (rules.length > 0 && strategy.attempts === undefined) {
    throw new InvalidInputError(`${where}.evaluateOnExit needs ${where}.attempts`);
  }
  for (const rule of rules) {
    if (rule.onExitCode !== undefined && !/^[0-9]*\*?$/.test(rule.onExitCode)) {
      throw new InvalidInputError(`${where}.evaluateOnExit.onExitCode '${rule.onExitCode}' may contain only digits and a trailing *`);
    }
    for (const field of ['onReason', 'onStatusReason'] as const) {
      const pattern = rule[field];
      if (pattern !== undefined && !/^[A-Za-z0-9.: \t]*\*?$/.test(pattern)) {
        throw new InvalidInputError(
          `${where}.evaluateOnExit.${field} '${pattern}' may contain only letters, digits, '.', ':', spaces and a trailing *`,
        );
      }
    }
    for (const field of ['onExitCode', 'onReason', 'onStatusReason'] as const) {
      if ((rule[field]?.length ?? 0) > 512) throw new InvalidInputError(`${where}.evaluateOnExit.${field} is longer than 512 characters`);
    }
  }
}

export function checkTimeout(timeout: JobTimeout | undefined, where: string): void {
  const seconds = timeout?.attemptDurationSeconds;
  if (seconds !== undefined && seconds < 60) {
    throw new InvalidInputError(`${where}.attemptDurationSeconds must be at least 60, got ${seconds}`);
  }
}

export function requireActive(definition: JobDefinition): void {
  if (definition.status !== 'ACTIVE') {
    throw new InvalidStateError('job definition', definition.arn, `Job definition ${definition.arn} is INACTIVE (deregistered)`);
  }
}
