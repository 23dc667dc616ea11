/**
 * One call at a time per key; callers that arrive while it runs share its result.
 * Used for login and token refresh (never two at once, however many callers wait) and for
 * identical reads.
 */
// @ts-nocheck

export class SingleFlight<T = unknown> {
  private readonly inFlight = new Map<string, Promise<T>>();

  run(key: string, fn: () => Promise<T>): Promise<T> {
    const existing = this.inFlight.get(key);
    if (existing) return existing;
    let settled = false;
    const p = (async () => {
      try {
        return await fn();
      } finally {
        settled = true;
        this.inFlight.delete(key);
      }
    })();
    // A fn that throws synchronously has already settled: do not keep its rejection forever.
    if (!settled) this.inFlight.set(key, p);
    return p;
  }

  has(key: string): boolean {
    return this.inFlight.has(key);
  }
}
