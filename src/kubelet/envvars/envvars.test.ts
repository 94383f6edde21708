import type { ConfigMap, Container, Pod, Secret, Service } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { ContainerConfigError } from '../kuberuntime/container-config.js';
import type { ObjectSource } from '../volumemanager/object-source.js';
import { containerResourceValue, createEnvResolver, formatMap, podFieldValue } from './index.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function fakeObjects(
  configMaps: ConfigMap[] = [],
  secrets: Secret[] = [],
  services: Service[] = [],
): ObjectSource {
  const find = <T extends { metadata?: { namespace?: string; name?: string } }>(
    list: T[],
    ns: string,
    n: string,
  ) => Promise.resolve(list.find((o) => o.metadata?.namespace === ns && o.metadata?.name === n));
  return {
    getConfigMap: (ns, n) => find(configMaps, ns, n),
    getSecret: (ns, n) => find(secrets, ns, n),
    listServices: async (ns) => services.filter((s) => s.metadata?.namespace === ns),
  };
}

const pod = (container: Container, extra: Partial<NonNullable<Pod['spec']>> = {}): Pod => ({
  metadata: {
    name: 'web',
    namespace: 'ns1',
    uid: 'u-1',
    labels: { app: 'web' },
    annotations: { note: 'hi' },
  },
  spec: { nodeName: 'node-a', serviceAccountName: 'robot', containers: [container], ...extra },
});

const resolve = async (
  c: Container,
  objects = fakeObjects(),
  extra: Partial<NonNullable<Pod['spec']>> = {},
) => {
  const r = createEnvResolver({
    objects,
    allocatable: () => ({ cpu: '2', memory: '4Gi' }),
    runtimeInfo: () => ({ podIPs: ['10.244.0.5'], hostIPs: ['192.168.1.2'] }),
  });
  const out = await r(pod(c, extra), c);
  return Object.fromEntries(out.map((e) => [e.key, e.value]));
};

describe('env resolver', () => {
  it('expands $(VAR) from earlier variables and keeps unknown references', async () => {
    const env = await resolve({
      name: 'c',
      env: [
        { name: 'A', value: 'x' },
        { name: 'B', value: '$(A)-$(NOPE)-$$(A)' },
      ],
    });
    expect(env).toMatchObject({ A: 'x', B: 'x-$(NOPE)-$(A)' });
  });

  it('resolves fieldRefs', async () => {
    const f = (fieldPath: string) => ({ name: fieldPath, valueFrom: { fieldRef: { fieldPath } } });
    const env = await resolve({
      name: 'c',
      env: [
        f('metadata.name'),
        f('metadata.namespace'),
        f('metadata.uid'),
        f("metadata.labels['app']"),
        f("metadata.annotations['note']"),
        f('spec.nodeName'),
        f('spec.serviceAccountName'),
        f('status.podIP'),
        f('status.hostIP'),
        f('status.podIPs'),
      ],
    });
    expect(env).toMatchObject({
      'metadata.name': 'web',
      'metadata.namespace': 'ns1',
      'metadata.uid': 'u-1',
      "metadata.labels['app']": 'web',
      "metadata.annotations['note']": 'hi',
      'spec.nodeName': 'node-a',
      'spec.serviceAccountName': 'robot',
      'status.podIP': '10.244.0.5',
      'status.hostIP': '192.168.1.2',
      'status.podIPs': '10.244.0.5',
    });
  });

  it('resolves resourceFieldRefs with divisors, limits defaulting to allocatable', async () => {
    const c: Container = {
      name: 'c',
      resources: { limits: { memory: '64Mi' }, requests: { cpu: '250m', memory: '32Mi' } },
      env: [
        { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
        { name: 'CPU_REQ', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } },
        { name: 'CPU_REQ_CORES', valueFrom: { resourceFieldRef: { resource: 'requests.cpu' } } },
        { name: 'CPU_LIM', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
      ],
    };
    expect(await resolve(c)).toMatchObject({ MEM: '64', CPU_REQ: '250', CPU_REQ_CORES: '1', CPU_LIM: '2' });
  });

  it('reads configMapKeyRef and secretKeyRef, skipping optional missing ones', async () => {
    const objects = fakeObjects(
      [{ metadata: { namespace: 'ns1', name: 'cfg' }, data: { color: 'blue' } }],
      [{ metadata: { namespace: 'ns1', name: 'sec' }, data: { pw: b64('s3cret') } }],
    );
    const env = await resolve(
      {
        name: 'c',
        env: [
          { name: 'COLOR', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'color' } } },
          { name: 'PW', valueFrom: { secretKeyRef: { name: 'sec', key: 'pw' } } },
          { name: 'OPT', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k', optional: true } } },
          { name: 'OPT2', valueFrom: { secretKeyRef: { name: 'sec', key: 'nokey', optional: true } } },
        ],
      },
      objects,
    );
    expect(env).toEqual({ COLOR: 'blue', PW: 's3cret' });
  });

  it.each([
    [{ configMapKeyRef: { name: 'x', key: 'k' } }, 'configmap "x" not found'],
    [{ secretKeyRef: { name: 'x', key: 'k' } }, 'secret "x" not found'],
    [{ configMapKeyRef: { name: 'cfg', key: 'k' } }, "couldn't find key k in ConfigMap ns1/cfg"],
    [{ fieldRef: { fieldPath: 'spec.bogus' } }, 'unsupported fieldPath: spec.bogus'],
  ])('fails with CreateContainerConfigError: %s', async (valueFrom, message) => {
    const objects = fakeObjects([{ metadata: { namespace: 'ns1', name: 'cfg' }, data: {} }]);
    const err = await resolve({ name: 'c', env: [{ name: 'X', valueFrom }] }, objects).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ContainerConfigError);
    expect((err as Error).message).toBe(message);
  });

  it('envFrom adds prefixed keys, skips invalid names, and env overrides it', async () => {
    const objects = fakeObjects(
      [{ metadata: { namespace: 'ns1', name: 'cfg' }, data: { a: '1', b: '2', 'bad=key': '3' } }],
      [{ metadata: { namespace: 'ns1', name: 'sec' }, data: { token: b64('t') } }],
    );
    const env = await resolve(
      {
        name: 'c',
        envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'P_' }, { secretRef: { name: 'sec' } }],
        env: [{ name: 'P_b', value: 'override' }],
      },
      objects,
    );
    expect(env).toEqual({ P_a: '1', P_b: 'override', token: 't' });
  });

  it('adds service links unless disabled', async () => {
    const svc: Service = {
      metadata: { namespace: 'ns1', name: 'my-db' },
      spec: { clusterIP: '10.96.0.9', ports: [{ name: 'sql', port: 5432, protocol: 'TCP' }] },
    };
    const objects = fakeObjects([], [], [svc]);
    const env = await resolve({ name: 'c' }, objects);
    expect(env).toMatchObject({
      MY_DB_SERVICE_HOST: '10.96.0.9',
      MY_DB_SERVICE_PORT: '5432',
      MY_DB_SERVICE_PORT_SQL: '5432',
      MY_DB_PORT: 'tcp://10.96.0.9:5432',
      MY_DB_PORT_5432_TCP_ADDR: '10.96.0.9',
    });
    expect(await resolve({ name: 'c' }, objects, { enableServiceLinks: false })).toEqual({});
  });
});

describe('field paths', () => {
  it('formats whole label maps for volumes only', () => {
    const p = pod({ name: 'c' });
    const info = { podIPs: [], hostIPs: [] };
    expect(podFieldValue(p, { fieldPath: 'metadata.labels' }, info, true)).toBe('app="web"');
    expect(() => podFieldValue(p, { fieldPath: 'metadata.labels' }, info)).toThrow(/unsupported/);
    expect(formatMap({ b: 'x"y', a: '1' })).toBe('a="1"\nb="x\\"y"');
  });

  it('rounds resource values up', () => {
    const c: Container = { name: 'c', resources: { limits: { cpu: '1500m', memory: '1000001' } } };
    expect(containerResourceValue({ resource: 'limits.cpu' }, c, {})).toBe('2');
    expect(containerResourceValue({ resource: 'limits.memory', divisor: '1M' }, c, {})).toBe('2');
  });
});
