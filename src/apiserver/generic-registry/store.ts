/**
 * The generic registry: object-level semantics on top of the key-value store, shared by
 * every resource (upstream's generic/registry.Store). The resource's strategy supplies what
 * differs per kind.
 *
 *   create: generateName → uid/creationTimestamp/generation → defaults → prepareForCreate
 *           → validate (422) → admit → store.create (409 AlreadyExists)
 *   update: read → caller's change → keep immutable metadata → defaults → prepare
 *           → validateUpdate (422) → no-op? return : store.update(at read revision)
 *           (409 on a stale resourceVersion; unconditional updates retry on a race)
 *   delete: preconditions → grace period / finalizers? mark deletionTimestamp : store.delete
 *           An object whose last finalizer is removed while terminating is deleted.
 */
import { alreadyExists, conflict, expired, invalid, notFound } from '../../apimachinery/errors.js';
import type { FieldError } from '../../apimachinery/validation/field.js';
import {
  type KubeObject,
  type MutableObjectMeta,
  type ResourceType,
  apiVersionOf,
} from '../../registry/resource.js';
import {
  CompactedError,
  KeyExistsError,
  KeyNotFoundError,
  type KeyValue,
  RevisionConflictError,
  type Store,
  type WatchEvent,
} from '../../storage/interface.js';
import { decodeContinue, encodeContinue } from './continue-token.js';
import { copyJson, jsonEqual } from '../../apimachinery/json-copy.js';
import { collectionPrefix, objectKey } from './keys.js';
import { generateName, newUID } from './names.js';

/** Selects objects; it only reads them (in a watch, the object it sees is shared). */
export type Filter = (obj: KubeObject) => boolean;

export interface ListOptions {
  filter?: Filter;
  limit?: number;
  continue?: string;
  /** '' / undefined: most recent; '0': any; otherwise a revision. */
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface ObjectList {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface WriteOptions {
  dryRun?: boolean;
  /** `status` for the status subresource. */
  subresource?: string;
}

export interface DeleteOptions {
  dryRun?: boolean;
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ObjectEvent {
  type: WatchEventType;
  object: KubeObject;
  /**
   * `object` as JSON text, computed once per write for every watcher that asks (the API
   * server's watch streams).
   */
  encoded?: () => string;
}

export interface WatchRequest {
  filter?: Filter;
  /** Undefined: send the current objects as ADDED first, then changes. */
  resourceVersion?: number;
  signal: AbortSignal;
  onError?: (err: Error) => void;
  /**
   * The handler only reads the events' objects: they may be shared with the other watchers of
   * the same write instead of being a copy of its own (which it could change freely).
   */
  readOnly?: boolean;
}

/** Checks a write may happen at all (e.g. its namespace exists and isn't terminating). */
export type Admit = (op: 'create' | 'update', r: ResourceType, obj: KubeObject) => Promise<void>;

export interface RegistryStoreOptions {
  store: Store;
  resource: ResourceType;
  admit?: Admit;
  now?: () => Date;
}

const maxRetries = 16;

export const rfc3339 = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

const clone = copyJson;

export class RegistryStore {
  readonly resource: ResourceType;
  private readonly store: Store;
  private readonly admit: Admit;
  private readonly now: () => Date;
  /** The last watch event decoded, with its objects (see `viewsOf`). */
  private lastEvent: { event: WatchEvent; views: EventViews } | undefined;

  constructor(options: RegistryStoreOptions) {
    this.resource = options.resource;
    this.store = options.store;
    this.admit = options.admit ?? (async () => {});
    this.now = options.now ?? (() => new Date());
  }

  private get qualified() {
    return { group: this.resource.group, resource: this.resource.plural };
  }

  decode(kv: KeyValue, revision = kv.modRevision): KubeObject {
    const stored = JSON.parse(kv.value) as KubeObject;
    const obj = this.resource.storedAs ? this.resource.storedAs.fromStorage(stored) : stored;
    obj.metadata = { ...obj.metadata, resourceVersion: String(revision) };
    return obj;
  }

  private encode(obj: KubeObject): string {
    const o = { ...obj, metadata: { ...obj.metadata } };
    delete o.metadata.resourceVersion;
    return JSON.stringify(this.resource.storedAs ? this.resource.storedAs.toStorage(o) : o);
  }

  private async read(namespace: string, name: string): Promise<KeyValue> {
    const kv = await this.store.get(objectKey(this.resource, namespace, name));
    if (!kv) throw notFound(this.qualified, name);
    return kv;
  }

  async get(namespace: string, name: string): Promise<KubeObject> {
    return this.decode(await this.read(namespace, name));
  }

  async list(namespace: string, options: ListOptions = {}): Promise<ObjectList> {
    const prefix = collectionPrefix(this.resource, namespace);
    const limit = options.limit && options.limit > 0 ? options.limit : 0;
    let revision = 0;
    let startAfter: string | undefined;
    if (options.continue) {
      ({ revision, startAfter } = decodeContinue(options.continue));
    } else if (options.resourceVersion && options.resourceVersion !== '0') {
      const rv = Number(options.resourceVersion);
      if (options.resourceVersionMatch === 'Exact') revision = rv;
    }
    const items: KubeObject[] = [];
    let lastKey = '';
    let more: boolean;
    let remaining: number | undefined;
    try {
      for (;;) {
        const page = await this.store.list(prefix, {
          revision,
          ...(limit ? { limit: limit - items.length } : {}),
          ...(startAfter !== undefined ? { startAfter } : {}),
        });
        revision = page.revision;
        for (const kv of page.kvs) {
          lastKey = kv.key;
          const obj = this.decode(kv);
          if (!options.filter || options.filter(obj)) items.push(obj);
        }
        more = page.more;
        remaining = page.remaining;
        if (!more || !limit || items.length >= limit) break;
        startAfter = lastKey;
      }
    } catch (err) {
      if (err instanceof CompactedError) {
        throw expired(
          options.continue
            ? 'The provided continue parameter is too old to display a consistent list result. ' +
                'Start a new list without the continue parameter.'
            : `too old resource version: ${revision} (${err.compacted})`,
        );
      }
      throw err;
    }
    const list: ObjectList = { items, resourceVersion: String(revision) };
    if (more && limit) {
      list.continue = encodeContinue(revision, lastKey);
      if (!options.filter && remaining !== undefined) list.remainingItemCount = remaining;
    }
    return list;
  }

  async create(namespace: string, input: KubeObject, options: WriteOptions = {}): Promise<KubeObject> {
    const r = this.resource;
    const obj = clone(input);
    obj.apiVersion = apiVersionOf(r);
    obj.kind = r.kind;
    const meta: MutableObjectMeta = (obj.metadata ??= {});
    if (r.namespaced) meta.namespace = namespace;
    else delete meta.namespace;
    if (!meta.name && meta.generateName) meta.name = generateName(meta.generateName);
    meta.uid = newUID();
    meta.creationTimestamp = rfc3339(this.now());
    for (const k of [
      'resourceVersion',
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
      'selfLink',
    ] as const) {
      delete meta[k];
    }
    delete meta.managedFields;
    if ('spec' in obj) meta.generation = 1;
    r.strategy.defaults?.(obj);
    r.strategy.prepareForCreate?.(obj);
    this.check(obj, r.strategy.validate?.(obj));
    await this.admit('create', r, obj);
    if (options.dryRun) return obj;
    try {
      const kv = await this.store.create(objectKey(r, namespace, meta.name ?? ''), this.encode(obj));
      return this.decode(kv);
    } catch (err) {
      if (err instanceof KeyExistsError) throw alreadyExists(this.qualified, meta.name ?? '');
      throw err;
    }
  }

  /** PUT: replaces the object; 409 when its resourceVersion is stale. */
  update(
    namespace: string,
    name: string,
    input: KubeObject,
    options: WriteOptions = {},
  ): Promise<KubeObject> {
    const wanted = input.metadata?.resourceVersion;
    return this.updateLoop(namespace, name, () => clone(input), options, wanted, false);
  }

  /**
   * Reads the object, lets `mutate` produce the next version and writes it at the revision
   * read, retrying when another writer got there first (unless `precondition` pins a
   * resourceVersion, which then answers 409).
   */
  async guaranteedUpdate(
    namespace: string,
    name: string,
    mutate: (current: KubeObject) => KubeObject | Promise<KubeObject>,
    options: WriteOptions = {},
    precondition?: string,
  ): Promise<KubeObject> {
    return this.updateLoop(namespace, name, mutate, options, precondition, true);
  }

  /** `guaranteedUpdate`; `mutate` gets a copy of the current object when `copyCurrent`. */
  private async updateLoop(
    namespace: string,
    name: string,
    mutate: (current: KubeObject) => KubeObject | Promise<KubeObject>,
    options: WriteOptions,
    precondition: string | undefined,
    copyCurrent: boolean,
  ): Promise<KubeObject> {
    const r = this.resource;
    for (let attempt = 0; ; attempt++) {
      const kv = await this.read(namespace, name);
      const current = this.decode(kv);
      if (precondition && precondition !== current.metadata?.resourceVersion) throw this.modified(name);
      const next = await mutate(copyCurrent ? clone(current) : current);
      this.prepareUpdate(next, current, options.subresource);
      if (jsonEqual(next, current)) return current;
      await this.admit('update', r, next);
      const meta = next.metadata ?? {};
      // A terminating object with no grace period left goes once nothing holds it any more.
      const graceOver = !meta.deletionGracePeriodSeconds;
      if (meta.deletionTimestamp && graceOver && !meta.finalizers?.length && !this.held(next)) {
        if (options.dryRun) return next;
        try {
          return this.decode(await this.store.delete(kv.key, kv.modRevision));
        } catch (err) {
          if (this.retryable(err, attempt, precondition)) continue;
          throw this.mapWriteError(err, name);
        }
      }
      if (options.dryRun) return next;
      try {
        return this.decode(await this.store.update(kv.key, this.encode(next), kv.modRevision));
      } catch (err) {
        if (this.retryable(err, attempt, precondition)) continue;
        throw this.mapWriteError(err, name);
      }
    }
  }

  private prepareUpdate(next: KubeObject, current: KubeObject, subresource: string | undefined): void {
    const r = this.resource;
    const s = r.strategy;
    next.apiVersion = apiVersionOf(r);
    next.kind = r.kind;
    const meta: MutableObjectMeta = (next.metadata ??= {});
    const old = current.metadata ?? {};
    // Fields only the server sets.
    meta.uid ??= old.uid;
    meta.creationTimestamp = old.creationTimestamp;
    meta.resourceVersion = old.resourceVersion;
    if (old.deletionTimestamp) meta.deletionTimestamp = old.deletionTimestamp;
    else delete meta.deletionTimestamp;
    if (old.deletionGracePeriodSeconds !== undefined) {
      meta.deletionGracePeriodSeconds = old.deletionGracePeriodSeconds;
    } else delete meta.deletionGracePeriodSeconds;
    if (old.generation !== undefined) meta.generation = old.generation;
    else delete meta.generation;
    delete meta.managedFields;
    if (current.metadata?.managedFields) meta.managedFields = current.metadata.managedFields;
    s.defaults?.(next);
    // Subresources with their own handler (binding, …) check their writes themselves.
    if (subresource && subresource !== 'status') return;
    if (subresource === 'status') {
      s.prepareForStatusUpdate?.(next, current);
      this.check(next, s.validateStatusUpdate?.(next, current));
      return;
    }
    s.prepareForUpdate?.(next, current);
    if (old.generation !== undefined && !jsonEqual(specOf(next), specOf(current))) {
      meta.generation = old.generation + 1;
    }
    this.check(next, s.validateUpdate?.(next, current));
  }

  async delete(
    namespace: string,
    name: string,
    options: DeleteOptions = {},
  ): Promise<{ object: KubeObject; deleted: boolean }> {
    const r = this.resource;
    for (let attempt = 0; ; attempt++) {
      const kv = await this.read(namespace, name);
      const current = this.decode(kv);
      const meta = current.metadata ?? {};
      const pre = options.preconditions;
      if (pre?.uid && pre.uid !== meta.uid) {
        throw conflict(
          this.qualified,
          name,
          `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${meta.uid ?? ''}`,
        );
      }
      if (pre?.resourceVersion && pre.resourceVersion !== meta.resourceVersion) {
        throw conflict(
          this.qualified,
          name,
          `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ` +
            `ResourceVersion in object meta: ${meta.resourceVersion ?? ''}`,
        );
      }
      const grace = r.strategy.gracePeriod?.(current, options.gracePeriodSeconds) ?? 0;
      const next = clone(current);
      const nextMeta: MutableObjectMeta = (next.metadata ??= {});
      const finalizers = new Set(nextMeta.finalizers ?? []);
      if (options.propagationPolicy === 'Orphan') finalizers.add('orphan');
      if (options.propagationPolicy === 'Foreground') finalizers.add('foregroundDeletion');
      if (finalizers.size) nextMeta.finalizers = [...finalizers];
      const held = finalizers.size > 0 || this.held(next);
      if (grace === 0 && !held) {
        if (options.dryRun) return { object: current, deleted: true };
        try {
          return { object: this.decode(await this.store.delete(kv.key, kv.modRevision)), deleted: true };
        } catch (err) {
          if (this.retryable(err, attempt)) continue;
          throw this.mapWriteError(err, name);
        }
      }
      const deadline = new Date(this.now().getTime() + grace * 1000);
      const existing = meta.deletionTimestamp ? Date.parse(meta.deletionTimestamp) : undefined;
      if (existing === undefined || deadline.getTime() < existing) {
        nextMeta.deletionTimestamp = rfc3339(deadline);
        nextMeta.deletionGracePeriodSeconds = grace;
      }
      r.strategy.beginDelete?.(next);
      if (jsonEqual(next, current)) return { object: current, deleted: false };
      if (options.dryRun) return { object: next, deleted: false };
      try {
        return {
          object: this.decode(await this.store.update(kv.key, this.encode(next), kv.modRevision)),
          deleted: false,
        };
      } catch (err) {
        if (this.retryable(err, attempt)) continue;
        throw this.mapWriteError(err, name);
      }
    }
  }

  /**
   * Streams changes as watch events. Objects moving into the filter arrive as ADDED and out of
   * it as DELETED, like upstream's filtered watches. Resolves with the revision the stream
   * starts after.
   */
  async watch(namespace: string, request: WatchRequest, onEvent: (e: ObjectEvent) => void): Promise<number> {
    const prefix = collectionPrefix(this.resource, namespace);
    const filter = request.filter;
    const own = request.readOnly ? (obj: KubeObject) => obj : clone;
    const send = (type: WatchEventType, view: DecodedView) =>
      onEvent({ type, object: own(view.object), encoded: view.encoded });
    let from = request.resourceVersion;
    if (from === undefined) {
      const page = await this.store.list(prefix);
      for (const kv of page.kvs) {
        const obj = this.decode(kv); // decoded for this watcher alone: no copy needed
        if (!filter || filter(obj))
          onEvent({ type: 'ADDED', object: obj, encoded: () => JSON.stringify(obj) });
      }
      from = page.revision;
    }
    // Every watcher of this resource gets the same (frozen) event object for a write, one after
    // the other: the event is decoded once and each watcher gets its own copy.
    const handle = (e: WatchEvent) => {
      const views = this.viewsOf(e);
      if (e.type === 'create') {
        if (!filter || filter(views.object().object)) send('ADDED', views.object());
        return;
      }
      const was = !filter || filter(views.prev().object);
      if (e.type === 'delete') {
        if (was) send('DELETED', views.deleted());
        return;
      }
      const is = !filter || filter(views.object().object);
      if (was && is) send('MODIFIED', views.object());
      else if (is) send('ADDED', views.object());
      else if (was) send('DELETED', views.object());
    };
    try {
      await this.store.watch(prefix, from, handle, {
        signal: request.signal,
        ...(request.onError ? { onError: request.onError } : {}),
      });
    } catch (err) {
      if (err instanceof CompactedError) {
        throw expired(`too old resource version: ${from} (${err.compacted})`);
      }
      throw err;
    }
    return from;
  }

  /** The decoded objects of a watch event, shared by the watchers it is delivered to in a row. */
  private viewsOf(e: WatchEvent): EventViews {
    if (this.lastEvent?.event === e) return this.lastEvent.views;
    const object = once(() => new DecodedView(this.decode(e.kv)));
    const views: EventViews =
      e.type === 'create'
        ? { object, prev: object, deleted: object }
        : {
            object,
            prev: once(() => new DecodedView(this.decode(e.prev))),
            deleted: once(() => new DecodedView(this.decode(e.prev, e.kv.modRevision))),
          };
    // only a frozen event cannot change under the cache (the in-process stores freeze theirs)
    if (Object.isFrozen(e)) this.lastEvent = { event: e, views };
    return views;
  }

  private held(obj: KubeObject): boolean {
    const probe = clone(obj);
    return this.resource.strategy.beginDelete?.(probe) ?? false;
  }

  private check(obj: KubeObject, errors: FieldError[] | undefined): void {
    if (errors?.length)
      throw invalid(this.resource.kind, this.resource.group, obj.metadata?.name ?? '', errors);
  }

  private modified(name: string) {
    return conflict(
      this.qualified,
      name,
      'the object has been modified; please apply your changes to the latest version and try again',
    );
  }

  private retryable(err: unknown, attempt: number, precondition?: string): boolean {
    return err instanceof RevisionConflictError && !precondition && attempt < maxRetries;
  }

  private mapWriteError(err: unknown, name: string): unknown {
    if (err instanceof RevisionConflictError) return this.modified(name);
    if (err instanceof KeyNotFoundError) return notFound(this.qualified, name);
    return err;
  }
}

/** Everything but metadata and status: what a change of bumps `metadata.generation`. */
function specOf(obj: KubeObject): unknown {
  const { metadata: _m, status: _s, ...rest } = obj as KubeObject & { status?: unknown };
  return rest;
}

/** A decoded object that is never handed out itself (watchers get copies), and its JSON text. */
class DecodedView {
  private json: string | undefined;
  constructor(readonly object: KubeObject) {}
  readonly encoded = (): string => (this.json ??= JSON.stringify(this.object));
}

interface EventViews {
  /** The object the write left (for a delete: the tombstone's). */
  object: () => DecodedView;
  /** The object before the write. */
  prev: () => DecodedView;
  /** For a delete: the deleted object at the delete's revision. */
  deleted: () => DecodedView;
}

const once = <T>(make: () => T): (() => T) => {
  let value: T | undefined;
  let made = false;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value as T;
  };
};
