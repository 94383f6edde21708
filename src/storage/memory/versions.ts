import type { KeyValue } from '../interface.js';

/**
 * The version chain of one key in the memory store: every write to the key, oldest first.
 * A tombstone (`kv` undefined) marks a delete, so the key can be read "as of" any revision
 * that has not been compacted.
 */
export interface Version {
  revision: number;
  kv: KeyValue | undefined;
}

/** Index of the last version written at or before `revision`, or -1. */
function lastAtOrBefore(chain: readonly Version[], revision: number): number {
  let lo = 0;
  let hi = chain.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = chain[mid];
    if (v !== undefined && v.revision <= revision) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** The key's value as of `revision` (undefined when absent or deleted then). */
export function valueAt(chain: readonly Version[], revision: number): KeyValue | undefined {
  return chain[lastAtOrBefore(chain, revision)]?.kv;
}

/** The key's latest value (undefined when deleted). */
export function latest(chain: readonly Version[]): KeyValue | undefined {
  return chain[chain.length - 1]?.kv;
}

/**
 * Drops versions superseded at or below `revision`; the version current at `revision` stays
 * unless it is a tombstone. Returns the remaining chain (possibly empty).
 */
export function compactChain(chain: Version[], revision: number): Version[] {
  const keep = lastAtOrBefore(chain, revision);
  if (keep < 0) return chain;
  const current = chain[keep];
  return chain.slice(current?.kv === undefined ? keep + 1 : keep);
}
