import type { ContainerSpec } from '../executor.js';
import type { ContainerProperties } from '../resources/container-properties.js';
import { InvalidInputError } from '../errors.js';
import type { Job } from './job.js';

export interface AttemptPlacement {
  attempt: number;
  queueName: string;
  computeEnvironmentName: string;
}

/** Docker container names allow [a-zA-Z0-9][a-zA-Z0-9_.-]; array children carry ':' in their id. */
export function containerName(prefix: string, jobId: string, attempt: number): string {
  return `${prefix}-${jobId.replace(/:/g, '_')}-${attempt}`;
}

/**
 * The variables AWS Batch injects (reference §10). They come last, so neither the definition
 * nor the overrides can change them.
 */
export function batchEnvironment(job: Job, placement: AttemptPlacement): Record<string, string> {
  const env: Record<string, string> = {
    AWS_BATCH_JOB_ID: job.jobId,
    AWS_BATCH_JOB_ATTEMPT: String(placement.attempt),
    AWS_BATCH_JQ_NAME: placement.queueName,
    AWS_BATCH_CE_NAME: placement.computeEnvironmentName,
  };
  if (job.arrayParent && job.spec.arraySize !== undefined) {
    env['AWS_BATCH_JOB_ARRAY_INDEX'] = String(job.arrayParent.index);
    env['AWS_BATCH_JOB_ARRAY_SIZE'] = String(job.spec.arraySize);
  }
  return env;
}

/** Turns a placed job's container into what the executor runs. */
export function buildContainerSpec(job: Job, placement: AttemptPlacement, namePrefix: string): ContainerSpec {
  const c: ContainerProperties | undefined = job.spec.container;
  if (!c?.image) throw new InvalidInputError(`Job ${job.jobId} has no container image to run`);
  const environment: Record<string, string> = {};
  for (const kv of c.environment ?? []) if (kv.name) environment[kv.name] = kv.value ?? '';
  Object.assign(environment, batchEnvironment(job, placement));

  const volumes = new Map((c.volumes ?? []).map((v) => [v.name ?? '', v]));
  const mounts = (c.mountPoints ?? []).flatMap((m) => {
    const source = volumes.get(m.sourceVolume ?? '')?.host?.sourcePath;
    if (!source || !m.containerPath) return [];
    return [{ hostPath: source, containerPath: m.containerPath, readOnly: m.readOnly ?? false }];
  });
  const linux = c.linuxParameters ?? {};
  const tmpfs = Array.isArray(linux['tmpfs'])
    ? linux['tmpfs'].flatMap((t) =>
        t && typeof t === 'object' && !Array.isArray(t) && typeof t['containerPath'] === 'string' && typeof t['size'] === 'number'
          ? [{ containerPath: t['containerPath'], sizeMiB: t['size'], ...(Array.isArray(t['mountOptions']) ? { options: t['mountOptions'].map(String) } : {}) }]
          : [],
      )
    : [];

  const spec: ContainerSpec = {
    name: containerName(namePrefix, job.jobId, placement.attempt),
    jobId: job.jobId,
    attempt: placement.attempt,
    image: c.image,
    environment,
    vcpus: job.spec.reservation.vcpus,
    memoryMiB: job.spec.reservation.memoryMiB,
    ulimits: (c.ulimits ?? []).map((u) => ({ name: u.name, soft: u.softLimit, hard: u.hardLimit })),
    mounts,
    labels: {},
  };
  if (c.command) spec.command = c.command;
  if (c.user !== undefined) spec.user = c.user;
  if (c.readonlyRootFilesystem) spec.readonlyRootFilesystem = true;
  if (c.privileged) spec.privileged = true;
  if (linux['initProcessEnabled'] === true) spec.initProcessEnabled = true;
  if (typeof linux['sharedMemorySize'] === 'number') spec.sharedMemoryMiB = linux['sharedMemorySize'];
  if (tmpfs.length > 0) spec.tmpfs = tmpfs;
  return spec;
}

/**
 * Where an attempt's output goes (reference §10): group `/aws/batch/job`, stream
 * `<definition name>/default/<task id>`, or as the definition's awslogs options say.
 */
export function logDestination(job: Job, taskId: string): { group: string; stream: string; createGroup: boolean } {
  const options = job.spec.container?.logConfiguration?.logDriver === 'awslogs' ? (job.spec.container.logConfiguration.options ?? {}) : {};
  const definitionName = job.spec.jobDefinitionArn.slice(job.spec.jobDefinitionArn.indexOf(':job-definition/') + 16).replace(/:\d+$/, '');
  const prefix = options['awslogs-stream-prefix'] ?? definitionName.slice(0, 200);
  return {
    group: options['awslogs-group'] ?? '/aws/batch/job',
    stream: `${prefix}/default/${taskId}`,
    createGroup: options['awslogs-group'] === undefined || options['awslogs-create-group'] === 'true',
  };
}
