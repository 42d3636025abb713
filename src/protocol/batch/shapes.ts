import { z } from 'zod';
import type { Json } from '../../domain/common.js';

/**
 * Request shapes of the Batch operations Barge serves, from the botocore model
 * `batch/2016-08-10` and its documented limits (../shared/reference/aws-batch-api.md §5, §11, §12).
 * Unknown members are dropped (newer SDKs send newer fields); members that only matter on AWS
 * are accepted with their model types and echoed back.
 */

export const json: z.ZodType<Json> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(json), z.record(json)]),
);
export const jsonObject = z.record(json);

const RESOURCE_NAME = /^[A-Za-z0-9_-]{1,128}$/;
export const resourceName = z
  .string()
  .regex(RESOURCE_NAME, 'must be 1 to 128 letters, digits, hyphens (-) or underscores (_)');
const jobName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/, 'must be 1 to 128 characters: a letter or digit, then letters, digits, hyphens or underscores');
const int = z.number().int();
const tags = z.record(z.string().min(1).max(128), z.string().max(256)).refine((t) => Object.keys(t).length <= 50, 'allows at most 50 tags');
const state = z.enum(['ENABLED', 'DISABLED']);
const maxResults = int.min(1).max(100);
const stringList = z.array(z.string());

const keyValuePair = z.object({ name: z.string().optional(), value: z.string().optional() });
const resourceRequirement = z.object({ type: z.enum(['GPU', 'VCPU', 'MEMORY']), value: z.string() });
const ulimit = z.object({ name: z.string(), softLimit: int, hardLimit: int });
const mountPoint = z.object({ containerPath: z.string().optional(), readOnly: z.boolean().optional(), sourceVolume: z.string().optional() });
const volume = z.object({
  name: z.string().max(255).optional(),
  host: z.object({ sourcePath: z.string().optional() }).optional(),
  efsVolumeConfiguration: jsonObject.optional(),
  s3filesVolumeConfiguration: jsonObject.optional(),
});
const logConfiguration = z.object({
  logDriver: z.enum(['json-file', 'syslog', 'journald', 'gelf', 'fluentd', 'awslogs', 'splunk', 'awsfirelens']),
  options: z.record(z.string()).optional(),
  secretOptions: z.array(json).optional(),
});

export const containerProperties = z.object({
  image: z.string().max(255).regex(/^[A-Za-z0-9_\-:./#@]*$/, "may contain only letters, digits and - _ : . / # @").optional(),
  vcpus: int.optional(),
  memory: int.optional(),
  command: stringList.optional(),
  jobRoleArn: z.string().optional(),
  executionRoleArn: z.string().optional(),
  volumes: z.array(volume).optional(),
  environment: z.array(keyValuePair).optional(),
  mountPoints: z.array(mountPoint).optional(),
  readonlyRootFilesystem: z.boolean().optional(),
  privileged: z.boolean().optional(),
  ulimits: z.array(ulimit).optional(),
  user: z.string().optional(),
  instanceType: z.string().optional(),
  resourceRequirements: z.array(resourceRequirement).optional(),
  linuxParameters: jsonObject.optional(),
  logConfiguration: logConfiguration.optional(),
  secrets: z.array(jsonObject).optional(),
  networkConfiguration: jsonObject.optional(),
  fargatePlatformConfiguration: jsonObject.optional(),
  enableExecuteCommand: z.boolean().optional(),
  ephemeralStorage: jsonObject.optional(),
  runtimePlatform: jsonObject.optional(),
  repositoryCredentials: jsonObject.optional(),
});
export type WireContainerProperties = z.infer<typeof containerProperties>;

const evaluateOnExit = z.object({
  onStatusReason: z.string().optional(),
  onReason: z.string().optional(),
  onExitCode: z.string().optional(),
  // The model says the action is case-insensitive on input; it is kept as spelt, as AWS echoes it.
  action: z.string().refine((a) => ['RETRY', 'EXIT'].includes(a.toUpperCase()), (a) => ({ message: `must be RETRY or EXIT, got ${a}` })),
});
export const retryStrategy = z.object({ attempts: int.optional(), evaluateOnExit: z.array(evaluateOnExit).optional() });
export const jobTimeout = z.object({ attemptDurationSeconds: int.optional() });

const computeResource = z.object({
  type: z.enum(['EC2', 'SPOT', 'FARGATE', 'FARGATE_SPOT']),
  allocationStrategy: z.enum(['BEST_FIT', 'BEST_FIT_PROGRESSIVE', 'SPOT_CAPACITY_OPTIMIZED', 'SPOT_PRICE_CAPACITY_OPTIMIZED']).optional(),
  minvCpus: int.optional(),
  maxvCpus: int,
  desiredvCpus: int.optional(),
  instanceTypes: stringList.optional(),
  imageId: z.string().optional(),
  subnets: stringList,
  securityGroupIds: stringList.optional(),
  ec2KeyPair: z.string().optional(),
  instanceRole: z.string().optional(),
  tags: z.record(z.string()).optional(),
  placementGroup: z.string().optional(),
  bidPercentage: int.min(0).max(100).optional(),
  spotIamFleetRole: z.string().optional(),
  launchTemplate: jsonObject.optional(),
  ec2Configuration: z.array(jsonObject).optional(),
  scalingPolicy: jsonObject.optional(),
});
export type WireComputeResource = z.infer<typeof computeResource>;

const computeResourceUpdate = computeResource.partial().extend({
  allocationStrategy: z.enum(['BEST_FIT_PROGRESSIVE', 'SPOT_CAPACITY_OPTIMIZED', 'SPOT_PRICE_CAPACITY_OPTIMIZED']).optional(),
  updateToLatestImageVersion: z.boolean().optional(),
});

export const createComputeEnvironment = z.object({
  computeEnvironmentName: resourceName,
  type: z.enum(['MANAGED', 'UNMANAGED']),
  state: state.optional(),
  unmanagedvCpus: int.optional(),
  computeResources: computeResource.optional(),
  serviceRole: z.string().optional(),
  tags: tags.optional(),
  eksConfiguration: jsonObject.optional(),
  context: z.string().optional(),
});

export const updateComputeEnvironment = z.object({
  computeEnvironment: z.string(),
  state: state.optional(),
  unmanagedvCpus: int.optional(),
  computeResources: computeResourceUpdate.optional(),
  serviceRole: z.string().optional(),
  updatePolicy: z.object({ terminateJobsOnUpdate: z.boolean().optional(), jobExecutionTimeoutMinutes: int.min(1).max(360).optional() }).optional(),
  context: z.string().optional(),
});

export const describeComputeEnvironments = z.object({
  computeEnvironments: stringList.max(100).optional(),
  maxResults: maxResults.optional(),
  nextToken: z.string().optional(),
});

export const deleteComputeEnvironment = z.object({ computeEnvironment: z.string() });

const computeEnvironmentOrder = z.object({ order: int, computeEnvironment: z.string() });
const jobStateTimeLimitAction = z.object({
  reason: z.string(),
  state: z.literal('RUNNABLE'),
  maxTimeSeconds: int,
  action: z.enum(['CANCEL', 'TERMINATE']),
});

export const createJobQueue = z.object({
  jobQueueName: resourceName,
  state: state.optional(),
  schedulingPolicyArn: z.string().optional(),
  priority: int,
  computeEnvironmentOrder: z.array(computeEnvironmentOrder).optional(),
  serviceEnvironmentOrder: z.array(jsonObject).optional(),
  jobQueueType: z.enum(['EKS', 'ECS', 'ECS_FARGATE', 'SAGEMAKER_TRAINING']).optional(),
  tags: tags.optional(),
  jobStateTimeLimitActions: z.array(jobStateTimeLimitAction).optional(),
});

export const updateJobQueue = z.object({
  jobQueue: z.string(),
  state: state.optional(),
  schedulingPolicyArn: z.string().optional(),
  priority: int.optional(),
  computeEnvironmentOrder: z.array(computeEnvironmentOrder).optional(),
  serviceEnvironmentOrder: z.array(jsonObject).optional(),
  jobStateTimeLimitActions: z.array(jobStateTimeLimitAction).optional(),
});

export const describeJobQueues = z.object({
  jobQueues: stringList.max(100).optional(),
  maxResults: maxResults.optional(),
  nextToken: z.string().optional(),
});

export const jobQueueReference = z.object({ jobQueue: z.string() });

export const registerJobDefinition = z.object({
  jobDefinitionName: resourceName,
  type: z.enum(['container', 'multinode']),
  parameters: z.record(z.string()).optional(),
  schedulingPriority: int.min(0).max(9999).optional(),
  containerProperties: containerProperties.optional(),
  nodeProperties: jsonObject.optional(),
  retryStrategy: retryStrategy.optional(),
  propagateTags: z.boolean().optional(),
  timeout: jobTimeout.optional(),
  tags: tags.optional(),
  platformCapabilities: z.array(z.enum(['EC2', 'FARGATE'])).optional(),
  eksProperties: jsonObject.optional(),
  ecsProperties: jsonObject.optional(),
  consumableResourceProperties: jsonObject.optional(),
});

export const describeJobDefinitions = z.object({
  jobDefinitions: stringList.max(100).optional(),
  maxResults: maxResults.optional(),
  jobDefinitionName: z.string().optional(),
  status: z.string().optional(),
  nextToken: z.string().optional(),
});

export const deregisterJobDefinition = z.object({ jobDefinition: z.string() });

export const containerOverrides = z.object({
  vcpus: int.optional(),
  memory: int.optional(),
  command: stringList.optional(),
  instanceType: z.string().optional(),
  environment: z.array(keyValuePair).optional(),
  resourceRequirements: z.array(resourceRequirement).optional(),
});

export const submitJob = z.object({
  jobName,
  jobQueue: z.string(),
  shareIdentifier: z
    .string()
    .regex(/^[A-Za-z0-9]{1,255}\*?$/, 'must be up to 255 letters or digits, optionally ending with *')
    .optional(),
  schedulingPriorityOverride: int.min(0).max(9999).optional(),
  arrayProperties: z.object({ size: int.optional() }).optional(),
  dependsOn: z.array(z.object({ jobId: z.string().optional(), type: z.enum(['N_TO_N', 'SEQUENTIAL']).optional() })).optional(),
  jobDefinition: z.string(),
  parameters: z.record(z.string()).optional(),
  containerOverrides: containerOverrides.optional(),
  nodeOverrides: jsonObject.optional(),
  retryStrategy: retryStrategy.optional(),
  propagateTags: z.boolean().optional(),
  timeout: jobTimeout.optional(),
  tags: tags.optional(),
  eksPropertiesOverride: jsonObject.optional(),
  ecsPropertiesOverride: jsonObject.optional(),
  consumableResourcePropertiesOverride: jsonObject.optional(),
});

export const describeJobs = z.object({ jobs: stringList.max(100) });

export const listJobs = z.object({
  jobQueue: z.string().optional(),
  arrayJobId: z.string().optional(),
  multiNodeJobId: z.string().optional(),
  jobStatus: z.string().optional(),
  maxResults: int.min(1).max(1000).optional(),
  nextToken: z.string().optional(),
  filters: z.array(z.object({ name: z.string().optional(), values: stringList.optional() })).optional(),
});

export const stopJob = z.object({ jobId: z.string(), reason: z.string() });

const fairsharePolicy = z.object({
  shareDecaySeconds: int.min(0).max(604800).optional(),
  computeReservation: int.min(0).max(99).optional(),
  shareDistribution: z
    .array(
      z.object({
        shareIdentifier: z.string().regex(/^[A-Za-z0-9]{1,255}\*?$/, 'must be up to 255 letters or digits, optionally ending with *'),
        weightFactor: z.number().min(0.0001).max(999.9999).optional(),
      }),
    )
    .max(500)
    .optional(),
});

export const createSchedulingPolicy = z.object({
  name: resourceName,
  fairsharePolicy: fairsharePolicy.optional(),
  quotaSharePolicy: jsonObject.optional(),
  tags: tags.optional(),
});

export const updateSchedulingPolicy = z.object({
  arn: z.string(),
  fairsharePolicy: fairsharePolicy.optional(),
  quotaSharePolicy: jsonObject.optional(),
});

export const schedulingPolicyReference = z.object({ arn: z.string() });
export const describeSchedulingPolicies = z.object({ arns: stringList.max(100) });
export const listSchedulingPolicies = z.object({ maxResults: maxResults.optional(), nextToken: z.string().optional() });

export const tagResource = z.object({ tags });
export const untagResource = z.object({ tagKeys: z.array(z.string().min(1).max(128)).min(1).max(50) });
