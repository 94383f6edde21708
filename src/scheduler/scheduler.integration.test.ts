/**
 * The scheduler with the in-tree plugins against an in-process API over the memory store:
 * binding, events, an unschedulable pod's condition and event, and its retry when a node joins.
 */
import type { Event, Pod } from 'kubernetes-types/core/v1.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Api } from '../apiserver/api.js';
import { parseConfiguration } from './apis/config/load.js';
import { builtinNoopPlugins } from './apis/config/default-plugins.js';
import { type BindPlugin, type CycleState, type PluginFactory, error } from './framework/interface.js';
import { inTreeRegistry } from './plugins/registry.js';
import { Scheduler } from './scheduler.js';
import { createNode, createPod, getPod, newTestApi, node, pod, silentLogger } from './testing/objects.js';

const stops: AbortController[] = [];
afterEach(() => {
  for (const s of stops.splice(0)) s.abort();
});

async function start(
  api: Api,
  configText?: string,
  registry: Readonly<Record<string, PluginFactory>> = inTreeRegistry,
): Promise<Scheduler> {
  const known = new Set([...Object.keys(inTreeRegistry), ...builtinNoopPlugins]);
  const config = configText ? parseConfiguration(configText, known) : undefined;
  const s = new Scheduler({
    api,
    logger: silentLogger,
    registry,
    ...(config ? { config } : {}),
    host: 'test',
  });
  const abort = new AbortController();
  stops.push(abort);
  await s.start(abort.signal);
  return s;
}

const events = async (api: Api, podName: string): Promise<Event[]> =>
  (await api.registry('', 'v1', 'events').list('default')).items.filter(
    (e) => (e as Event).involvedObject.name === podName,
  ) as Event[];

describe('scheduler (in-tree plugins, in-process API)', () => {
  it('binds pods, spreads them, and records Scheduled events', async () => {
    const api = await newTestApi();
    for (const [n, z] of [
      ['node-a', 'zone-a'],
      ['node-b', 'zone-b'],
      ['node-c', 'zone-c'],
    ] as const)
      await createNode(api, node(n, z));
    await start(api);
    for (let i = 0; i < 6; i++) await createPod(api, pod(`web-${i}`));
    await vi.waitFor(async () => {
      for (let i = 0; i < 6; i++) expect((await getPod(api, `web-${i}`)).spec?.nodeName).toBeTruthy();
    });
    const nodes = await Promise.all(
      [0, 1, 2, 3, 4, 5].map(async (i) => (await getPod(api, `web-${i}`)).spec?.nodeName),
    );
    // Default spreading and balanced allocation: two on each node.
    expect(new Set(nodes).size).toBe(3);
    const p = await getPod(api, 'web-0');
    expect(p.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status).toBe('True');
    await vi.waitFor(async () => {
      const [e] = await events(api, 'web-0');
      expect(e).toMatchObject({
        type: 'Normal',
        reason: 'Scheduled',
        message: `Successfully assigned default/web-0 to ${p.spec?.nodeName}`,
        source: { component: 'default-scheduler' },
        reportingComponent: 'default-scheduler',
        involvedObject: { kind: 'Pod', name: 'web-0', namespace: 'default' },
      });
    });
  });

  it('reports an unschedulable pod and schedules it when a big enough node joins', async () => {
    const api = await newTestApi();
    await createNode(api, node('node-a', 'zone-a', '2'));
    await createNode(api, node('node-b', 'zone-b', '2'));
    await start(api);
    await createPod(api, pod('huge', '16'));
    const message =
      '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: ' +
      '2 Preemption is not helpful for scheduling.';
    await vi.waitFor(async () => {
      const c = (await getPod(api, 'huge')).status?.conditions?.find((x) => x.type === 'PodScheduled');
      expect(c).toMatchObject({ status: 'False', reason: 'Unschedulable' });
      expect(c?.message).toBe(message);
    });
    const [failed] = await events(api, 'huge');
    expect(failed).toMatchObject({ type: 'Warning', reason: 'FailedScheduling', message });
    await createNode(api, node('node-big', 'zone-c', '32'));
    await vi.waitFor(async () => expect((await getPod(api, 'huge')).spec?.nodeName).toBe('node-big'), {
      timeout: 5000,
    });
  });

  it('runs a profile whose only Score plugin is PodTopologySpread, for its own schedulerName', async () => {
    const api = await newTestApi();
    await createNode(api, node('node-a', 'zone-a'));
    const s = await start(
      api,
      `apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
- schedulerName: spread-only
  plugins:
    score:
      disabled: [{name: '*'}]
      enabled: [{name: PodTopologySpread, weight: 1}]
    multiPoint:
      disabled: [{name: '*'}]
      enabled:
      - {name: PrioritySort}
      - {name: NodeResourcesFit}
      - {name: PodTopologySpread}
      - {name: DefaultBinder}
`,
    );
    expect(s.frameworks.get('spread-only')?.listPlugins().score).toEqual(['PodTopologySpread:1']);
    await createPod(api, pod('mine', '100m', { schedulerName: 'spread-only' }));
    await createPod(api, pod('not-mine', '100m'));
    await vi.waitFor(async () => expect((await getPod(api, 'mine')).spec?.nodeName).toBe('node-a'));
    expect((await getPod(api, 'not-mine')).spec?.nodeName).toBeUndefined();
  });

  it('drops a pod deleted while it waits in the queue', async () => {
    const api = await newTestApi();
    await createNode(api, node('node-a', 'zone-a', '1'));
    const s = await start(api);
    await createPod(api, pod('huge', '16'));
    await vi.waitFor(() => expect(s.queue.dump().unschedulable).toEqual(['huge']));
    await api.registry('', 'v1', 'pods').delete('default', 'huge');
    await vi.waitFor(() =>
      expect(s.queue.dump()).toEqual({ active: [], backoff: [], unschedulable: [], gated: [], inFlight: [] }),
    );
  });

  it('forgets the assumed pod when binding fails, and retries after the backoff', async () => {
    const api = await newTestApi();
    await createNode(api, node('node-a', 'zone-a'));
    let calls = 0;
    const flaky: PluginFactory = (args, handle) => {
      const real = inTreeRegistry.DefaultBinder?.(args, handle);
      if (!real || !('bind' in real)) throw new Error('no DefaultBinder');
      const binder = real as BindPlugin;
      return {
        name: 'DefaultBinder',
        bind: (state: CycleState, p: Pod, n: string) =>
          ++calls === 1 ? Promise.resolve(error('etcd is having a bad day')) : binder.bind(state, p, n),
      } satisfies BindPlugin;
    };
    const s = await start(api, undefined, { ...inTreeRegistry, DefaultBinder: flaky });
    await createPod(api, pod('p'));
    await vi.waitFor(async () => {
      const c = (await getPod(api, 'p')).status?.conditions?.find((x) => x.type === 'PodScheduled');
      expect(c).toMatchObject({
        status: 'False',
        reason: 'SchedulerError',
        message: 'running Bind plugin "DefaultBinder": etcd is having a bad day',
      });
    });
    expect(s.cache.isAssumed(await getPod(api, 'p'))).toBe(false);
    await vi.waitFor(async () => expect((await getPod(api, 'p')).spec?.nodeName).toBe('node-a'), {
      timeout: 5000,
    });
    expect(calls).toBe(2);
  });
});
