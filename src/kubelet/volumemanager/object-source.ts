/**
 * The API objects pods consume on this node (upstream kubelet's configmap/secret managers,
 * caching strategy): ConfigMaps, Secrets, Services and service account tokens, each read through
 * a short TTL cache so a resync of every pod does not turn into a burst of GETs, and tokens
 * reused until 80 % of their lifetime (upstream's token manager).
 */
import type { ConfigMap, Secret, Service } from 'kubernetes-types/core/v1.js';
import type { TokenRequest } from 'kubernetes-types/authentication/v1.js';
import { isNotFound } from '../../apimachinery/errors.js';
import type { Client } from '../../client/index.js';

/** What env and volumes read from the API; `undefined` = the object does not exist. */
export interface ObjectSource {
  getConfigMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  getSecret(namespace: string, name: string): Promise<Secret | undefined>;
  /** Services of a namespace (service env links). */
  listServices?(namespace: string): Promise<Service[]>;
  /** A token for `serviceaccounts/<name>/token`, bound to the pod (TokenRequest). */
  requestToken?(namespace: string, serviceAccount: string, request: TokenRequest): Promise<TokenRequest>;
}

interface Entry<T> {
  at: number;
  value: Promise<T>;
}

/** Promise-sharing TTL cache: concurrent readers of one key share a request; failures are not kept. */
export class TTLCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value;
    const value = load();
    const entry = { at: this.now(), value };
    this.entries.set(key, entry);
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }
}

const orUndefined = async <T>(p: Promise<T>): Promise<T | undefined> => {
  try {
    return await p;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
};

export interface ApiObjectSourceOptions {
  /** How long a read object is reused (default 2 s). */
  ttlMs?: number;
  now?: () => number;
}

/** The agent's ObjectSource over its API client. */
export function apiObjectSource(client: Client, o: ApiObjectSourceOptions = {}): ObjectSource {
  const ttl = o.ttlMs ?? 2000;
  const configMaps = client.resource<ConfigMap>({
    group: '',
    version: 'v1',
    plural: 'configmaps',
    namespaced: true,
  });
  const secrets = client.resource<Secret>({ group: '', version: 'v1', plural: 'secrets', namespaced: true });
  const services = client.resource<Service>({
    group: '',
    version: 'v1',
    plural: 'services',
    namespaced: true,
  });
  const accounts = client.resource({ group: '', version: 'v1', plural: 'serviceaccounts', namespaced: true });
  const cmCache = new TTLCache<ConfigMap | undefined>(ttl, o.now);
  const secretCache = new TTLCache<Secret | undefined>(ttl, o.now);
  const svcCache = new TTLCache<Service[]>(ttl, o.now);
  return {
    getConfigMap: (ns, name) =>
      cmCache.get(`${ns}/${name}`, () => orUndefined(configMaps.get(name, { namespace: ns }))),
    getSecret: (ns, name) =>
      secretCache.get(`${ns}/${name}`, () => orUndefined(secrets.get(name, { namespace: ns }))),
    listServices: (ns) => svcCache.get(ns, async () => (await services.list({ namespace: ns })).items),
    requestToken: (ns, name, request) =>
      client.rest.request<TokenRequest>('POST', accounts.path(ns, name, 'token'), {
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', ...request },
      }),
  };
}
