import type { Service } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { StatusError } from '../../apimachinery/errors.js';
import { builtinResources } from '../../registry/all.js';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { Api, type ApiOptions } from '../api.js';
import { offsetInRange, parseIPv4Range } from './cidr.js';
import { IP_ADDRESSES_PREFIX } from './ip-allocator.js';

async function newApi(store = new MemoryStore(), options: Partial<ApiOptions> = {}): Promise<Api> {
  const api = new Api({ store, resources: builtinResources, ...options });
  try {
    await api.registry('', 'v1', 'namespaces').create('', { metadata: { name: 'default' } });
  } catch {
    // already there (a restarted Api over the same store)
  }
  return api;
}

const svc = (name: string, spec: Service['spec'] = {}): Service => ({
  metadata: { name },
  spec: { ports: [{ port: 80 }], selector: { app: name }, ...spec },
});

const create = async (api: Api, s: Service): Promise<Service> =>
  (await api.registry('', 'v1', 'services').create('default', s)) as Service;

async function failure(p: Promise<unknown>): Promise<StatusError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error('expected the request to fail');
}

describe('service CIDR', () => {
  it('parses IPv4 ranges and refuses IPv6 by name', () => {
    expect(parseIPv4Range('10.96.0.0/12')).toEqual({ cidr: '10.96.0.0/12', base: 0x0a600000, size: 2 ** 20 });
    expect(parseIPv4Range('10.43.7.9/16').cidr).toBe('10.43.0.0/16');
    expect(() => parseIPv4Range('fd00::/108')).toThrow(/IPv6 service ranges are not supported/);
    expect(() => parseIPv4Range('10.0.0.0')).toThrow(/prefix length/);
    expect(offsetInRange(parseIPv4Range('10.96.0.0/12'), '10.111.255.255')).toBe(2 ** 20 - 1);
    expect(offsetInRange(parseIPv4Range('10.96.0.0/12'), '10.112.0.0')).toBeUndefined();
  });
});

describe('cluster IP allocation', () => {
  it('allocates a free IP from the upper part of the range, never .1', async () => {
    const api = await newApi();
    const s = await create(api, svc('web'));
    const ip = s.spec?.clusterIP ?? '';
    expect(s.spec?.clusterIPs).toEqual([ip]);
    const offset = offsetInRange(parseIPv4Range('10.96.0.0/12'), ip) ?? 0;
    expect(offset).toBeGreaterThan(256);
    expect(s.spec?.ipFamilies).toEqual(['IPv4']);
  });

  it('honours a requested IP and refuses one already allocated or out of range', async () => {
    const api = await newApi();
    const a = await create(api, svc('dns', { clusterIP: '10.96.0.10' }));
    expect(a.spec?.clusterIPs).toEqual(['10.96.0.10']);
    const taken = await failure(create(api, svc('other', { clusterIP: '10.96.0.10' })));
    expect(taken.status.code).toBe(422);
    expect(taken.message).toContain(
      'spec.clusterIPs: Invalid value: ["10.96.0.10"]: failed to allocate IP 10.96.0.10: provided IP is already allocated',
    );
    const outside = await failure(create(api, svc('far', { clusterIP: '192.168.0.10' })));
    expect(outside.status.code).toBe(422);
    expect(outside.message).toContain(
      'the provided IP (192.168.0.10) is not in the valid range. The range of valid IPs is 10.96.0.0/12',
    );
  });

  it('allocates nothing for headless and ExternalName services', async () => {
    const api = await newApi();
    const headless = await create(api, svc('h', { clusterIP: 'None' }));
    expect(headless.spec?.clusterIPs).toEqual(['None']);
    const ext = await create(api, {
      metadata: { name: 'ext' },
      spec: { type: 'ExternalName', externalName: 'a.b' },
    });
    expect(ext.spec?.clusterIP).toBeUndefined();
    expect((await api.store.list(IP_ADDRESSES_PREFIX)).kvs).toHaveLength(0);
  });

  it('gives 50 parallel creates 50 distinct IPs', async () => {
    const api = await newApi();
    const created = await Promise.all(Array.from({ length: 50 }, (_, i) => create(api, svc(`s${i}`))));
    expect(new Set(created.map((s) => s.spec?.clusterIP)).size).toBe(50);
  });

  it('fills a small range exactly under concurrency, then reports it full', async () => {
    // A /27: 32 addresses, minus network, broadcast and .1 → 29.
    const api = await newApi(new MemoryStore(), { serviceCIDR: '10.0.0.0/27' });
    const created = await Promise.all(Array.from({ length: 29 }, (_, i) => create(api, svc(`s${i}`))));
    const ips = new Set(created.map((s) => s.spec?.clusterIP));
    expect(ips.size).toBe(29);
    expect(ips.has('10.0.0.1')).toBe(false);
    const full = await failure(create(api, svc('one-more')));
    expect(full.status.code).toBe(500);
    expect(full.message).toContain('failed to allocate a serviceIP: range is full');
  });

  it('releases the IP of a deleted service', async () => {
    let now = new Date('2025-01-01T00:00:00Z');
    const api = await newApi(new MemoryStore(), { serviceCIDR: '10.0.0.0/29', now: () => now });
    // A /29 has 5 dynamic addresses (.2 to .6).
    const created = await Promise.all(Array.from({ length: 5 }, (_, i) => create(api, svc(`s${i}`))));
    await api.registry('', 'v1', 'services').delete('default', 's3');
    now = new Date('2025-01-01T00:05:00Z');
    const again = await create(api, svc('late'));
    expect(again.spec?.clusterIP).toBe(created[3]?.spec?.clusterIP);
    // The requested form works too once the holder is gone.
    await api.registry('', 'v1', 'services').delete('default', 's4');
    const requested = await create(api, svc('req', { clusterIP: created[4]?.spec?.clusterIP ?? '' }));
    expect(requested.spec?.clusterIP).toBe(created[4]?.spec?.clusterIP);
  });

  it('keeps allocations across a restart over the same store', async () => {
    const store = new MemoryStore();
    const first = await newApi(store, { serviceCIDR: '10.0.0.0/26' });
    const before = await Promise.all(Array.from({ length: 20 }, (_, i) => create(first, svc(`a${i}`))));
    const second = await newApi(store, { serviceCIDR: '10.0.0.0/26' });
    const taken = await failure(create(second, svc('dup', { clusterIP: before[0]?.spec?.clusterIP ?? '' })));
    expect(taken.message).toContain('provided IP is already allocated');
    const after = await Promise.all(Array.from({ length: 20 }, (_, i) => create(second, svc(`b${i}`))));
    const all = new Set([...before, ...after].map((s) => s.spec?.clusterIP));
    expect(all.size).toBe(40);
  });

  it('keeps the IP on update and allocates when a service stops being ExternalName', async () => {
    const api = await newApi();
    const services = api.registry('', 'v1', 'services');
    const s = await create(api, svc('web'));
    const updated = (await services.guaranteedUpdate('default', 'web', (o) => {
      const next = o as Service;
      next.metadata = { ...next.metadata, labels: { tier: 'front' } };
      return next;
    })) as Service;
    expect(updated.spec?.clusterIP).toBe(s.spec?.clusterIP);
    expect((await api.store.list(IP_ADDRESSES_PREFIX)).kvs).toHaveLength(1);

    await create(api, { metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'a.b' } });
    const converted = (await services.guaranteedUpdate('default', 'ext', (o) => {
      const next = o as Service;
      next.spec = { type: 'ClusterIP', ports: [{ port: 80 }] };
      return next;
    })) as Service;
    expect(converted.spec?.clusterIP).toMatch(/^10\./);
  });

  it('refuses dual-stack requirements on this single-stack cluster', async () => {
    const api = await newApi();
    const err = await failure(create(api, svc('ds', { ipFamilyPolicy: 'RequireDualStack' })));
    expect(err.message).toContain('this cluster is not configured for dual-stack services');
  });
});

describe('node port allocation', () => {
  it('allocates node ports in range and checks requested ones', async () => {
    const api = await newApi();
    const np = await create(
      api,
      svc('np', {
        type: 'NodePort',
        ports: [
          { name: 'a', port: 80 },
          { name: 'b', port: 81 },
        ],
      }),
    );
    const ports = (np.spec?.ports ?? []).map((p) => p.nodePort ?? 0);
    expect(new Set(ports).size).toBe(2);
    for (const p of ports) expect(p >= 30000 && p <= 32767).toBe(true);

    const fixed = await create(
      api,
      svc('fixed', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }),
    );
    expect(fixed.spec?.ports?.[0]?.nodePort).toBe(30080);
    const taken = await failure(
      create(api, svc('dup', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] })),
    );
    expect(taken.status.code).toBe(422);
    expect(taken.message).toContain(
      'spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
    );
    const outside = await failure(
      create(api, svc('low', { type: 'NodePort', ports: [{ port: 80, nodePort: 8080 }] })),
    );
    expect(outside.message).toContain(
      'provided port is not in the valid range. The range of valid ports is 30000-32767',
    );
  });

  it('shares one node port between protocols of the same service port', async () => {
    const api = await newApi();
    const s = await create(
      api,
      svc('dns', {
        type: 'NodePort',
        ports: [
          { name: 'udp', port: 53, protocol: 'UDP' },
          { name: 'tcp', port: 53, protocol: 'TCP' },
        ],
      }),
    );
    expect(s.spec?.ports?.[0]?.nodePort).toBe(s.spec?.ports?.[1]?.nodePort);
  });

  it('allocates a health check node port for LoadBalancer services with Local traffic policy', async () => {
    const api = await newApi();
    const s = await create(api, svc('lb', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' }));
    expect(s.spec?.healthCheckNodePort).toBeGreaterThanOrEqual(30000);
    expect(s.spec?.ports?.[0]?.nodePort).not.toBe(s.spec?.healthCheckNodePort);
  });
});
