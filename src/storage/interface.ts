/**
 * The store, shaped like kine/etcd: a flat, ordered key space with one global revision that
 * increases by one on every write (create, update, delete) and becomes the objects'
 * `metadata.resourceVersion`.
 *
 *   write ──► revision N+1 ──► row/kv {key, value, createRevision, modRevision: N+1}
 *                         └──► watchers of a matching prefix get the event, in revision order
 *
 * History older than the compact revision is gone: reading or watching from before it fails
 * with `CompactedError` (the API server answers 410 Expired).
 */

export interface KeyValue {
  key: string;
  /** The stored object, serialized (JSON text). */
  value: string;
  /** Revision of the write that created this key (its latest incarnation). */
  createRevision: number;
  /** Revision of the latest write to this key (for a delete event: the delete's revision). */
  modRevision: number;
}

/** Watch events, in revision order. `prev` is the value before the write. */
export type WatchEvent =
  | { type: 'create'; kv: KeyValue }
  | { type: 'update'; kv: KeyValue; prev: KeyValue }
  | { type: 'delete'; kv: KeyValue; prev: KeyValue };

export interface ListOptions {
  /** Serve the list at this revision (0 or absent: the current revision). */
  revision?: number;
  /** At most this many items (0 or absent: no limit). */
  limit?: number;
  /** Start strictly after this key (the continue token of a previous page). */
  startAfter?: string;
}

export interface ListResult {
  kvs: KeyValue[];
  /** The revision the list was read at. */
  revision: number;
  /** True when more keys under the prefix follow the last one returned. */
  more: boolean;
  /** Number of keys under the prefix after the last returned (only when `more`). */
  remaining?: number;
}

export interface WatchOptions {
  /** Stops the watch. */
  signal: AbortSignal;
  /** Called once if the watch fails after it started (e.g. the backend connection was lost). */
  onError?: (err: Error) => void;
}

export interface Store {
  /** The latest revision written (0 for an empty store). */
  currentRevision(): Promise<number>;
  /** The revision up to which history has been compacted (0 if never). */
  compactRevision(): Promise<number>;
  get(key: string): Promise<KeyValue | undefined>;
  /** Keys starting with `prefix`, in key order. */
  list(prefix: string, options?: ListOptions): Promise<ListResult>;
  /** Number of keys starting with `prefix` at the current revision. */
  count(prefix: string): Promise<number>;
  /** Throws `KeyExistsError` when the key exists. */
  create(key: string, value: string): Promise<KeyValue>;
  /**
   * Writes `value` if the key's modRevision is `expectedRevision`.
   * Throws `KeyNotFoundError` when it does not exist, `RevisionConflictError` (with the current
   * value) when the revision differs.
   */
  update(key: string, value: string, expectedRevision: number): Promise<KeyValue>;
  /**
   * Deletes the key (only if its modRevision is `expectedRevision`, when given) and returns
   * the deleted value with `modRevision` = the delete's revision.
   */
  delete(key: string, expectedRevision?: number): Promise<KeyValue>;
  /**
   * Delivers, in order, every event under `prefix` with revision > `fromRevision`, then new
   * ones as they happen. Resolves once the watch is established. Throws `CompactedError` when
   * `fromRevision` < the compact revision.
   */
  watch(
    prefix: string,
    fromRevision: number,
    onEvent: (e: WatchEvent) => void,
    options: WatchOptions,
  ): Promise<void>;
  /** Drops history at and below `revision` (the latest value of every live key is kept). */
  compact(revision: number): Promise<void>;
  close(): Promise<void>;
}

export class KeyExistsError extends Error {
  constructor(readonly key: string) {
    super(`key exists: ${key}`);
    this.name = 'KeyExistsError';
  }
}

export class KeyNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`key not found: ${key}`);
    this.name = 'KeyNotFoundError';
  }
}

export class RevisionConflictError extends Error {
  constructor(
    readonly key: string,
    readonly current: KeyValue,
  ) {
    super(`revision conflict on ${key}: now at ${current.modRevision}`);
    this.name = 'RevisionConflictError';
  }
}

export class CompactedError extends Error {
  constructor(
    readonly requested: number,
    readonly compacted: number,
  ) {
    super(`revision ${requested} has been compacted (compact revision ${compacted})`);
    this.name = 'CompactedError';
  }
}

/**
 * Reading at a revision the store has not reached yet (added alongside the original contract;
 * the API server can answer "Too large resource version").
 */
export class FutureRevisionError extends Error {
  constructor(
    readonly requested: number,
    readonly current: number,
  ) {
    super(`revision ${requested} is in the future (current revision ${current})`);
    this.name = 'FutureRevisionError';
  }
}
