/**
 * Runs async tasks one at a time, in call order. Control-plane changes (create, update,
 * delete of environments, queues, policies) check other resources before they write;
 * running them one after another keeps those checks true until the write commits.
 * This holds within one Barge process; several replicas on one shared store need the
 * store to serialise them instead.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
