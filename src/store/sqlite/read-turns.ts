/**
 * Turns of the event loop for long synchronous reads, one slice per turn, first come first served.
 *
 * A long read (a FilterLogEvents walk) runs in slices and waits for a turn before each one. Were
 * every walk to yield on its own (`await setImmediate()`), all pending walks would run their next
 * slice in the same turn, so a cheap request arriving meanwhile would wait one slice per concurrent
 * walk: with 8 walks, ~60 ms per turn and a few turns to accept and read a request, 300–400 ms
 * (measured). Handing out one turn at a time keeps that wait at about one slice however many walks
 * are running; the walks share the remaining time between them.
 */
export class ReadTurns {
  private readonly waiting: (() => void)[] = [];
  private scheduled = false;

  /** Resolves on a later turn of the event loop than the current one, after every earlier waiter's turn. */
  next(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.waiting.length === 0) return;
    this.scheduled = true;
    // An immediate queued while immediates run waits for the next turn, after the poll for I/O.
    setImmediate(() => {
      this.scheduled = false;
      this.waiting.shift()!();
      this.schedule();
    });
  }
}
