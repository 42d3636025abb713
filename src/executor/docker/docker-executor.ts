import { Agent } from 'node:http';
import { availableParallelism } from 'node:os';
import Docker from 'dockerode';
import type { Logger } from 'pino';
import {
  ContainerStartError,
  LocalResourceError,
  type ContainerExit,
  type ContainerSpec,
  type ContainerState,
  type Executor,
  type ImagePresence,
  type LogLine,
} from '../../domain/executor.js';
import { containerCreateOptions, labelKeys, type NetworkMode } from './container-config.js';
import { engineTimeMillis } from './engine-time.js';
import { containerReason, engineMessage, engineStatus, isEngineStatus, localResourceCode } from './engine-errors.js';
import { ImagePuller, type PullPolicy } from './image-puller.js';
import { followContainer } from './log-follower.js';

export interface DockerExecutorOptions {
  /** Engine API socket; default /var/run/docker.sock. */
  socketPath?: string;
  pullPolicy: PullPolicy;
  /** `host` (default) or `none`: Barge hosts run without a bridge network. */
  networkMode?: NetworkMode;
  /** Prefix of the labels Barge puts on its containers; default `barge`. */
  labelPrefix?: string;
  /**
   * Identifies this Barge installation, so two servers sharing one engine (tests, side-by-side
   * installs) never list or adopt each other's containers; default `default`.
   */
  instanceLabel?: string;
  /**
   * Processes and threads a job's container may hold when its definition sets no nproc ulimit
   * (container-config.ts); default 0, no limit. The server passes its configured limit.
   */
  pidsLimit?: number;
  logger?: Logger;
}

/** The engine's answer to /_ping comes in milliseconds; one that takes this long is unusable. */
const PING_TIMEOUT_MS = 5_000;
/** How long a container whose name is taken may take to appear; creation takes milliseconds. */
const NAME_RESERVATION_WAIT_MS = 5_000;

export class DockerExecutor implements Executor {
  private readonly docker: Docker;
  private readonly images: ImagePuller;
  private readonly networkMode: NetworkMode;
  private readonly labelPrefix: string;
  private readonly instanceLabel: string;
  private readonly pidsLimit: number;
  private readonly cpus = availableParallelism();
  private readonly logger: Logger | undefined;
  private readonly starting = new Map<string, Promise<{ containerId: string; startedAt: number }>>();

  constructor(options: DockerExecutorOptions) {
    // Pinned: Debian's engine is 20.10 (API 1.41) and refuses newer versions a client may default to.
    // One connection per request: a stopping dockerd closes its listener first but keeps serving
    // connections already open for the seconds it spends killing containers, so over Node's
    // kept-alive sockets a ping passed and a retry was created and failed to start against an
    // engine going down, spending an attempt. A new connection is refused at once instead.
    // dockerode hands its options to docker-modem, which takes `agent`; @types/dockerode omits it.
    const connection: Docker.DockerOptions & { agent: Agent } = {
      socketPath: options.socketPath ?? '/var/run/docker.sock',
      version: 'v1.41',
      agent: new Agent({ keepAlive: false }),
    };
    this.docker = new Docker(connection);
    this.networkMode = options.networkMode ?? 'host';
    this.labelPrefix = options.labelPrefix ?? 'barge';
    this.instanceLabel = options.instanceLabel ?? 'default';
    this.pidsLimit = options.pidsLimit ?? 0;
    this.logger = options.logger;
    this.images = new ImagePuller(this.docker, options.pullPolicy, options.logger);
  }

  start(spec: ContainerSpec): Promise<{ containerId: string; startedAt: number }> {
    // Concurrent calls for one attempt share one outcome: two starts of a created container
    // would otherwise race, and the engine runs an exited container again when asked to start it.
    let starting = this.starting.get(spec.name);
    if (!starting) {
      starting = localFailure(this.createAndStart(spec)).finally(() => this.starting.delete(spec.name));
      this.starting.set(spec.name, starting);
    }
    return starting;
  }

  private async createAndStart(spec: ContainerSpec): Promise<{ containerId: string; startedAt: number }> {
    const existing = await this.inspectNamed(spec.name);
    if (existing?.State.Status === 'dead') {
      // The engine could not finish removing it; nothing in it can run again.
      await this.remove(existing.Id);
    } else if (existing) {
      return this.resume(existing.Id, existing.State.Status);
    }

    await this.images.ensure(spec.image);
    let container: Docker.Container;
    try {
      container = await this.docker.createContainer(
        containerCreateOptions(spec, {
          networkMode: this.networkMode,
          labelPrefix: this.labelPrefix,
          instanceLabel: this.instanceLabel,
          hostCpus: this.cpus,
          pidsLimit: this.pidsLimit,
        }),
      );
    } catch (error) {
      if (isEngineStatus(error, 409)) {
        // Another process created this attempt first: adopt its container.
        const winner = await this.awaitNamed(spec.name);
        if (winner) return this.resume(winner.Id, winner.State.Status);
      }
      throw startError('CannotCreateContainerError', error);
    }
    this.logger?.info({ containerId: container.id, jobId: spec.jobId, attempt: spec.attempt }, 'container created');
    return this.startCreated(container.id);
  }

  follow(containerId: string, afterCursor: string | undefined, onLines: (lines: LogLine[]) => Promise<void>): Promise<ContainerExit> {
    return localFailure(followContainer(this.docker.getContainer(containerId), afterCursor, onLines, this.logger?.child({ containerId })));
  }

  async stop(containerId: string, graceSeconds: number): Promise<void> {
    try {
      await this.docker.getContainer(containerId).stop({ t: graceSeconds });
    } catch (error) {
      // 304: already stopped; 404: already gone. Both are what the caller wanted.
      if (!isEngineStatus(error, 304, 404)) throw asLocalFailure(error);
    }
  }

  async remove(containerId: string): Promise<void> {
    try {
      await this.docker.getContainer(containerId).remove({ force: true, v: true });
    } catch (error) {
      // 409: a removal is already in progress, which ends the same way.
      if (!isEngineStatus(error, 404, 409)) throw asLocalFailure(error);
    }
  }

  async list(): Promise<ContainerState[]> {
    const keys = labelKeys(this.labelPrefix);
    const containers = await localFailure(this.docker.listContainers({
      all: true,
      filters: { label: [`${keys.instance}=${this.instanceLabel}`] },
    }));
    return containers.map((c) => ({
      containerId: c.Id,
      name: (c.Names[0] ?? '').replace(/^\//, ''),
      jobId: c.Labels[keys.jobId] ?? '',
      attempt: Number(c.Labels[keys.attempt] ?? 0),
      status: c.State === 'created' || c.State === 'running' || c.State === 'exited' ? c.State : 'other',
    }));
  }

  imagePresence(image: string): Promise<ImagePresence> {
    return this.images.presence(image);
  }

  async ping(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
    });
    // A connection Barge cannot even open for want of a descriptor says nothing about the
    // engine: that is reported as such, never as an engine that stopped answering.
    const answer = this.docker.ping().then(
      () => true,
      (error: unknown) => {
        if (localResourceCode(error) !== undefined) throw asLocalFailure(error);
        return false;
      },
    );
    try {
      return await Promise.race([answer, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  hostCpus(): number {
    return this.cpus;
  }

  /** A container of this name from an earlier call (or an earlier Barge process). */
  private async resume(containerId: string, status: string): Promise<{ containerId: string; startedAt: number }> {
    if (status === 'created') return this.startCreated(containerId);
    if (status === 'removing') {
      // Not the job's fault and not for long: once it is gone the caller's next try creates it anew.
      throw new Error(`container ${containerId} is being removed and cannot be started`);
    }
    // Running or finished: the caller's follow() reports how it ends.
    return { containerId, startedAt: await this.startedAt(containerId) };
  }

  private async startCreated(containerId: string): Promise<{ containerId: string; startedAt: number }> {
    const container = this.docker.getContainer(containerId);
    try {
      await container.start();
    } catch (error) {
      // A 304 means a concurrent start() of the same attempt got there first.
      if (!isEngineStatus(error, 304)) {
        // Left behind, the failed container would be adopted by the retry and fail again.
        await this.remove(containerId).catch((removeError: unknown) =>
          this.logger?.warn({ err: removeError, containerId }, 'could not remove a container that failed to start'),
        );
        throw startError('CannotStartContainerError', error);
      }
    }
    return { containerId, startedAt: await this.startedAt(containerId) };
  }

  private async startedAt(containerId: string): Promise<number> {
    const info = await this.docker.getContainer(containerId).inspect();
    return engineTimeMillis(info.State.StartedAt) ?? Date.now();
  }

  /**
   * The engine reserves a name before it registers the container, so the loser of a create
   * race can briefly see neither the name free nor a container under it.
   */
  private async awaitNamed(name: string): Promise<Docker.ContainerInspectInfo | undefined> {
    const deadline = Date.now() + NAME_RESERVATION_WAIT_MS;
    for (;;) {
      const info = await this.inspectNamed(name);
      if (info || Date.now() > deadline) return info;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The container of exactly this name: the engine would also match a name as an id prefix. */
  private async inspectNamed(name: string): Promise<Docker.ContainerInspectInfo | undefined> {
    try {
      const info = await this.docker.getContainer(name).inspect();
      return info.Name === `/${name}` ? info : undefined;
    } catch (error) {
      if (isEngineStatus(error, 404)) return undefined;
      throw error;
    }
  }
}

/** Barge's own resource shortages become LocalResourceError; anything else passes unchanged. */
function asLocalFailure(error: unknown): unknown {
  const code = localResourceCode(error);
  if (code === undefined || error instanceof LocalResourceError) return error;
  return new LocalResourceError(`Barge is short of a local resource (${code}) talking to the Docker engine: ${(error as Error)?.message ?? String(error)}`, { cause: error });
}

function localFailure<T>(work: Promise<T>): Promise<T> {
  return work.catch((error: unknown) => {
    throw asLocalFailure(error);
  });
}

/**
 * An engine refusal (bad mount, unknown user, missing capability...) is the job's problem and
 * becomes its `container.reason`, worded as ECS words it. An engine that does not answer is
 * Barge's problem, so that error passes through for the caller to retry later.
 */
function startError(prefix: string, error: unknown): unknown {
  if (engineStatus(error) === undefined) return error;
  return new ContainerStartError(containerReason(prefix, `Error response from daemon: ${engineMessage(error)}`), {
    cause: error,
  });
}
