import type { JsonObject, Tags } from '../common.js';
import type { ContainerProperties } from './container-properties.js';

export type JobDefinitionType = 'container' | 'multinode';
export type PlatformCapability = 'EC2' | 'FARGATE';

export interface EvaluateOnExit {
  onStatusReason?: string;
  onReason?: string;
  onExitCode?: string;
  action: 'RETRY' | 'EXIT';
}

export interface RetryStrategy {
  attempts?: number;
  evaluateOnExit?: EvaluateOnExit[];
}

export interface JobTimeout {
  attemptDurationSeconds?: number;
}

export interface JobDefinition {
  name: string;
  revision: number;
  arn: string;
  status: 'ACTIVE' | 'INACTIVE';
  type: JobDefinitionType;
  parameters: Record<string, string>;
  schedulingPriority?: number;
  containerProperties?: ContainerProperties;
  nodeProperties?: JsonObject;
  ecsProperties?: JsonObject;
  eksProperties?: JsonObject;
  consumableResourceProperties?: JsonObject;
  retryStrategy?: RetryStrategy;
  timeout?: JobTimeout;
  propagateTags?: boolean;
  platformCapabilities: PlatformCapability[];
  containerOrchestrationType: 'ECS' | 'EKS';
  tags: Tags;
  createdAt: number;
  /** Name of the access key that created it. */
  createdBy?: string;
}

/** A reference to a definition as users write it: a name, `name:revision`, or an ARN of either. */
export interface JobDefinitionRef {
  name: string;
  revision?: number;
}

const REF_PATTERN = /^([A-Za-z0-9_-]{1,128})(?::([1-9][0-9]*))?$/;

/** Parses the part of a reference after the ARN prefix (or the whole of a bare reference). */
export function parseJobDefinitionRef(text: string): JobDefinitionRef | undefined {
  const m = REF_PATTERN.exec(text);
  if (!m) return undefined;
  return m[2] === undefined ? { name: m[1]! } : { name: m[1]!, revision: Number(m[2]) };
}
