import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { withTestServer } from '../../client/testing/test-server-client.js';
import { FakeClock } from '../nodestatus/fake-clock.js';
import { NODE_LEASE_NAMESPACE, NodeLeaseController, microTime } from './controller.js';

const cluster = withTestServer();

const controller = (nodeName: string, clock: FakeClock) =>
  new NodeLeaseController({
    leases: cluster.client.leases,
    nodes: cluster.client.nodes,
    nodeName,
    logger: pino({ level: 'silent' }),
    clock,
  });

const getLease = (name: string): Promise<Lease> =>
  cluster.client.leases.get(name, { namespace: NODE_LEASE_NAMESPACE });

describe('NodeLeaseController', () => {
  it('creates the lease owned by the node and renews it every 10 s', async () => {
    const node = await cluster.client.nodes.create({ metadata: { name: 'n1' } });
    const clock = new FakeClock();
    const abort = new AbortController();
    const { stopped } = controller('n1', clock).start(abort.signal);
    await expect.poll(() => clock.pending()).toBe(1);
    const lease = await getLease('n1');
    expect(lease.spec).toMatchObject({
      holderIdentity: 'n1',
      leaseDurationSeconds: 40,
      renewTime: '2024-01-01T00:00:00.000000Z',
    });
    expect(lease.metadata?.ownerReferences).toEqual([
      expect.objectContaining({ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: node.metadata?.uid }),
    ]);

    await clock.advance(9_999);
    expect((await getLease('n1')).spec?.renewTime).toBe('2024-01-01T00:00:00.000000Z');
    await clock.advance(1);
    await expect.poll(async () => (await getLease('n1')).spec?.renewTime).toBe('2024-01-01T00:00:10.000000Z');
    await expect.poll(() => clock.pending()).toBe(1);
    await clock.advance(10_000);
    await expect.poll(async () => (await getLease('n1')).spec?.renewTime).toBe('2024-01-01T00:00:20.000000Z');
    abort.abort();
    await stopped;
  });

  it('recovers when someone else changed the lease (conflict) or deleted it', async () => {
    await cluster.client.nodes.create({ metadata: { name: 'n2' } });
    const clock = new FakeClock();
    const c = controller('n2', clock);
    await c.sync();
    const lease = await getLease('n2');
    await cluster.client.leases.update({ ...lease, spec: { ...lease.spec, holderIdentity: 'intruder' } });
    await clock.advance(10_000);
    expect((await c.sync()).spec).toMatchObject({
      holderIdentity: 'n2',
      renewTime: '2024-01-01T00:00:10.000000Z',
    });

    await cluster.client.leases.delete('n2', { namespace: NODE_LEASE_NAMESPACE });
    await clock.advance(10_000);
    expect((await c.sync()).spec?.renewTime).toBe('2024-01-01T00:00:20.000000Z');
    expect((await getLease('n2')).spec?.holderIdentity).toBe('n2');
  });

  it('creates the lease without an owner before the node exists, and adds it later', async () => {
    const clock = new FakeClock();
    const c = controller('n3', clock);
    expect((await c.sync()).metadata?.ownerReferences ?? []).toEqual([]);
    const node = await cluster.client.nodes.create({ metadata: { name: 'n3' } });
    const renewed = await c.sync();
    expect(renewed.metadata?.ownerReferences?.[0]?.uid).toBe(node.metadata?.uid);
  });

  it('formats MicroTime with microseconds', () => {
    expect(microTime(new Date('2024-05-06T07:08:09.123Z'))).toBe('2024-05-06T07:08:09.123000Z');
  });
});
