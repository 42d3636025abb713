import type { Executor, ImagePresence } from '../executor.js';
import type { DomainLogger } from '../logger.js';
import type { Clock } from '../ports.js';

/** How long an answer about an image is reused: the engine is asked at most once per image in this time. */
const FRESH_MS = 5_000;
/** Answers kept at most; a stream of jobs with one-off image tags must not grow the map for ever. */
const MAX_REMEMBERED = 10_000;

interface Answer {
  /** undefined: the engine did not answer. */
  presence: ImagePresence | undefined;
  at: number;
}

/**
 * Whether the images of waiting jobs are on the engine, for their wait reasons. Only reasons
 * that are read (DescribeJobs, ListJobs) ask, so a queue of 100,000 RUNNABLE jobs costs
 * nothing, and dispatch never waits on it: an image is only looked up when a job starts.
 * Each image is looked up at most once per FRESH_MS however many jobs use it. A reader never
 * waits on the engine: it gets the last answer (or none, before the first) while a fresh one is
 * fetched, so DescribeJobs answers as fast with a slow or stopped engine.
 */
export class ImagePresenceCache {
  private readonly answers = new Map<string, Answer>();
  private readonly asking = new Map<string, Promise<void>>();

  constructor(
    private readonly executor: Pick<Executor, 'imagePresence'>,
    private readonly clock: Clock,
    private readonly log: DomainLogger,
  ) {}

  /** undefined when the engine has not answered (a reason then says nothing about the image). */
  async presenceOf(image: string): Promise<ImagePresence | undefined> {
    const known = this.answers.get(image);
    if (known && this.clock.now() - known.at < FRESH_MS) return known.presence;
    void this.ask(image);
    return known?.presence;
  }

  private ask(image: string): Promise<void> {
    let asking = this.asking.get(image);
    if (!asking) {
      asking = this.executor
        .imagePresence(image)
        .then(
          (presence) => this.remember(image, presence),
          (error: unknown) => {
            this.log.debug({ err: error, image }, 'could not tell whether an image is on the engine');
            this.remember(image, undefined);
          },
        )
        .finally(() => this.asking.delete(image));
      this.asking.set(image, asking);
    }
    return asking;
  }

  private remember(image: string, presence: ImagePresence | undefined): void {
    const now = this.clock.now();
    if (this.answers.size >= MAX_REMEMBERED) {
      for (const [key, answer] of this.answers) if (now - answer.at >= FRESH_MS) this.answers.delete(key);
      if (this.answers.size >= MAX_REMEMBERED) this.answers.clear();
    }
    this.answers.set(image, { presence, at: now });
  }
}
