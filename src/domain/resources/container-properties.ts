import type { Json, JsonObject, KeyValuePair } from '../common.js';
import { InvalidInputError } from '../errors.js';

export type ResourceType = 'GPU' | 'VCPU' | 'MEMORY';

export interface ResourceRequirement {
  type: ResourceType;
  value: string;
}

export interface Volume {
  name?: string;
  host?: { sourcePath?: string };
  /** efs/s3 volume configurations, stored and echoed. */
  other?: JsonObject;
}

export interface MountPoint {
  containerPath?: string;
  readOnly?: boolean;
  sourceVolume?: string;
}

export interface Ulimit {
  name: string;
  softLimit: number;
  hardLimit: number;
}

export interface LogConfiguration {
  logDriver: string;
  options?: Record<string, string>;
  secretOptions?: Json[];
}

/**
 * A container as a job definition describes it (AWS ContainerProperties). The fields the
 * executor uses are typed; the AWS-only ones ride along in `other`.
 */
export interface ContainerProperties {
  image?: string;
  vcpus?: number;
  memory?: number;
  command?: string[];
  environment?: KeyValuePair[];
  resourceRequirements?: ResourceRequirement[];
  volumes?: Volume[];
  mountPoints?: MountPoint[];
  readonlyRootFilesystem?: boolean;
  privileged?: boolean;
  ulimits?: Ulimit[];
  user?: string;
  linuxParameters?: JsonObject;
  logConfiguration?: LogConfiguration;
  /** jobRoleArn, executionRoleArn, secrets, networkConfiguration, fargatePlatformConfiguration, … */
  other: JsonObject;
}

export interface ContainerOverrides {
  vcpus?: number;
  memory?: number;
  command?: string[];
  instanceType?: string;
  environment?: KeyValuePair[];
  resourceRequirements?: ResourceRequirement[];
}

/** What a container reserves, in the units the scheduler counts. */
export interface Reservation {
  vcpus: number;
  memoryMiB: number;
  gpus: number;
}

const DEPRECATED_KEY_MESSAGE =
  "This value was submitted in a deprecated key and may conflict with the value provided by the job definition's resource requirements.";

function requirementValue(list: ResourceRequirement[] | undefined, type: ResourceType): string | undefined {
  return list?.find((r) => r.type === type)?.value;
}

/** The effective reservation of a container: resourceRequirements first, then the legacy fields. */
export function reservationOf(container: ContainerProperties): Reservation {
  const vcpu = requirementValue(container.resourceRequirements, 'VCPU');
  const memory = requirementValue(container.resourceRequirements, 'MEMORY');
  const gpu = requirementValue(container.resourceRequirements, 'GPU');
  return {
    vcpus: vcpu !== undefined ? Number(vcpu) : (container.vcpus ?? 0),
    memoryMiB: memory !== undefined ? Number(memory) : (container.memory ?? 0),
    gpus: gpu !== undefined ? Number(gpu) : 0,
  };
}

/**
 * Rules for a container in a job definition that the model cannot express
 * (reference §5): memory ≥ 4 MiB and set once, vCPU set, each requirement type at most once,
 * no reserved variable names.
 */
export function checkContainerProperties(c: ContainerProperties, where: string, fargate: boolean): void {
  checkRequirements(c.resourceRequirements, `${where}.resourceRequirements`);
  if (c.vcpus !== undefined && requirementValue(c.resourceRequirements, 'VCPU') !== undefined) {
    throw new InvalidInputError(`${where}: set vCPUs either in vcpus or in resourceRequirements, not both`);
  }
  if (c.memory !== undefined && requirementValue(c.resourceRequirements, 'MEMORY') !== undefined) {
    throw new InvalidInputError(`${where}: set memory either in memory or in resourceRequirements, not both`);
  }
  if (fargate && (c.vcpus !== undefined || c.memory !== undefined)) {
    throw new InvalidInputError(`${where}: Fargate jobs take vCPUs and memory only in resourceRequirements`);
  }
  if (!c.image) throw new InvalidInputError(`${where}.image is required`);
  const r = reservationOf(c);
  if (!(r.vcpus > 0)) {
    throw new InvalidInputError(`${where}: vCPUs must be set (resourceRequirements VCPU, or vcpus) and greater than 0`);
  }
  if (!(r.memoryMiB >= 4)) {
    throw new InvalidInputError(`${where}: memory must be set (resourceRequirements MEMORY, or memory) and at least 4 MiB`);
  }
  if (!fargate && !Number.isInteger(r.vcpus)) {
    throw new InvalidInputError(`${where}: vCPUs must be a whole number on EC2 resources, got ${r.vcpus}`);
  }
  checkEnvironment(c.environment, `${where}.environment`);
}

export function checkRequirements(list: ResourceRequirement[] | undefined, where: string): void {
  if (!list) return;
  const seen = new Set<ResourceType>();
  for (const r of list) {
    if (seen.has(r.type)) throw new InvalidInputError(`${where}: ${r.type} is given more than once`);
    seen.add(r.type);
    const n = Number(r.value);
    if (r.value.trim() === '' || !Number.isFinite(n) || n < 0) {
      throw new InvalidInputError(`${where}: ${r.type} value '${r.value}' is not a non-negative number`);
    }
    if (r.type !== 'VCPU' && !Number.isInteger(n)) {
      throw new InvalidInputError(`${where}: ${r.type} value '${r.value}' must be a whole number`);
    }
  }
}

export function checkEnvironment(env: KeyValuePair[] | undefined, where: string): void {
  for (const kv of env ?? []) {
    if (kv.name?.startsWith('AWS_BATCH')) {
      throw new InvalidInputError(`${where}: variable names starting with AWS_BATCH are reserved (${kv.name})`);
    }
  }
}

/**
 * SubmitJob's containerOverrides applied to a definition's container (reference §5):
 * command replaces, environment merges by name, resource requirements replace per type,
 * and the deprecated vcpus/memory may only override the deprecated fields.
 */
export function applyContainerOverrides(base: ContainerProperties, o: ContainerOverrides | undefined): ContainerProperties {
  if (!o) return base;
  checkRequirements(o.resourceRequirements, 'containerOverrides.resourceRequirements');
  checkEnvironment(o.environment, 'containerOverrides.environment');
  if (o.command?.some((part) => part === '')) {
    throw new InvalidInputError('containerOverrides.command must not contain empty strings');
  }
  const out: ContainerProperties = { ...base };
  if (o.command) out.command = [...o.command];
  if (o.environment) {
    const merged = new Map<string, KeyValuePair>();
    for (const kv of base.environment ?? []) merged.set(kv.name ?? '', kv);
    for (const kv of o.environment) merged.set(kv.name ?? '', kv);
    out.environment = [...merged.values()];
  }
  const usesRequirements = (t: ResourceType) => requirementValue(base.resourceRequirements, t) !== undefined;
  if (o.vcpus !== undefined) {
    if (usesRequirements('VCPU')) throw new InvalidInputError(`containerOverrides.vcpus: ${DEPRECATED_KEY_MESSAGE}`);
    out.vcpus = o.vcpus;
  }
  if (o.memory !== undefined) {
    if (usesRequirements('MEMORY')) throw new InvalidInputError(`containerOverrides.memory: ${DEPRECATED_KEY_MESSAGE}`);
    out.memory = o.memory;
  }
  if (o.resourceRequirements) {
    const byType = new Map<ResourceType, ResourceRequirement>();
    for (const r of base.resourceRequirements ?? []) byType.set(r.type, r);
    for (const r of o.resourceRequirements) byType.set(r.type, r);
    out.resourceRequirements = [...byType.values()];
    // An override in resourceRequirements supersedes the legacy field of the same kind.
    if (o.resourceRequirements.some((r) => r.type === 'VCPU')) delete out.vcpus;
    if (o.resourceRequirements.some((r) => r.type === 'MEMORY')) delete out.memory;
  }
  if (o.instanceType !== undefined) out.other = { ...out.other, instanceType: o.instanceType };
  return out;
}
