import type { JsonObject, ResourceState, ResourceStatus, Tags } from '../common.js';

export type ComputeEnvironmentType = 'MANAGED' | 'UNMANAGED';
export type ComputeResourceType = 'EC2' | 'SPOT' | 'FARGATE' | 'FARGATE_SPOT';

/**
 * The capacity fields the scheduler reads, plus every other field of AWS's
 * ComputeResource kept as sent (subnets, roles, instance types only matter on AWS).
 */
export interface ComputeResources {
  type: ComputeResourceType;
  minvCpus?: number;
  maxvCpus: number;
  desiredvCpus?: number;
  /** All other members of ComputeResource, stored and echoed unchanged. */
  other: JsonObject;
}

export interface ComputeEnvironment {
  name: string;
  arn: string;
  type: ComputeEnvironmentType;
  state: ResourceState;
  status: ResourceStatus;
  statusReason?: string;
  unmanagedvCpus?: number;
  computeResources?: ComputeResources;
  serviceRole?: string;
  updatePolicy?: JsonObject;
  eksConfiguration?: JsonObject;
  context?: string;
  containerOrchestrationType: 'ECS' | 'EKS';
  uuid: string;
  ecsClusterArn: string;
  tags: Tags;
  createdAt: number;
  /** Name of the access key that created it. */
  createdBy?: string;
}

export function isFargate(type: ComputeResourceType): boolean {
  return type === 'FARGATE' || type === 'FARGATE_SPOT';
}

/** vCPUs this environment may run at once: AWS's `maxvCpus`, or `unmanagedvCpus` for UNMANAGED ones. */
export function capacityVcpus(ce: ComputeEnvironment): number {
  if (ce.type === 'UNMANAGED') return ce.unmanagedvCpus ?? 0;
  return ce.computeResources?.maxvCpus ?? 0;
}
