/** More entries than any real set of queues, environments and live definitions; past it, start over. */
const MAX_ENTRIES = 2000;

/**
 * Parsed rows of the small, rarely written tables (queues, environments, scheduling policies,
 * job definitions) that every SubmitJob reads. The SQLite file has one writer, this process, so
 * a write invalidates its table's entries inside its own transaction: no read can slip in
 * between the commit and the invalidation and cache the old row. Cached values are frozen, so a
 * caller that tried to change one would fail loudly instead of corrupting the cache.
 */
export class ReadCache {
  private readonly tables = new Map<string, Map<string, unknown>>();

  get<T>(table: string, key: string, load: () => T | undefined): T | undefined {
    let entries = this.tables.get(table);
    if (!entries) {
      entries = new Map();
      this.tables.set(table, entries);
    }
    if (entries.has(key)) return entries.get(key) as T;
    const value = load();
    if (value === undefined) return undefined;
    if (entries.size >= MAX_ENTRIES) entries.clear();
    entries.set(key, deepFreeze(value));
    return value;
  }

  invalidate(table: string): void {
    this.tables.get(table)?.clear();
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
