import type { JsonObject, Tags } from '../common.js';
import type { ContainerProperties } from './container-properties.js';

export type JobDefinitionType = 'container' | 'multinode';
export type PlatformCapability = 'EC2' | 'FARGATE';

export interface EvaluateOnExit {
  onStatusReason?: string;
  onReason?: string;
  onExitCode?: string;
  /**
   * RETRY or EXIT in any letter case, kept as the caller spelt it: AWS echoes the spelling
   * (the Terraform provider sends `retry` and reads back `retry`), so compare with `isRetry`.
   */
  action: string;
}

export function isRetry(rule: EvaluateOnExit): boolean {
  return rule.action.toUpperCase() === 'RETRY';
}

export interface RetryStrategy {
  attempts?: number;
  evaluateOnExit?: EvaluateOnExit[];
}

export interface JobTimeout {
  attemptDurationSeconds?: number;
}

/**
 * A registered revision. Optional members hold exactly what RegisterJobDefinition was sent, so
 * DescribeJobDefinitions can echo it: a member Barge filled in would read back as drift to
 * tools that compare (Terraform registers a new revision on every apply). Defaults that matter
 * for running jobs are applied where they are used (`platformOf`).
 */
export interface JobDefinition {
  name: string;
  revision: number;
  arn: string;
  status: 'ACTIVE' | 'INACTIVE';
  type: JobDefinitionType;
  parameters?: Record<string, string>;
  schedulingPriority?: number;
  containerProperties?: ContainerProperties;
  nodeProperties?: JsonObject;
  ecsProperties?: JsonObject;
  eksProperties?: JsonObject;
  consumableResourceProperties?: JsonObject;
  retryStrategy?: RetryStrategy;
  timeout?: JobTimeout;
  propagateTags?: boolean;
  /** As sent; absent means EC2 (see `platformOf`). Definitions stored by older Barges hold `['EC2']`. */
  platformCapabilities?: PlatformCapability[];
  /** Output-only member AWS fills in itself: EKS for eksProperties, else ECS. */
  containerOrchestrationType: 'ECS' | 'EKS';
  tags: Tags;
  createdAt: number;
  /** Name of the access key that created it. */
  createdBy?: string;
}

/** Where a definition's jobs run: FARGATE only when it says so; EC2 is AWS's default. */
export function platformOf(definition: Pick<JobDefinition, 'platformCapabilities'>): PlatformCapability {
  return definition.platformCapabilities?.includes('FARGATE') ? 'FARGATE' : 'EC2';
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
