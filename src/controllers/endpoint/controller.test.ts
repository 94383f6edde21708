import type { Endpoints, Pod, Service } from 'kubernetes-types/core/v1.js';
import { describe, expect, it, vi } from 'vitest';
import type { Api } from '../../apiserver/api.js';
import type { Mutable } from '../../registry/resource.js';
import { abortAfterEach, newTestApi, silentLogger } from '../testing/cluster.js';
import { EndpointController } from './controller.js';

/** The controllers react asynchronously: poll, with room for a loaded test machine. */
const eventually = (check: () => Promise<void>) => vi.waitFor(check, { timeout: 5000, interval: 20 });
const nextSignal = abortAfterEach();

async function cluster() {
  const api = await newTestApi();
  await new EndpointController({ api, logger: silentLogger }).start(nextSignal());
  return api;
}

const services = (api: Api) => api.registry('', 'v1', 'services');
const pods = (api: Api) => api.registry('', 'v1', 'pods');

async function createPod(api: Api, name: string, ip: string, labels = { app: 'web' }, port = 8080) {
  await pods(api).create('default', {
    metadata: { name, labels },
    spec: {
      nodeName: 'node-1',
      containers: [{ name: 'app', image: 'nginx', ports: [{ name: 'http', containerPort: port }] }],
    },
  } as Pod);
  await setReady(api, name, true, ip);
}

/** Readiness as the agent reports it: through the status subresource. */
async function setReady(api: Api, name: string, ready: boolean, ip?: string) {
  await pods(api).guaranteedUpdate(
    'default',
    name,
    (obj) => {
      const pod = obj as Pod;
      const status = ((pod as Mutable<Pod>).status ??= {});
      status.phase = 'Running';
      if (ip) {
        status.podIP = ip;
        status.podIPs = [{ ip }];
      }
      status.conditions = [{ type: 'Ready', status: ready ? 'True' : 'False' }];
      return pod;
    },
    { subresource: 'status' },
  );
}

async function endpoints(api: Api, name = 'web'): Promise<Endpoints | undefined> {
  try {
    return (await api.registry('', 'v1', 'endpoints').get('default', name)) as Endpoints;
  } catch {
    return undefined;
  }
}

const ips = (ep: Endpoints | undefined, field: 'addresses' | 'notReadyAddresses' = 'addresses') =>
  (ep?.subsets ?? []).flatMap((s) => (s[field] ?? []).map((a) => a.ip)).sort();

const webService = (spec: Service['spec'] = {}): Service => ({
  metadata: { name: 'web' },
  spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }], ...spec },
});

describe('EndpointController', () => {
  it('follows pod readiness: a failing readiness removes the IP, recovery adds it back', async () => {
    const api = await cluster();
    await services(api).create('default', webService());
    await createPod(api, 'a', '10.42.0.2');
    await createPod(api, 'b', '10.42.0.3');
    await createPod(api, 'other', '10.42.0.9', { app: 'db' });
    await eventually(async () => expect(ips(await endpoints(api))).toEqual(['10.42.0.2', '10.42.0.3']));
    const ep = await endpoints(api);
    expect(ep?.subsets?.[0]?.ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
    expect(ep?.subsets?.[0]?.addresses?.[0]).toMatchObject({
      nodeName: 'node-1',
      targetRef: { kind: 'Pod', namespace: 'default', name: 'a' },
    });

    await setReady(api, 'a', false);
    await eventually(async () => {
      const now = await endpoints(api);
      expect(ips(now)).toEqual(['10.42.0.3']);
      expect(ips(now, 'notReadyAddresses')).toEqual(['10.42.0.2']);
    });
    await setReady(api, 'a', true);
    await eventually(async () => expect(ips(await endpoints(api))).toEqual(['10.42.0.2', '10.42.0.3']));
  });

  it('follows label changes and pod deletion', async () => {
    const api = await cluster();
    await services(api).create('default', webService());
    await createPod(api, 'a', '10.42.0.2');
    await eventually(async () => expect(ips(await endpoints(api))).toEqual(['10.42.0.2']));
    await pods(api).guaranteedUpdate('default', 'a', (obj) => {
      obj.metadata = { ...obj.metadata, labels: { app: 'moved' } };
      return obj;
    });
    await eventually(async () => expect((await endpoints(api))?.subsets).toBeUndefined());
    await createPod(api, 'b', '10.42.0.3');
    await eventually(async () => expect(ips(await endpoints(api))).toEqual(['10.42.0.3']));
    await pods(api).delete('default', 'b', { gracePeriodSeconds: 0 });
    await eventually(async () => expect((await endpoints(api))?.subsets).toBeUndefined());
  });

  it('resolves a named targetPort per pod', async () => {
    const api = await cluster();
    await services(api).create(
      'default',
      webService({ ports: [{ name: 'web', port: 80, targetPort: 'http' }] }),
    );
    await createPod(api, 'a', '10.42.0.2', { app: 'web' }, 8080);
    await createPod(api, 'b', '10.42.0.3', { app: 'web' }, 9090);
    await eventually(async () => {
      const ep = await endpoints(api);
      const byPort = (ep?.subsets ?? []).map((s) => [s.ports?.[0]?.port, s.addresses?.map((a) => a.ip)]);
      expect(byPort).toEqual([
        [8080, ['10.42.0.2']],
        [9090, ['10.42.0.3']],
      ]);
    });
  });

  it('lists not-ready pods as ready with publishNotReadyAddresses', async () => {
    const api = await cluster();
    await services(api).create('default', webService({ clusterIP: 'None', publishNotReadyAddresses: true }));
    await createPod(api, 'a', '10.42.0.2');
    await setReady(api, 'a', false);
    await eventually(async () => {
      const ep = await endpoints(api);
      expect(ips(ep)).toEqual(['10.42.0.2']);
      expect(ep?.metadata?.labels).toEqual({ 'service.kubernetes.io/headless': '' });
    });
  });

  it('leaves services without a selector alone and deletes the Endpoints of deleted services', async () => {
    const api = await cluster();
    await services(api).create('default', {
      metadata: { name: 'manual' },
      spec: { ports: [{ port: 80 }] },
    } as Service);
    const manual = {
      metadata: { name: 'manual' },
      subsets: [{ addresses: [{ ip: '192.0.2.1' }], ports: [{ port: 80 }] }],
    };
    await api.registry('', 'v1', 'endpoints').create('default', manual);
    await services(api).create('default', webService());
    await eventually(async () => expect(await endpoints(api)).toBeDefined());
    expect(ips(await endpoints(api, 'manual'))).toEqual(['192.0.2.1']);
    await services(api).delete('default', 'web');
    await eventually(async () => expect(await endpoints(api)).toBeUndefined());
    expect(await endpoints(api, 'manual')).toBeDefined();
  });
});
