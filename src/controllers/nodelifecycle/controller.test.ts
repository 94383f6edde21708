import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Event, Node, Pod, Toleration } from 'kubernetes-types/core/v1.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Api } from '../../apiserver/api.js';
import { summarizePod } from '../../printers/pod.js';
import { FakeClock } from '../../scheduler/testing/fake-clock.js';
import { newTestApi, silentLogger } from '../testing/cluster.js';
import { NodeLifecycleController } from './controller.js';

let api: Api;
let clock: FakeClock;
let abort: AbortController;
let controller: NodeLifecycleController;

const iso = (ms: number) => new Date(ms).toISOString();
const nodes = () => api.registry('', 'v1', 'nodes');
const pods = () => api.registry('', 'v1', 'pods');
const leases = () => api.registry('coordination.k8s.io', 'v1', 'leases');

async function renewLease(name: string): Promise<void> {
  const lease = {
    metadata: { name },
    spec: { holderIdentity: name, renewTime: iso(clock.now()).replace('Z', '000Z') },
  };
  try {
    await leases().guaranteedUpdate('kube-node-lease', name, (o) => ({ ...o, spec: lease.spec }) as Lease);
  } catch {
    await leases().create('kube-node-lease', lease);
  }
}

async function setNodeReady(name: string, status: string): Promise<void> {
  await nodes().guaranteedUpdate(
    '',
    name,
    (o) => ({
      ...o,
      status: {
        conditions: [
          {
            type: 'Ready',
            status,
            reason: 'KubeletReady',
            lastHeartbeatTime: iso(clock.now()),
            lastTransitionTime: iso(clock.now()),
          },
        ],
      },
    }),
    { subresource: 'status' },
  );
}

async function boundPod(name: string, tolerations?: Toleration[]): Promise<void> {
  await pods().create('default', {
    metadata: { name },
    spec: {
      nodeName: 'n1',
      containers: [{ name: 'c', image: 'busybox' }],
      ...(tolerations ? { tolerations } : {}),
    },
  } as Pod);
  await pods().guaranteedUpdate(
    'default',
    name,
    (o) => ({ ...o, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } }),
    { subresource: 'status' },
  );
}

const getNode = async () => (await nodes().get('', 'n1')) as Node;
const getPod = async (name: string) => (await pods().get('default', name)) as Pod;
const taintKeys = async () => ((await getNode()).spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`);

beforeEach(async () => {
  api = await newTestApi();
  clock = new FakeClock(Date.now());
  abort = new AbortController();
  await nodes().create('', { metadata: { name: 'n1' } });
  await renewLease('n1');
  await setNodeReady('n1', 'True');
  controller = new NodeLifecycleController({ api, logger: silentLogger, clock });
});
afterEach(() => abort.abort());

describe('NodeLifecycleController', () => {
  it('keeps a node whose lease renews', async () => {
    await controller.start(abort.signal);
    for (let i = 0; i < 12; i++) {
      await clock.advance(5000);
      await renewLease('n1');
    }
    expect((await getNode()).status?.conditions?.[0]?.status).toBe('True');
    expect(await taintKeys()).toStrictEqual([]);
  });

  it('marks a silent node Unknown, taints it, evicts by toleration, and untaints it when back', async () => {
    await boundPod('defaults'); // admission: 300 s tolerations
    await boundPod('intolerant', [
      {
        key: 'node.kubernetes.io/unreachable',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 0,
      },
    ]);
    await boundPod('forever', [{ operator: 'Exists' }]);
    await controller.start(abort.signal);

    await clock.advance(35_000);
    expect((await getNode()).status?.conditions?.[0]?.status).toBe('True');
    await clock.advance(10_000);
    const ready = (await getNode()).status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({
      status: 'Unknown',
      reason: 'NodeStatusUnknown',
      message: 'Kubelet stopped posting node status.',
    });
    expect((await getNode()).status?.conditions?.map((c) => c.type)).toStrictEqual([
      'Ready',
      'MemoryPressure',
      'DiskPressure',
      'PIDPressure',
    ]);
    expect(await taintKeys()).toStrictEqual([
      'node.kubernetes.io/unreachable:NoSchedule',
      'node.kubernetes.io/unreachable:NoExecute',
    ]);
    const defaults = await getPod('defaults');
    expect(defaults.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
    expect(defaults.metadata?.deletionTimestamp).toBeUndefined();
    expect((await getPod('intolerant')).metadata?.deletionTimestamp).toBeDefined();
    expect(controller.pendingEvictions()).toStrictEqual(['default/defaults']);

    await clock.advance(300_000);
    const evicted = await getPod('defaults');
    expect(evicted.metadata?.deletionTimestamp).toBeDefined();
    expect(evicted.status?.reason).toBe('NodeLost');
    expect(evicted.status?.conditions?.find((c) => c.type === 'DisruptionTarget')).toMatchObject({
      status: 'True',
      reason: 'DeletionByTaintManager',
    });
    expect(summarizePod(evicted).status).toBe('Unknown');
    expect((await getPod('forever')).metadata?.deletionTimestamp).toBeUndefined();

    await renewLease('n1');
    await setNodeReady('n1', 'True');
    await clock.advance(5000);
    expect(await taintKeys()).toStrictEqual([]);
  });

  it('cancels a pending eviction when the node recovers in time', async () => {
    await boundPod('defaults');
    await controller.start(abort.signal);
    await clock.advance(45_000);
    expect(controller.pendingEvictions()).toStrictEqual(['default/defaults']);
    await renewLease('n1');
    await setNodeReady('n1', 'True');
    await clock.advance(5000);
    expect(controller.pendingEvictions()).toStrictEqual([]);
    await clock.advance(300_000);
    await renewLease('n1');
    expect((await getPod('defaults')).metadata?.deletionTimestamp).toBeUndefined();
  });

  it('gives a node that never posted status the startup grace period', async () => {
    await nodes().create('', { metadata: { name: 'n2' } });
    await controller.start(abort.signal);
    await clock.advance(45_000);
    expect((await nodes().get('', 'n2')) as Node).not.toHaveProperty('status.conditions');
    await clock.advance(20_000);
    const ready = ((await nodes().get('', 'n2')) as Node).status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'Unknown', reason: 'NodeStatusNeverUpdated' });
  });

  it('records RegisteredNode, NodeNotReady (node and pods), TaintManagerEviction and RemovingNode', async () => {
    await boundPod('p', [
      {
        key: 'node.kubernetes.io/unreachable',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 10,
      },
    ]);
    await controller.start(abort.signal);
    await clock.advance(45_000);
    await clock.advance(15_000);
    await nodes().delete('', 'n1');
    await clock.advance(5_000);
    const events = async () =>
      ((await api.registry('', 'v1', 'events').list('default')).items as Event[]).map((e) => [
        e.involvedObject.kind,
        e.type,
        e.reason,
        e.message,
        e.source?.component,
      ]);
    await expect.poll(async () => (await events()).length).toBe(5);
    expect(await events()).toEqual(
      expect.arrayContaining([
        [
          'Node',
          'Normal',
          'RegisteredNode',
          'Node n1 event: Registered Node n1 in Controller',
          'node-controller',
        ],
        ['Node', 'Normal', 'NodeNotReady', 'Node n1 status is now: NodeNotReady', 'node-controller'],
        ['Pod', 'Warning', 'NodeNotReady', 'Node is not ready', 'node-controller'],
        [
          'Pod',
          'Normal',
          'TaintManagerEviction',
          'Marking for deletion Pod default/p',
          'taint-eviction-controller',
        ],
        [
          'Node',
          'Normal',
          'RemovingNode',
          'Node n1 event: Removing Node n1 from Controller',
          'node-controller',
        ],
      ]),
    );
  });
});
