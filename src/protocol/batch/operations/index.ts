import type { Operation } from '../operation.js';
import * as ce from './compute-environments.js';
import * as jd from './job-definitions.js';
import * as jq from './job-queues.js';
import * as jobs from './jobs.js';
import * as sp from './scheduling-policies.js';

/** The POST /v1/<operation> operations Barge serves, by their AWS names. */
export const OPERATIONS: Record<string, Operation> = {
  CreateComputeEnvironment: ce.createComputeEnvironment,
  DescribeComputeEnvironments: ce.describeComputeEnvironments,
  UpdateComputeEnvironment: ce.updateComputeEnvironment,
  DeleteComputeEnvironment: ce.deleteComputeEnvironment,
  CreateJobQueue: jq.createJobQueue,
  DescribeJobQueues: jq.describeJobQueues,
  UpdateJobQueue: jq.updateJobQueue,
  DeleteJobQueue: jq.deleteJobQueue,
  GetJobQueueSnapshot: jq.getJobQueueSnapshot,
  RegisterJobDefinition: jd.registerJobDefinition,
  DescribeJobDefinitions: jd.describeJobDefinitions,
  DeregisterJobDefinition: jd.deregisterJobDefinition,
  SubmitJob: jobs.submitJob,
  DescribeJobs: jobs.describeJobs,
  ListJobs: jobs.listJobs,
  CancelJob: jobs.cancelJob,
  TerminateJob: jobs.terminateJob,
  CreateSchedulingPolicy: sp.createSchedulingPolicy,
  DescribeSchedulingPolicies: sp.describeSchedulingPolicies,
  ListSchedulingPolicies: sp.listSchedulingPolicies,
  UpdateSchedulingPolicy: sp.updateSchedulingPolicy,
  DeleteSchedulingPolicy: sp.deleteSchedulingPolicy,
};

/**
 * Operations of the Batch model (botocore batch/2016-08-10) that Barge does not serve yet.
 * They answer a ClientException naming the operation, never a silent success or a 404.
 */
export const UNSUPPORTED_OPERATIONS = [
  'CreateConsumableResource',
  'DescribeConsumableResource',
  'ListConsumableResources',
  'UpdateConsumableResource',
  'DeleteConsumableResource',
  'ListJobsByConsumableResource',
  'CreateServiceEnvironment',
  'DescribeServiceEnvironments',
  'UpdateServiceEnvironment',
  'DeleteServiceEnvironment',
  'SubmitServiceJob',
  'DescribeServiceJob',
  'ListServiceJobs',
  'UpdateServiceJob',
  'TerminateServiceJob',
  'CreateQuotaShare',
  'DescribeQuotaShare',
  'ListQuotaShares',
  'UpdateQuotaShare',
  'DeleteQuotaShare',
] as const;
