/**
 * An in-process cluster for controller tests: the built-in API over a MemoryStore with the
 * `default` namespace, and helpers to wait and to play the kubelet by writing pod status.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { pino } from 'pino';
import { Api } from '../../../apiserver/api.js';
import { rfc3339 } from '../../../apiserver/generic-registry/store.js';
import { builtinResources } from '../../../registry/all.js';
import type { KubeObject } from '../../../registry/resource.js';
import { MemoryStore } from '../../../storage/memory/memory-store.js';

export const silentLogger = pino({ level: 'silent' });

export async function newTestApi(now?: () => Date): Promise<Api> {
  const api = new Api({ store: new MemoryStore(), resources: builtinResources, ...(now ? { now } : {}) });
  await api.registry('', 'v1', 'namespaces').create('', { metadata: { name: 'default' } });
  return api;
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
