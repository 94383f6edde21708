/**
 * An in-process cluster for controller tests: the built-in API over a MemoryStore with the
 * system namespaces, controllers stopped after each test, and helpers to wait and to play the
 * kubelet by writing pod status.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { pino } from 'pino';
import { afterEach } from 'vitest';
import { Api } from '../../apiserver/api.js';
import { rfc3339 } from '../../apiserver/generic-registry/store.js';
import { bootstrap } from '../../controlplane/bootstrap.js';
import { builtinResources } from '../../registry/all.js';
import type { KubeObject } from '../../registry/resource.js';
import { MemoryStore } from '../../storage/memory/memory-store.js';

export const silentLogger = pino({ level: 'silent' });

/** The API with the four system namespaces; its timestamps come from `clock` when given. */
export async function newTestApi(clock?: { now(): number }): Promise<Api> {
  const api = new Api({
    store: new MemoryStore(),
    resources: builtinResources,
    ...(clock ? { now: () => new Date(clock.now()) } : {}),
  });
  await bootstrap(api);
  return api;
}

/**
 * Called at a test file's top level: returns a function handing out signals for the controllers
 * a test starts, all aborted after each test.
 */
export function abortAfterEach(): () => AbortSignal {
  const aborts: AbortController[] = [];
  afterEach(() => {
    for (const a of aborts.splice(0)) a.abort();
  });
  return () => {
    const abort = new AbortController();
    aborts.push(abort);
    return abort.signal;
  };
}

export const podTemplate = (labels: Record<string, string>, image = 'nginx') => ({
  metadata: { labels },
  spec: { containers: [{ name: 'c', image }] },
});

/** Lists the pods of `default` (not terminating unless asked). */
export async function listPods(api: Api, includeTerminating = false): Promise<Pod[]> {
  const items = (await api.registry('', 'v1', 'pods').list('default')).items as Pod[];
  return items.filter((p) => includeTerminating || !p.metadata?.deletionTimestamp);
}

/** What a kubelet reports: Running, and Ready (since `at`) or not. */
export async function setPodReady(api: Api, pod: Pod, ready = true, at = new Date()): Promise<void> {
  await api.registry('', 'v1', 'pods').guaranteedUpdate(
    'default',
    pod.metadata?.name ?? '',
    (cur) => {
      const p = cur as Pod & KubeObject;
      const status = { ...(p.status ?? {}) };
      status.phase = 'Running';
      status.conditions = [
        { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: rfc3339(at) },
      ];
      (p as { status?: Pod['status'] }).status = status;
      return p;
    },
    { subresource: 'status' },
  );
}

/** Every pod of `default` not yet Running becomes Running and Ready. */
export async function readyAll(api: Api): Promise<void> {
  for (const p of await listPods(api)) if (p.status?.phase !== 'Running') await setPodReady(api, p);
}

/** Plays the kubelet: `readyAll` every 15 ms until the returned function is called. */
export function standInKubelet(api: Api): () => void {
  const t = setInterval(() => void readyAll(api).catch(() => undefined), 15);
  return () => clearInterval(t);
}

/** Polls `check` until it returns a value other than undefined (or throws after `timeoutMs`). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`timed out${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
