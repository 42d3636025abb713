import type Docker from 'dockerode';
import type { Logger } from 'pino';
import { ContainerStartError, type ImagePresence } from '../../domain/executor.js';
import { containerReason, engineMessage, engineStatus, isEngineStatus } from './engine-errors.js';

/**
 * When to pull, as the ECS agent's ECS_IMAGE_PULL_BEHAVIOR does on an AWS Batch host:
 * - `always`: pull before every container; a failed pull fails the attempt even when an older
 *   copy is cached (ECS's `always`, not its `default`, which falls back to the cache).
 * - `if-not-present`: pull only images the engine does not have (ECS's `prefer-cached`).
 * - `never`: use only local images; a missing image fails the attempt without contacting any
 *   registry (for hosts that must never reach the network).
 */
export type PullPolicy = 'always' | 'if-not-present' | 'never';

const PULL_FAILED = 'CannotPullContainerError';

export class ImagePuller {
  /** Jobs that start together on one image share one pull. */
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly docker: Docker,
    private readonly policy: PullPolicy,
    private readonly logger?: Logger,
  ) {}

  /**
   * Makes `image` available locally according to the policy. Rejects with ContainerStartError
   * (`CannotPullContainerError: ...`) when the engine cannot provide it; an engine that does
   * not answer at all is not the image's fault, so that error is passed through unchanged.
   */
  async ensure(image: string): Promise<void> {
    if (this.policy !== 'always' && (await this.isPresent(image))) return;
    if (this.policy === 'never') {
      throw new ContainerStartError(
        containerReason(PULL_FAILED, `image ${image} is not present locally and the pull policy is never`),
      );
    }
    let pull = this.inFlight.get(image);
    if (!pull) {
      pull = this.pull(image).finally(() => this.inFlight.delete(image));
      this.inFlight.set(image, pull);
    }
    await pull;
  }

  async presence(image: string): Promise<ImagePresence> {
    if (await this.isPresent(image)) return 'present';
    return this.policy === 'never' ? 'fails-at-start' : 'pulled-at-start';
  }

  private async isPresent(image: string): Promise<boolean> {
    try {
      await this.docker.getImage(image).inspect();
      return true;
    } catch (error) {
      if (isEngineStatus(error, 404)) return false;
      throw error;
    }
  }

  private async pull(image: string): Promise<void> {
    this.logger?.info({ image }, 'pulling image');
    let progress: NodeJS.ReadableStream;
    try {
      progress = await this.docker.pull(image);
    } catch (error) {
      if (engineStatus(error) === undefined) throw error;
      throw new ContainerStartError(containerReason(PULL_FAILED, engineMessage(error)), { cause: error });
    }
    const failure = await readPullProgress(progress);
    if (failure !== undefined) {
      throw new ContainerStartError(containerReason(PULL_FAILED, failure));
    }
    this.logger?.info({ image }, 'pulled image');
  }
}

/**
 * The engine answers a pull with 200 at once and reports a later failure (unknown manifest,
 * registry gone mid-pull) as a JSON line `{"error": ...}` in the progress stream, so the pull
 * succeeded only if the stream ends without one. Returns that error's message, if any.
 */
async function readPullProgress(progress: NodeJS.ReadableStream): Promise<string | undefined> {
  let pending = '';
  let failure: string | undefined;
  const inspectLine = (line: string): void => {
    if (line.trim() === '' || failure !== undefined) return;
    try {
      const event = JSON.parse(line) as { error?: unknown };
      if (typeof event.error === 'string') failure = event.error;
    } catch {
      // A progress line that is not JSON carries no error; the stream's end decides.
    }
  };
  for await (const chunk of progress) {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    lines.forEach(inspectLine);
  }
  inspectLine(pending);
  return failure;
}
