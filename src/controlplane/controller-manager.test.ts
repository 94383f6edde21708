import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { ServiceAccount } from 'kubernetes-types/core/v1.js';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { isNotFound } from '../apimachinery/errors.js';
import { Api } from '../apiserver/api.js';
import { builtinResources } from '../registry/all.js';
import { MemoryStore } from '../storage/memory/memory-store.js';
import { bootstrap } from './bootstrap.js';
import { CONTROLLER_MANAGER_LEASE, startControllerManager } from './controller-manager.js';

const logger = pino({ level: 'silent' });
const leaderElection = { leaseDurationMs: 1500, renewDeadlineMs: 1000, retryPeriodMs: 300 };
const aborts: AbortController[] = [];
afterEach(() => {
  for (const a of aborts.splice(0)) a.abort();
});

async function until<T>(fn: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const holder = async (api: Api) =>
  (
    (await api
      .registry('coordination.k8s.io', 'v1', 'leases')
      .get('kube-system', CONTROLLER_MANAGER_LEASE)) as Lease
  ).spec?.holderIdentity;

/** Creates a namespace and answers once its `default` ServiceAccount exists (a controller made it). */
async function controllersRun(api: Api, namespace: string): Promise<boolean> {
  await api.registry('', 'v1', 'namespaces').create('', { metadata: { name: namespace } });
  return until(async () => {
    try {
      return !!((await api
        .registry('', 'v1', 'serviceaccounts')
        .get(namespace, 'default')) as ServiceAccount);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  });
}

function start(api: Api, identity: string) {
  const abort = new AbortController();
  aborts.push(abort);
  const cm = startControllerManager({ api, logger, identity, leaderElection }, abort.signal);
  return { stop: async () => (abort.abort(), await cm.stopped) };
}

describe('controller manager', () => {
  it('runs the controllers on one server at a time, and on another once that one stops', async () => {
    const api = new Api({ store: new MemoryStore(), resources: builtinResources });
    await bootstrap(api);
    const a = start(api, 'server-a');
    await until(async () => ((await holder(api).catch(() => undefined)) === 'server-a' ? true : undefined));
    start(api, 'server-b');
    expect(await controllersRun(api, 'first')).toBe(true);
    // b keeps campaigning but a keeps the Lease
    await new Promise((r) => setTimeout(r, 1000));
    expect(await holder(api)).toBe('server-a');

    await a.stop();
    await until(async () => ((await holder(api)) === 'server-b' ? true : undefined));
    expect(await controllersRun(api, 'second')).toBe(true);
  });
});
