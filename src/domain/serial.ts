/**
 * Runs control-plane changes one at a time. They check other resources before they write
 * (an environment still used by a queue cannot be deleted, a queue needs its environments,
 * tags merge into what is stored, a placement counts the vCPUs in use): one after another, the
 * checks stay true until the write commits. For one process, SerialQueue; for several on one
 * database, the store's lock (PostgresSerializer: a PostgreSQL advisory lock), so the rule holds
 * across replicas.
 */
export interface Serializer {
  run<T>(task: () => Promise<T>): Promise<T>;
}

/** Runs async tasks one at a time, in call order, within this process. */
export class SerialQueue implements Serializer {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
