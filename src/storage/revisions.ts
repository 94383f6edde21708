import { CompactedError, FutureRevisionError } from './interface.js';

/**
 * Revision rules shared by the backends. Revisions are opaque but strictly increasing numbers:
 * the memory and SQLite stores count from 1, etcd uses its own cluster revision (which starts
 * at 1 on an empty cluster and also moves when other tenants of the same etcd write).
 */

function checkRevision(revision: number, what: string): void {
  if (!Number.isSafeInteger(revision) || revision < 0) throw new RangeError(`invalid ${what} ${revision}`);
}

/**
 * The revision a read is served at: `requested` (0/absent: `current`). Fails for revisions the
 * store has not reached yet or whose history was compacted away.
 */
export function readRevision(requested: number | undefined, current: number, compacted: number): number {
  const revision = requested ?? 0;
  checkRevision(revision, 'revision');
  if (revision === 0) return current;
  if (revision > current) throw new FutureRevisionError(revision, current);
  if (revision < compacted) throw new CompactedError(revision, compacted);
  return revision;
}

/** A watch from `fromRevision` needs every event above it: none may be compacted. */
export function checkWatchRevision(fromRevision: number, compacted: number): void {
  checkRevision(fromRevision, 'watch revision');
  if (fromRevision < compacted) throw new CompactedError(fromRevision, compacted);
}

/** Validates a compaction target; returns false when there is nothing (new) to compact. */
export function shouldCompact(revision: number, current: number, compacted: number): boolean {
  checkRevision(revision, 'compact revision');
  if (revision > current) throw new FutureRevisionError(revision, current);
  return revision > compacted;
}
