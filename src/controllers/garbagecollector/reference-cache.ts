/**
 * Owners known to be absent, so that many dependents of one deleted owner don't each look it
 * up again. A uid is never reused, so an entry stays true; the cache only forgets the oldest
 * entries to stay bounded (least recently used first).
 */
export class ReferenceCache {
  private readonly keys = new Set<string>();

  constructor(private readonly capacity = 1000) {}

  has(key: string): boolean {
    if (!this.keys.has(key)) return false;
    this.keys.delete(key);
    this.keys.add(key);
    return true;
  }

  add(key: string): void {
    this.keys.delete(key);
    this.keys.add(key);
    while (this.keys.size > this.capacity) {
      const oldest = this.keys.values().next();
      if (oldest.done) break;
      this.keys.delete(oldest.value);
    }
  }
}

/** The cache key of an owner: group, kind, namespace ('' when cluster-scoped), name and uid. */
export const ownerKey = (group: string, kind: string, namespace: string, name: string, uid: string): string =>
  [group, kind, namespace, name, uid].join('/');
