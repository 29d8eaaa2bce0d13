/**
 * Wakes long polls of one queue when a message may have become receivable:
 * a send, a change of visibility, a delete that frees a FIFO message group.
 * A receive waits on it instead of checking the database in a loop.
 */
export class ArrivalSignal {
  #waiters = new Set<() => void>();

  /** Resolves on the next `notify()`, after `timeoutMs`, or when the signal aborts, whichever comes first. */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      signal?.addEventListener('abort', done, { once: true });
      this.#waiters.add(done);
    });
  }

  get waiting(): boolean {
    return this.#waiters.size > 0;
  }

  notify(): void {
    if (this.#waiters.size === 0) return;
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  }
}
