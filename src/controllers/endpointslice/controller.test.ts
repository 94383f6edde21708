import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { describe, expect, it, vi } from 'vitest';
import type { Api } from '../../apiserver/api.js';
import type { Mutable } from '../../registry/resource.js';
import { abortAfterEach, newTestApi, silentLogger } from '../testing/cluster.js';
import { EndpointSliceController } from './controller.js';

/** The controllers react asynchronously: poll, with room for a loaded test machine. */
const eventually = (check: () => Promise<void>) => vi.waitFor(check, { timeout: 5000, interval: 20 });
const nextSignal = abortAfterEach();

async function cluster(maxEndpointsPerSlice?: number) {
  const api = await newTestApi();
  await new EndpointSliceController({
    api,
    logger: silentLogger,
    ...(maxEndpointsPerSlice ? { maxEndpointsPerSlice } : {}),
  }).start(nextSignal());
  return api;
}

const pods = (api: Api) => api.registry('', 'v1', 'pods');

async function createPod(api: Api, name: string, ip: string, ready = true) {
  await pods(api).create('default', {
    metadata: { name, labels: { app: 'web' } },
    spec: {
      nodeName: 'node-1',
      terminationGracePeriodSeconds: 30,
      containers: [{ name: 'app', image: 'nginx', ports: [{ name: 'http', containerPort: 8080 }] }],
    },
  } as Pod);
  await setReady(api, name, ready, ip);
}

async function setReady(api: Api, name: string, ready: boolean, ip?: string) {
  await pods(api).guaranteedUpdate(
    'default',
    name,
    (obj) => {
      const status = ((obj as Mutable<Pod>).status ??= {});
      status.phase = 'Running';
      if (ip) {
        status.podIP = ip;
        status.podIPs = [{ ip }];
      }
      status.conditions = [{ type: 'Ready', status: ready ? 'True' : 'False' }];
      return obj;
    },
    { subresource: 'status' },
  );
}

async function slices(api: Api, service = 'web'): Promise<EndpointSlice[]> {
  const list = await api.registry('discovery.k8s.io', 'v1', 'endpointslices').list('default');
  return (list.items as EndpointSlice[]).filter(
    (s) => s.metadata?.labels?.['kubernetes.io/service-name'] === service,
  );
}

const conditionsByIP = (all: EndpointSlice[]) =>
  Object.fromEntries(all.flatMap((s) => s.endpoints.map((e) => [e.addresses[0], e.conditions])));

describe('EndpointSliceController', () => {
  it('keeps one owned IPv4 slice with per-endpoint conditions in step with the pods', async () => {
    const api = await cluster();
    const svc = await api.registry('', 'v1', 'services').create('default', {
      metadata: { name: 'web', labels: { tier: 'front' } },
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    } as Service);
    // No pods yet: a placeholder.
    await eventually(async () => expect(await slices(api)).toHaveLength(1));
    expect((await slices(api))[0]?.endpoints ?? []).toEqual([]);

    await createPod(api, 'a', '10.42.0.2');
    await createPod(api, 'b', '10.42.0.3', false);
    await eventually(async () =>
      expect(conditionsByIP(await slices(api))).toEqual({
        '10.42.0.2': { ready: true, serving: true, terminating: false },
        '10.42.0.3': { ready: false, serving: false, terminating: false },
      }),
    );
    const [slice] = await slices(api);
    expect(await slices(api)).toHaveLength(1);
    expect(slice?.addressType).toBe('IPv4');
    expect(slice?.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(slice?.metadata?.name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(slice?.metadata?.labels).toEqual({
      tier: 'front',
      'kubernetes.io/service-name': 'web',
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    });
    expect(slice?.metadata?.ownerReferences).toEqual([
      {
        apiVersion: 'v1',
        kind: 'Service',
        name: 'web',
        uid: svc.metadata?.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(slice?.endpoints[0]).toMatchObject({
      nodeName: 'node-1',
      targetRef: { kind: 'Pod', namespace: 'default', name: 'a' },
    });

    // Readiness recovers; a terminating pod stays, serving but not ready.
    await setReady(api, 'b', true);
    await pods(api).delete('default', 'a');
    await eventually(async () =>
      expect(conditionsByIP(await slices(api))).toEqual({
        '10.42.0.2': { ready: false, serving: true, terminating: true },
        '10.42.0.3': { ready: true, serving: true, terminating: false },
      }),
    );
  });

  it('spreads endpoints over slices of at most the maximum and deletes them with the service', async () => {
    const api = await cluster(2);
    await api.registry('', 'v1', 'services').create('default', {
      metadata: { name: 'web' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
    } as Service);
    for (let i = 0; i < 5; i++) await createPod(api, `p${i}`, `10.42.0.${i + 2}`);
    await eventually(async () => {
      const all = await slices(api);
      expect(all.map((s) => s.endpoints.length).sort()).toEqual([1, 2, 2]);
    });
    await api.registry('', 'v1', 'services').delete('default', 'web');
    await eventually(async () => expect(await slices(api)).toHaveLength(0));
  });
});
