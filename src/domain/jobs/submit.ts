import type { Arns } from '../arn.js';
import type { JsonObject, Tags } from '../common.js';
import { InvalidInputError, InvalidStateError, NotFoundError } from '../errors.js';
import { applyContainerOverrides, type ContainerOverrides, reservationOf } from '../resources/container-properties.js';
import { type JobDefinition, type JobTimeout, platformOf, type RetryStrategy } from '../resources/job-definition.js';
import { checkRetryStrategy, checkTimeout, requireActive } from '../resources/job-definitions.js';
import type { JobQueue } from '../resources/job-queue.js';
import { mergeParameters, substituteParameters, substitutionGrowth } from '../resources/parameters.js';
import { jsonBytes, MAX_JOB_SPEC_BYTES } from '../resources/payload-quotas.js';
import { checkTags } from '../tags.js';
import type { Job, JobDependency, JobSpec } from './job.js';

export interface SubmitJob {
  jobName: string;
  jobQueue: string;
  jobDefinition: string;
  shareIdentifier?: string;
  schedulingPriorityOverride?: number;
  arraySize?: number;
  dependsOn?: JobDependency[];
  parameters?: Record<string, string>;
  containerOverrides?: ContainerOverrides;
  nodeOverrides?: JsonObject;
  ecsPropertiesOverride?: JsonObject;
  eksPropertiesOverride?: JsonObject;
  consumableResourcePropertiesOverride?: JsonObject;
  retryStrategy?: RetryStrategy;
  propagateTags?: boolean;
  timeout?: JobTimeout;
  tags?: Tags;
  /** Name of the access key that submits it. */
  createdBy?: string;
}

export const MAX_DEPENDENCIES = 20;
export const MAX_ARRAY_SIZE = 10_000;

/** What a submission is checked against: resolved before `buildJobs` runs. */
export interface SubmitContext {
  queue: JobQueue;
  definition: JobDefinition;
  /** The jobs named in dependsOn, by id; a missing id is an error. */
  dependencies: Map<string, Job>;
  fargateQueue: boolean;
}

/**
 * Turns a SubmitJob request into job records (the job, and its children for an array job),
 * applying AWS's rules (reference §5, §7). Pure: everything it needs is in `ctx`.
 */
export function buildJobs(input: SubmitJob, ctx: SubmitContext, ids: { jobId: string; now: number }, arns: Arns): Job[] {
  const { queue, definition } = ctx;
  if (queue.state !== 'ENABLED') {
    throw new InvalidStateError('job queue', queue.name, `Job queue ${queue.name} is DISABLED and does not accept jobs`);
  }
  if (queue.status !== 'VALID') {
    throw new InvalidStateError('job queue', queue.name, `Job queue ${queue.name} is ${queue.status}, not VALID`);
  }
  requireActive(definition);
  checkTags(input.tags);
  checkRetryStrategy(input.retryStrategy, 'retryStrategy');
  checkTimeout(input.timeout, 'timeout');

  const fairShare = queue.schedulingPolicyArn !== undefined;
  if (fairShare && input.shareIdentifier === undefined) {
    throw new InvalidInputError(`Job queue ${queue.name} has a fair-share scheduling policy; shareIdentifier is required`);
  }
  if (!fairShare && input.shareIdentifier !== undefined) {
    throw new InvalidInputError(`Job queue ${queue.name} is a FIFO queue; shareIdentifier can only be used with fair-share queues`);
  }
  const fargateJob = platformOf(definition) === 'FARGATE';
  if (fargateJob !== ctx.fargateQueue) {
    throw new InvalidInputError(
      `Job definition ${definition.name}:${definition.revision} is for ${fargateJob ? 'FARGATE' : 'EC2'} but job queue ${queue.name} runs ${ctx.fargateQueue ? 'FARGATE' : 'EC2'} compute environments`,
    );
  }

  checkDependencies(input, ctx);

  const parameters = mergeParameters(definition.parameters, input.parameters);
  let container = definition.containerProperties;
  if (container) {
    container = applyContainerOverrides(container, input.containerOverrides);
  } else if (input.containerOverrides) {
    throw new InvalidInputError(`containerOverrides cannot be used with job definition ${definition.name}, which has no containerProperties`);
  }
  const reservation = container ? reservationOf(container) : { vcpus: 0, memoryMiB: 0, gpus: 0 };
  if (container && !(reservation.vcpus > 0 && reservation.memoryMiB >= 4)) {
    throw new InvalidInputError('The job needs a vCPU count above 0 and at least 4 MiB of memory after overrides');
  }

  const spec: JobSpec = {
    jobName: input.jobName,
    jobQueueArn: queue.arn,
    jobDefinitionArn: definition.arn,
    parameters,
    reservation,
    dependsOn: input.dependsOn ?? [],
  };
  if (definition.platformCapabilities) spec.platformCapabilities = definition.platformCapabilities;
  if (container) spec.container = container;
  if (definition.nodeProperties) spec.nodeProperties = withOverride(definition.nodeProperties, 'nodeOverrides', input.nodeOverrides);
  if (definition.ecsProperties) spec.ecsProperties = withOverride(definition.ecsProperties, 'ecsPropertiesOverride', input.ecsPropertiesOverride);
  if (definition.eksProperties) spec.eksProperties = withOverride(definition.eksProperties, 'eksPropertiesOverride', input.eksPropertiesOverride);
  const consumable = input.consumableResourcePropertiesOverride ?? definition.consumableResourceProperties;
  if (consumable) spec.consumableResourceProperties = consumable;
  const retryStrategy = input.retryStrategy ?? definition.retryStrategy;
  if (retryStrategy) spec.retryStrategy = retryStrategy;
  const timeout = input.timeout ?? definition.timeout;
  if (timeout) spec.timeout = timeout;
  const propagateTags = input.propagateTags ?? definition.propagateTags;
  if (propagateTags !== undefined) spec.propagateTags = propagateTags;
  if (input.shareIdentifier !== undefined) spec.shareIdentifier = input.shareIdentifier;
  const priority = input.schedulingPriorityOverride ?? definition.schedulingPriority;
  if (priority !== undefined) spec.schedulingPriority = priority;
  if (input.arraySize !== undefined) spec.arraySize = input.arraySize;
  if (input.createdBy !== undefined) spec.createdBy = input.createdBy;

  // Sized with the command still unsubstituted, so a refused expansion is never built.
  const command = container?.command;
  const growth = command ? substitutionGrowth(command, parameters) : 0;
  if (specBytesAtMost(definition, input) + growth > MAX_JOB_SPEC_BYTES) {
    const bytes = jsonBytes(spec) + growth;
    if (bytes > MAX_JOB_SPEC_BYTES) {
      throw new InvalidInputError(
        `The job would be ${bytes} bytes (definition and SubmitJob merged, Ref:: parameters substituted into the command); ` +
          `Barge stores at most ${MAX_JOB_SPEC_BYTES} bytes (${MAX_JOB_SPEC_BYTES / 1024} KiB) per job`,
      );
    }
  }
  if (container && command) spec.container = { ...container, command: substituteParameters(command, parameters) };

  const job: Job = {
    jobId: ids.jobId,
    jobArn: arns.job(ids.jobId),
    spec,
    status: 'SUBMITTED',
    createdAt: ids.now,
    attempts: [],
    tags: input.tags ?? {},
  };
  const jobs = [job];
  for (let index = 0; index < (input.arraySize ?? 0); index++) {
    const childId = `${ids.jobId}:${index}`;
    // Children start in PENDING (reference §7) and carry no tags of their own.
    jobs.push({ jobId: childId, jobArn: arns.job(childId), spec, arrayParent: { jobId: ids.jobId, index }, status: 'PENDING', createdAt: ids.now, attempts: [], tags: {} });
  }
  return jobs;
}

/**
 * Every member of a job's spec comes from its definition or its SubmitJob (overrides and
 * parameters merged, never repeated), besides two ARNs, a reservation and the member names:
 * so the spec's JSON is at most the two inputs' JSON plus this. Serialising the spec itself for
 * every SubmitJob cost ~15 µs, more than the rest of the quota check; it is only needed when
 * this bound does not settle it.
 */
const SPEC_OVERHEAD_BYTES = 2048;
const definitionBytes = new WeakMap<JobDefinition, number>();

function specBytesAtMost(definition: JobDefinition, input: SubmitJob): number {
  let bytes = definitionBytes.get(definition);
  if (bytes === undefined) {
    bytes = jsonBytes(definition);
    definitionBytes.set(definition, bytes);
  }
  return bytes + jsonBytes(input) + SPEC_OVERHEAD_BYTES;
}

function checkDependencies(input: SubmitJob, ctx: SubmitContext): void {
  const deps = input.dependsOn ?? [];
  if (deps.length > MAX_DEPENDENCIES) {
    throw new InvalidInputError(`dependsOn allows at most ${MAX_DEPENDENCIES} jobs, got ${deps.length}`);
  }
  if (input.arraySize !== undefined && (input.arraySize < 2 || input.arraySize > MAX_ARRAY_SIZE)) {
    throw new InvalidInputError(`arrayProperties.size must be from 2 to ${MAX_ARRAY_SIZE}, got ${input.arraySize}`);
  }
  for (const dep of deps) {
    if (dep.type === 'SEQUENTIAL') {
      if (input.arraySize === undefined) throw new InvalidInputError('A SEQUENTIAL dependency is only allowed on an array job');
      if (dep.jobId !== undefined) throw new InvalidInputError('A SEQUENTIAL dependency must not name a jobId');
      continue;
    }
    if (dep.jobId === undefined) throw new InvalidInputError('Each dependsOn entry needs a jobId (unless its type is SEQUENTIAL)');
    const upstream = ctx.dependencies.get(dep.jobId);
    if (!upstream) throw new NotFoundError('job', dep.jobId, `Dependency job ${dep.jobId} does not exist`);
    if (dep.type === 'N_TO_N') {
      if (input.arraySize === undefined) throw new InvalidInputError('An N_TO_N dependency is only allowed on an array job');
      if (upstream.spec.arraySize === undefined || upstream.arrayParent) {
        throw new InvalidInputError(`An N_TO_N dependency must name an array job; ${dep.jobId} is not one`);
      }
      if (upstream.spec.arraySize !== input.arraySize) {
        throw new InvalidInputError(
          `An N_TO_N dependency needs arrays of the same size: ${dep.jobId} has ${upstream.spec.arraySize} children, this job ${input.arraySize}`,
        );
      }
    }
  }
}

/** Node, ECS and EKS overrides are kept beside the definition's body; the executor applies them. */
function withOverride(body: JsonObject, key: string, override: JsonObject | undefined): JsonObject {
  return override ? { ...body, [key]: override } : body;
}
