import type { JsonObject, ResourceState, ResourceStatus, Tags } from '../common.js';

export interface ComputeEnvironmentOrder {
  order: number;
  /** Always the environment's ARN once stored (names are resolved on input). */
  computeEnvironment: string;
}

export interface JobStateTimeLimitAction {
  reason: string;
  state: 'RUNNABLE';
  maxTimeSeconds: number;
  action: 'CANCEL' | 'TERMINATE';
}

export type JobQueueType = 'EKS' | 'ECS' | 'ECS_FARGATE' | 'SAGEMAKER_TRAINING';

export interface JobQueue {
  name: string;
  arn: string;
  state: ResourceState;
  status: ResourceStatus;
  statusReason?: string;
  priority: number;
  schedulingPolicyArn?: string;
  computeEnvironmentOrder: ComputeEnvironmentOrder[];
  serviceEnvironmentOrder?: JsonObject[];
  jobQueueType?: JobQueueType;
  jobStateTimeLimitActions: JobStateTimeLimitAction[];
  tags: Tags;
  createdAt: number;
  /** Name of the access key that created it. */
  createdBy?: string;
}

/** The name in a job queue ARN (`arn:aws:batch:<region>:<account>:job-queue/<name>`). */
export function jobQueueNameOf(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** The statusReason of jobs that a DeleteJobQueue ends (Barge's wording). */
export function queueDeletedReason(queueName: string): string {
  return `Job queue ${queueName} was deleted`;
}
