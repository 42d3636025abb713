import { setTimeout as sleep } from 'node:timers/promises';

export interface Backoff {
  firstMs: number;
  maxMs: number;
}

/**
 * Runs `work` until it resolves, waiting between tries (doubling from `firstMs` up to `maxMs`)
 * and telling `onFailure` about each failure it tries again after. A failure `retryIf` does
 * not accept (all are, by default) rejects at once. For work that must land eventually: giving
 * up would leave a job in a state nothing else moves it out of.
 */
export async function keepTrying<T>(
  work: () => Promise<T>,
  backoff: Backoff,
  onFailure: (error: unknown, retryInMs: number) => void,
  retryIf: (error: unknown) => boolean | Promise<boolean> = () => true,
): Promise<T> {
  for (let delay = backoff.firstMs; ; delay = Math.min(delay * 2, backoff.maxMs)) {
    try {
      return await work();
    } catch (error) {
      if (!(await retryIf(error))) throw error;
      onFailure(error, delay);
      await sleep(delay);
    }
  }
}
