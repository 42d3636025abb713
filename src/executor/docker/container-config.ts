import type Docker from 'dockerode';
import type { ContainerSpec } from '../../domain/executor.js';

export type NetworkMode = 'host' | 'none';

export interface ContainerLabels {
  jobId: string;
  attempt: string;
  instance: string;
}

/** The label keys under a prefix: `<prefix>.job-id`, `<prefix>.attempt`, `<prefix>.instance`. */
export function labelKeys(prefix: string): ContainerLabels {
  return { jobId: `${prefix}.job-id`, attempt: `${prefix}.attempt`, instance: `${prefix}.instance` };
}

export interface ContainerConfigOptions {
  networkMode: NetworkMode;
  labelPrefix: string;
  instanceLabel: string;
  hostCpus: number;
  /** The container's process limit when the definition sets no nproc ulimit; 0: none. */
  pidsLimit: number;
}

const MIB = 1024 * 1024;
/** The kernel's cpu.shares range, which the engine enforces. */
const MIN_CPU_SHARES = 2;
const MAX_CPU_SHARES = 262_144;

/** The engine's create request for one attempt (reference §10, "Resources → container limits"). */
export function containerCreateOptions(spec: ContainerSpec, options: ContainerConfigOptions): Docker.ContainerCreateOptions {
  const keys = labelKeys(options.labelPrefix);
  return {
    name: spec.name,
    Image: spec.image,
    ...(spec.command !== undefined ? { Cmd: spec.command } : {}),
    Env: Object.entries(spec.environment).map(([name, value]) => `${name}=${value}`),
    ...(spec.user !== undefined ? { User: spec.user } : {}),
    Tty: false,
    // Barge's own labels come last so a definition's labels cannot disguise whose container it is.
    Labels: {
      ...spec.labels,
      [keys.jobId]: spec.jobId,
      [keys.attempt]: String(spec.attempt),
      [keys.instance]: options.instanceLabel,
    },
    HostConfig: {
      NetworkMode: options.networkMode,
      // MEMORY is a hard limit on AWS. With no swap allowance the limit holds on hosts that
      // have swap too, so a job that overruns it is OOM-killed (exit 137) as it would be there.
      Memory: spec.memoryMiB * MIB,
      MemorySwap: spec.memoryMiB * MIB,
      ...cpuLimits(spec.vcpus, options.hostCpus),
      ReadonlyRootfs: spec.readonlyRootFilesystem ?? false,
      Privileged: spec.privileged ?? false,
      ...(spec.initProcessEnabled ? { Init: true } : {}),
      ...(spec.sharedMemoryMiB !== undefined ? { ShmSize: spec.sharedMemoryMiB * MIB } : {}),
      ...(spec.tmpfs?.length ? { Tmpfs: tmpfsMounts(spec.tmpfs) } : {}),
      Ulimits: spec.ulimits.map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard })),
      PidsLimit: pidsLimit(spec.ulimits, options.pidsLimit),
      // `Binds` rather than `Mounts`: like an ECS host volume, a missing source directory is
      // created by the engine instead of failing the job.
      Binds: spec.mounts.map((m) => `${m.hostPath}:${m.containerPath}:${m.readOnly ? 'ro' : 'rw'}`),
      // The engine's default log driver (json-file) keeps the output on disk, so after a
      // restart Barge can read it again from its last cursor.
    },
  };
}

/**
 * Capacity is logical: the scheduler hands out vCPUs from each compute environment's budget,
 * which may exceed what this host has. AWS maps VCPU to CPU shares (a relative weight), which
 * the shares reproduce; the hard quota is added so a job cannot take more than it reserved,
 * clamped to the host's CPUs because the engine refuses a quota larger than the machine.
 */
export function cpuLimits(vcpus: number, hostCpus: number): { NanoCpus: number; CpuShares: number } {
  const shares = Math.round(vcpus * 1024);
  return {
    NanoCpus: Math.round(Math.min(vcpus, hostCpus) * 1e9),
    CpuShares: Math.min(Math.max(shares, MIN_CPU_SHARES), MAX_CPU_SHARES),
  };
}

/**
 * The container's cap on processes and threads (the pids cgroup), which binds every user in it.
 * An nproc ulimit alone does not: the kernel counts it per user id across the whole host and
 * never applies it to root, which most job images run as, so a root job with nproc 20 still
 * forked hundreds of processes. A definition's nproc hard limit therefore also becomes its
 * container's pids limit, up or down from the default, and the ulimit itself is passed on as
 * given. A hard limit of -1 (unlimited in Docker's ulimit syntax) or 0 lifts the cap: the
 * engine reads a pids limit of -1 as none.
 */
export function pidsLimit(ulimits: ContainerSpec['ulimits'], defaultLimit: number): number {
  const nproc = ulimits.find((u) => u.name === 'nproc');
  const limit = nproc ? nproc.hard : defaultLimit;
  return limit > 0 ? limit : -1;
}

function tmpfsMounts(tmpfs: NonNullable<ContainerSpec['tmpfs']>): Record<string, string> {
  return Object.fromEntries(
    tmpfs.map((t) => [t.containerPath, [...(t.options ?? []), `size=${t.sizeMiB}m`].join(',')]),
  );
}
