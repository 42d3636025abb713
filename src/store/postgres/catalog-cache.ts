/** More entries than any real set of queues, environments and live definitions; past it, start over. */
const MAX_ENTRIES = 2000;

/**
 * Parsed rows of the small, rarely written tables every SubmitJob reads (queues, environments,
 * scheduling policies, job definitions), shared by the stores of one process. Several processes
 * write them, so every write of any process invalidates every process's cache: the writer clears
 * its own at once and signals the others (NOTIFY `catalog`), which clear theirs on arrival.
 * While this process cannot hear the others (its listener connection is down), nothing is cached
 * and every read goes to the database; a reconnect clears the cache before it is used again.
 * A load that overlaps an invalidation is not kept. Misses are never cached (a queue created a
 * moment ago on another replica must be found), and cached values are frozen.
 */
export class CatalogCache {
  private readonly entries = new Map<string, unknown>();
  private generation = 0;

  constructor(private readonly hearsOthers: () => boolean) {}

  async get<T>(key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    if (!this.hearsOthers()) return load();
    if (this.entries.has(key)) return this.entries.get(key) as T;
    const generation = this.generation;
    const value = await load();
    if (value === undefined || generation !== this.generation || !this.hearsOthers()) return value;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, deepFreeze(value));
    return value;
  }

  invalidate(): void {
    this.generation += 1;
    this.entries.clear();
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
