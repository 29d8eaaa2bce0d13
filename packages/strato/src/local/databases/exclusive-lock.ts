/**
 * A first-come, first-served lock. PGlite has a single connection, so a
 * transaction that spans several calls must keep every other statement of
 * that database waiting until it ends.
 */
export class ExclusiveLock {
  #tail: Promise<void> = Promise.resolve();

  /** Resolves, in call order, once the lock is held; call the returned function to release it. */
  acquire(): Promise<() => void> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => { release = resolve; });
    const acquired = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => released);
    return acquired;
  }

  /** Runs `work` while holding the lock. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  }
}
