/** Counts invocations in flight against a limit; one for the account, one per function. */
export class ConcurrencyLimit {
  inFlight = 0;

  constructor(public limit: number) {}

  /** Takes a slot; returns false when all are taken. */
  tryAcquire(): boolean {
    if (this.inFlight >= this.limit) return false;
    this.inFlight++;
    return true;
  }

  release(): void {
    this.inFlight--;
  }
}
