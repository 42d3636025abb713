/**
 * The Executor port: how the domain runs one attempt of a job as a container. Docker
 * implements it today (src/executor/docker); a Swarm executor will implement it later.
 * The domain decides what runs and when; an executor only runs what it is told.
 */

export interface ContainerMount {
  hostPath: string;
  containerPath: string;
  readOnly: boolean;
}

export interface ContainerUlimit {
  name: string;
  soft: number;
  hard: number;
}

/** Everything needed to start one attempt, already resolved by the domain. */
export interface ContainerSpec {
  /** Stable, unique per attempt: the executor's container name, so a retry after a crash finds it. */
  name: string;
  jobId: string;
  /** 1-based attempt number. */
  attempt: number;
  image: string;
  /** Replaces the image's CMD when set. */
  command?: string[];
  /** Final environment (image ENV < definition < overrides < AWS_BATCH_* variables). */
  environment: Record<string, string>;
  /** Reserved vCPUs; the executor clamps its CPU limit to what the host has. */
  vcpus: number;
  memoryMiB: number;
  user?: string;
  readonlyRootFilesystem?: boolean;
  privileged?: boolean;
  initProcessEnabled?: boolean;
  sharedMemoryMiB?: number;
  tmpfs?: { containerPath: string; sizeMiB: number; options?: string[] }[];
  ulimits: ContainerUlimit[];
  mounts: ContainerMount[];
  /** Extra labels; the executor always adds its own job id and attempt labels. */
  labels: Record<string, string>;
}

/** One line a container wrote, with the engine's timestamp. */
export interface LogLine {
  /** Epoch milliseconds. */
  timestamp: number;
  /** Nanosecond-precision timestamp as the engine reported it, for exact resumption. */
  cursor: string;
  stream: 'stdout' | 'stderr';
  message: string;
}

export interface ContainerExit {
  exitCode: number;
  /** True when the kernel killed the container for exceeding its memory limit. */
  oomKilled: boolean;
  /** Epoch ms the container started and finished, as the engine recorded them. */
  startedAt?: number;
  finishedAt?: number;
}

/** What an executor knows about a container it runs for Barge, after a restart of Barge. */
export interface ContainerState {
  containerId: string;
  name: string;
  jobId: string;
  attempt: number;
  status: 'created' | 'running' | 'exited' | 'other';
}

export class ContainerStartError extends Error {
  /** AWS-style container reason, e.g. `CannotPullContainerError: ...` (≤ 255 chars). */
  constructor(readonly reason: string, options?: ErrorOptions) {
    super(reason, options);
    this.name = 'ContainerStartError';
  }
}

/**
 * Barge itself ran short of a local resource (file descriptors, memory, socket buffers) while
 * talking to the executor. Neither the engine nor the container is at fault: the same call can
 * be made again once the resource is back, and nothing about the container can be concluded.
 */
export class LocalResourceError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LocalResourceError';
  }
}

/**
 * Whether the engine has an image, and if not, what start() will do about it under the
 * executor's pull policy: pull it, or fail the attempt with CannotPullContainerError.
 */
export type ImagePresence = 'present' | 'pulled-at-start' | 'fails-at-start';

export interface Executor {
  /**
   * Creates (pulling the image per the configured policy if needed) and starts the container
   * named `spec.name`. Idempotent on the name: if a container of that name exists it is reused
   * and started if it is not running, never created twice. Rejects with ContainerStartError
   * when the container cannot be started (missing image, bad mount...).
   * Resolves with the container id once the container is running.
   */
  start(spec: ContainerSpec): Promise<{ containerId: string; startedAt: number }>;

  /**
   * Follows a container's stdout/stderr from `afterCursor` (exclusive; from the beginning when
   * absent), calling `onLines` with batches of lines, and waits for the container to exit.
   * `onLines` is awaited before more output is read, so a slow consumer slows the reader rather
   * than buffering (a job printing 1 GB never sits in memory). Resolves with the exit once all
   * output up to the exit has been delivered.
   */
  follow(containerId: string, afterCursor: string | undefined, onLines: (lines: LogLine[]) => Promise<void>): Promise<ContainerExit>;

  /** SIGTERM, then SIGKILL after `graceSeconds`. No error if the container already stopped or is gone. */
  stop(containerId: string, graceSeconds: number): Promise<void>;

  /** Removes a container; no error if it is already gone. */
  remove(containerId: string): Promise<void>;

  /** Containers that carry Barge's labels, in any state (for recovery after a restart). */
  list(): Promise<ContainerState[]>;

  /**
   * Whether `image` is on the engine now (a local lookup; never contacts a registry). Asks the
   * engine on every call, so callers cache the answer. Rejects when the engine does not answer.
   */
  imagePresence(image: string): Promise<ImagePresence>;

  /**
   * Whether the engine answers. Rejects with LocalResourceError when Barge cannot tell, because
   * it could not even open a connection for want of a local resource.
   */
  ping(): Promise<boolean>;

  /** vCPUs the host has: container CPU limits are clamped to it. */
  hostCpus(): number;
}
