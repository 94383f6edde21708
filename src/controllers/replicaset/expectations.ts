/**
 * Controller expectations (upstream's UIDTrackingControllerExpectations): after a controller
 * asks for N creations or the deletion of some pods it does not act on that owner again until
 * the watch shows them (or the expectations expire), so a lagging view never makes it create
 * or delete twice.
 */

/** Upstream's ExpectationsTimeout. */
export const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;

interface Expectation {
  add: number;
  deletions: Set<string>;
  at: number;
}

export class ControllerExpectations {
  private readonly byOwner = new Map<string, Expectation>();

  constructor(private readonly now: () => number = Date.now) {}

  /** True when nothing is awaited for `key` (or what was awaited is too old to wait for). */
  satisfied(key: string): boolean {
    const e = this.byOwner.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.deletions.size === 0) return true;
    return this.now() - e.at > EXPECTATIONS_TIMEOUT_MS;
  }

  expectCreations(key: string, n: number): void {
    this.byOwner.set(key, { add: n, deletions: new Set(), at: this.now() });
  }

  expectDeletions(key: string, podKeys: string[]): void {
    this.byOwner.set(key, { add: 0, deletions: new Set(podKeys), at: this.now() });
  }

  creationObserved(key: string): void {
    const e = this.byOwner.get(key);
    if (e) e.add--;
  }

  deletionObserved(key: string, podKey: string): void {
    this.byOwner.get(key)?.deletions.delete(podKey);
  }

  delete(key: string): void {
    this.byOwner.delete(key);
  }
}
