/**
 * Typed verbs on one resource (upstream client-go's typed clients, generic over the resource):
 * get, list, create, update, updateStatus, patch, delete, watch. A resource is named by
 * {group, version, plural, namespaced}; objects keep their `kubernetes-types` shapes.
 */
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import { errorFromResponse, type RestClient } from './rest-client.js';
import { decodeWatch, type WatchEvent } from './watch.js';

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

export interface ObjectList<T> {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion?: string; continue?: string };
  items: T[];
}

export interface ResourceRef {
  /** '' for the core group. */
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
}

export const resources = {
  pods: { group: '', version: 'v1', plural: 'pods', namespaced: true },
  nodes: { group: '', version: 'v1', plural: 'nodes', namespaced: false },
  events: { group: '', version: 'v1', plural: 'events', namespaced: true },
  leases: { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', namespaced: true },
} as const satisfies Record<string, ResourceRef>;

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  signal?: AbortSignal;
}

export interface WatchOptions extends Omit<ListOptions, 'limit' | 'continue'> {
  allowWatchBookmarks?: boolean;
  /** Server-side lifetime of the watch. */
  timeoutSeconds?: number;
}

export type PatchType = 'merge' | 'strategic' | 'json';

const patchContentType: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
};

export interface PatchOptions {
  namespace?: string;
  /** default `strategic` */
  type?: PatchType;
  /** e.g. `status` */
  subresource?: string;
  signal?: AbortSignal;
}

export interface DeleteOptions {
  namespace?: string;
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  signal?: AbortSignal;
}

const withSignal = (signal: AbortSignal | undefined) => (signal ? { signal } : {});

export class ResourceClient<T extends KubeObject> {
  constructor(
    readonly rest: RestClient,
    readonly ref: ResourceRef,
  ) {}

  /** `/api/v1/namespaces/ns/pods/name/status`, leaving out what is not given. */
  path(namespace?: string, name?: string, subresource?: string): string {
    const { group, version, plural, namespaced } = this.ref;
    let p = group ? `/apis/${group}/${version}` : `/api/${version}`;
    if (namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
    p += `/${plural}`;
    if (name !== undefined) p += `/${encodeURIComponent(name)}`;
    if (subresource) p += `/${subresource}`;
    return p;
  }

  private objectPath(obj: T, namespace?: string, subresource?: string): string {
    const name = obj.metadata?.name;
    if (!name) throw new Error(`${this.ref.plural}: the object has no metadata.name`);
    return this.path(namespace ?? obj.metadata?.namespace, name, subresource);
  }

  get(name: string, options: { namespace?: string; signal?: AbortSignal } = {}): Promise<T> {
    return this.rest.request('GET', this.path(options.namespace, name), withSignal(options.signal));
  }

  list(options: ListOptions = {}): Promise<ObjectList<T>> {
    const { namespace, signal, ...query } = options;
    return this.rest.request('GET', this.path(namespace), { query, ...withSignal(signal) });
  }

  create(obj: T, options: { namespace?: string; signal?: AbortSignal } = {}): Promise<T> {
    const ns = options.namespace ?? obj.metadata?.namespace;
    return this.rest.request('POST', this.path(ns), { body: obj, ...withSignal(options.signal) });
  }

  /** PUT of the whole object (409 Conflict when its resourceVersion is stale). */
  update(obj: T, options: { namespace?: string; signal?: AbortSignal } = {}): Promise<T> {
    const path = this.objectPath(obj, options.namespace);
    return this.rest.request('PUT', path, { body: obj, ...withSignal(options.signal) });
  }

  /** PUT to the `status` subresource: only `status` changes. */
  updateStatus(obj: T, options: { namespace?: string; signal?: AbortSignal } = {}): Promise<T> {
    const path = this.objectPath(obj, options.namespace, 'status');
    return this.rest.request('PUT', path, { body: obj, ...withSignal(options.signal) });
  }

  patch(name: string, patch: unknown, options: PatchOptions = {}): Promise<T> {
    const path = this.path(options.namespace, name, options.subresource);
    const contentType = patchContentType[options.type ?? 'strategic'];
    return this.rest.request('PATCH', path, { body: patch, contentType, ...withSignal(options.signal) });
  }

  /** DELETE with DeleteOptions; answers the object (graceful or finalizers) or a Success Status. */
  delete(name: string, options: DeleteOptions = {}): Promise<T | { kind: 'Status' }> {
    const { namespace, signal, ...rest } = options;
    const body = { kind: 'DeleteOptions', apiVersion: 'v1', ...rest };
    return this.rest.request('DELETE', this.path(namespace, name), { body, ...withSignal(signal) });
  }

  /** Opens a watch; the iterator ends when the server closes the stream or the signal aborts. */
  async watch(options: WatchOptions = {}): Promise<AsyncGenerator<WatchEvent<T>>> {
    const { namespace, signal, ...query } = options;
    const res = await this.rest.open('GET', this.path(namespace), {
      query: { ...query, watch: true },
      ...withSignal(signal),
    });
    const code = res.statusCode ?? 0;
    if (code < 200 || code > 299) {
      let text = '';
      for await (const chunk of res) text += String(chunk);
      throw errorFromResponse(code, text);
    }
    return decodeWatch<T>(res, signal);
  }
}
