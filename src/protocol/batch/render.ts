import type { JsonObject } from '../../domain/common.js';
import type { Attempt, Job } from '../../domain/jobs/job.js';
import type { JobView } from '../../domain/jobs/jobs.js';
import type { ComputeEnvironment } from '../../domain/resources/compute-environment.js';
import type { ContainerProperties } from '../../domain/resources/container-properties.js';
import type { JobDefinition } from '../../domain/resources/job-definition.js';
import type { JobQueue } from '../../domain/resources/job-queue.js';
import type { SchedulingPolicy } from '../../domain/resources/scheduling-policy.js';
import { withCreatorTag } from '../../domain/tags.js';

/**
 * Domain objects → the JSON shapes of the Batch model (ComputeEnvironmentDetail,
 * JobQueueDetail, JobDefinition, JobDetail, JobSummary, SchedulingPolicyDetail). Unset optional
 * members are left out rather than sent as null (reference §1): they are undefined here, and
 * JSON.stringify leaves undefined members out (deleting them first cost ~40 % of rendering).
 */
type Wire = Record<string, unknown>;

export function renderComputeEnvironment(ce: ComputeEnvironment): Wire {
  const cr = ce.computeResources;
  return {
    computeEnvironmentName: ce.name,
    computeEnvironmentArn: ce.arn,
    unmanagedvCpus: ce.unmanagedvCpus,
    ecsClusterArn: ce.ecsClusterArn,
    tags: ce.tags,
    type: ce.type,
    state: ce.state,
    status: ce.status,
    statusReason: ce.statusReason,
    computeResources: cr
      ? { ...cr.other, type: cr.type, minvCpus: cr.minvCpus, maxvCpus: cr.maxvCpus, desiredvCpus: cr.desiredvCpus }
      : undefined,
    serviceRole: ce.serviceRole,
    updatePolicy: ce.updatePolicy,
    eksConfiguration: ce.eksConfiguration,
    containerOrchestrationType: ce.containerOrchestrationType,
    uuid: ce.uuid,
    context: ce.context,
    bargeCreatedBy: ce.createdBy,
  };
}

export function renderJobQueue(q: JobQueue): Wire {
  return {
    jobQueueName: q.name,
    jobQueueArn: q.arn,
    state: q.state,
    schedulingPolicyArn: q.schedulingPolicyArn,
    status: q.status,
    statusReason: q.statusReason,
    priority: q.priority,
    computeEnvironmentOrder: q.computeEnvironmentOrder,
    serviceEnvironmentOrder: q.serviceEnvironmentOrder,
    jobQueueType: q.jobQueueType,
    tags: q.tags,
    jobStateTimeLimitActions: q.jobStateTimeLimitActions,
    bargeCreatedBy: q.createdBy,
  };
}

export function renderContainerProperties(c: ContainerProperties): Wire {
  const { other, ...typed } = c;
  const volumes = typed.volumes?.map(({ other: extra, ...v }) => ({ ...extra, ...v }));
  return { ...other, ...typed, volumes };
}

/**
 * Echoes what RegisterJobDefinition was sent, plus the members AWS itself fills in (ARN,
 * revision, status, containerOrchestrationType). Nothing Barge assumes by default is shown:
 * AWS returns no platformCapabilities for a definition registered without them, and tools that
 * compare (the Terraform provider) read an added member as drift.
 */
export function renderJobDefinition(d: JobDefinition): Wire {
  return {
    jobDefinitionName: d.name,
    jobDefinitionArn: d.arn,
    revision: d.revision,
    status: d.status,
    type: d.type,
    schedulingPriority: d.schedulingPriority,
    parameters: d.parameters,
    retryStrategy: d.retryStrategy,
    containerProperties: d.containerProperties ? renderContainerProperties(d.containerProperties) : undefined,
    timeout: d.timeout,
    nodeProperties: d.nodeProperties,
    tags: Object.keys(d.tags).length > 0 ? d.tags : undefined,
    propagateTags: d.propagateTags,
    platformCapabilities: nonEmpty(d.platformCapabilities),
    ecsProperties: d.ecsProperties,
    eksProperties: d.eksProperties,
    containerOrchestrationType: d.containerOrchestrationType,
    consumableResourceProperties: d.consumableResourceProperties,
    bargeCreatedBy: d.createdBy,
  };
}

function renderAttempt(a: Attempt): Wire {
  return {
    container: { ...a.container, networkInterfaces: [] },
    startedAt: a.startedAt,
    stoppedAt: a.stoppedAt,
    statusReason: a.statusReason,
  };
}

function renderJobContainer(job: Job): Wire | undefined {
  if (!job.spec.container) return undefined;
  const latest = job.attempts[job.attempts.length - 1];
  return {
    ...renderContainerProperties(job.spec.container),
    ...(latest ? latest.container : {}),
    networkInterfaces: [],
  };
}

export function renderJobDetail(view: JobView): Wire {
  const { job } = view;
  const s = job.spec;
  let arrayProperties: Wire | undefined;
  if (job.arrayParent) arrayProperties = { index: job.arrayParent.index };
  else if (s.arraySize !== undefined) {
    arrayProperties = { size: s.arraySize, statusSummary: view.statusSummary, statusSummaryLastUpdatedAt: view.statusSummary ? Date.now() : undefined };
  }
  return {
    jobArn: job.jobArn,
    jobName: s.jobName,
    jobId: job.jobId,
    jobQueue: s.jobQueueArn,
    status: job.status,
    shareIdentifier: s.shareIdentifier,
    schedulingPriority: s.schedulingPriority,
    attempts: job.attempts.map(renderAttempt),
    statusReason: job.statusReason,
    createdAt: job.createdAt,
    retryStrategy: s.retryStrategy,
    startedAt: job.startedAt,
    stoppedAt: job.stoppedAt,
    dependsOn: s.dependsOn,
    jobDefinition: s.jobDefinitionArn,
    parameters: s.parameters,
    container: renderJobContainer(job),
    nodeProperties: s.nodeProperties,
    arrayProperties,
    timeout: s.timeout,
    tags: job.arrayParent ? undefined : withCreatorTag(job.tags, s.createdBy),
    propagateTags: s.propagateTags,
    platformCapabilities: nonEmpty(s.platformCapabilities),
    ecsProperties: s.ecsProperties as JsonObject | undefined,
    eksProperties: s.eksProperties as JsonObject | undefined,
    isCancelled: job.isCancelled,
    isTerminated: job.isTerminated,
    consumableResourceProperties: s.consumableResourceProperties,
    bargeCreatedBy: s.createdBy,
  };
}

export function renderJobSummary(job: Job): Wire {
  const latest = job.attempts[job.attempts.length - 1];
  const s = job.spec;
  return {
    jobArn: job.jobArn,
    jobId: job.jobId,
    jobName: s.jobName,
    createdAt: job.createdAt,
    shareIdentifier: s.shareIdentifier,
    status: job.status,
    statusReason: job.statusReason,
    startedAt: job.startedAt,
    stoppedAt: job.stoppedAt,
    container: latest && (latest.container.exitCode !== undefined || latest.container.reason !== undefined)
      ? { exitCode: latest.container.exitCode, reason: latest.container.reason }
      : undefined,
    arrayProperties: job.arrayParent ? { index: job.arrayParent.index } : s.arraySize !== undefined ? { size: s.arraySize } : undefined,
    jobDefinition: s.jobDefinitionArn,
  };
}

/** Definitions stored by older Barges hold `[]` for EKS; AWS sends no list then. */
function nonEmpty<T>(list: T[] | undefined): T[] | undefined {
  return list && list.length > 0 ? list : undefined;
}

export function renderSchedulingPolicy(p: SchedulingPolicy): Wire {
  return { name: p.name, arn: p.arn, fairsharePolicy: p.fairsharePolicy, quotaSharePolicy: p.quotaSharePolicy, tags: p.tags, bargeCreatedBy: p.createdBy };
}
