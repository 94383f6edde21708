import type { Node } from 'kubernetes-types/core/v1.js';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { withTestServer } from '../../client/testing/test-server-client.js';
import type { Image, StatusResponse } from '../container/runtime.js';
import { FakeClock } from './fake-clock.js';
import {
  defaultRouteInterface,
  parseMemTotal,
  parseOsRelease,
  pickInternalIP,
  type HostInfo,
} from './host-info.js';
import { NodePodCIDRMismatchError, NodeStatusManager, nodeStatusHasChanged } from './node-status.js';

const host: HostInfo = {
  hostname: 'Worker-1',
  numCores: 4,
  memoryCapacityBytes: 8 * 1024 ** 3,
  ephemeralStorageBytes: 100 * 1024 ** 3,
  machineID: 'm1',
  systemUUID: 'u1',
  bootID: 'b1',
  kernelVersion: '6.1.0-test',
  osImage: 'Debian GNU/Linux 12 (bookworm)',
  internalIP: '10.0.0.5',
};

function fakeRuntime() {
  const state = { networkReady: true, images: [] as Image[] };
  return {
    state,
    status: async (): Promise<StatusResponse> => ({
      status: {
        conditions: [
          { type: 'RuntimeReady', status: true, reason: '', message: '' },
          {
            type: 'NetworkReady',
            status: state.networkReady,
            reason: 'NetworkPluginNotReady',
            message: 'cni',
          },
        ],
      },
      info: {},
      runtime_handlers: [],
    }),
    listImages: async () => state.images,
  };
}

const cluster = withTestServer();

function manager(nodeName: string, clock: FakeClock, runtime = fakeRuntime(), podCIDR = '10.244.0.0/24') {
  return new NodeStatusManager({
    nodes: cluster.client.nodes,
    nodeName,
    podCIDR,
    runtime,
    runtimeVersion: {
      version: '0.1.0',
      runtime_name: 'containerd',
      runtime_version: '1.6.20',
      runtime_api_version: 'v1',
    },
    kubeletVersion: 'v1.32.0-cairn',
    hostInfo: async () => host,
    dataDir: '/nonexistent',
    logger: pino({ level: 'silent' }),
    clock,
  });
}

const condition = (node: Node, type: string) => node.status?.conditions?.find((c) => c.type === type);

describe('NodeStatusManager', () => {
  it('registers the node with labels, pod CIDR, resources, addresses, nodeInfo and conditions', async () => {
    const clock = new FakeClock();
    const runtime = fakeRuntime();
    runtime.state.images = [
      {
        id: 'sha256:a',
        repo_tags: ['localhost/pause:latest'],
        repo_digests: [],
        size: '100',
        uid: null,
        username: '',
        spec: null,
        pinned: false,
      },
      {
        id: 'sha256:b',
        repo_tags: ['localhost/busybox:latest'],
        repo_digests: [],
        size: '2000',
        uid: null,
        username: '',
        spec: null,
        pinned: false,
      },
    ];
    const node = await manager('n1', clock, runtime).registerNode(new AbortController().signal);
    expect(node.metadata?.labels).toMatchObject({
      'kubernetes.io/hostname': 'worker-1',
      'kubernetes.io/os': 'linux',
      'kubernetes.io/arch': expect.any(String),
    });
    expect(node.spec).toMatchObject({ podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] });
    const got = await cluster.client.nodes.get('n1');
    expect(got.status?.capacity).toEqual({
      cpu: '4',
      memory: '8Gi',
      'ephemeral-storage': '100Gi',
      pods: '110',
    });
    expect(got.status?.allocatable).toEqual({
      cpu: '4',
      memory: '8092Mi',
      'ephemeral-storage': '90Gi',
      pods: '110',
    });
    expect(got.status?.addresses).toEqual([
      { type: 'InternalIP', address: '10.0.0.5' },
      { type: 'Hostname', address: 'Worker-1' },
    ]);
    expect(got.status?.nodeInfo).toMatchObject({
      containerRuntimeVersion: 'containerd://1.6.20',
      kubeletVersion: 'v1.32.0-cairn',
      osImage: 'Debian GNU/Linux 12 (bookworm)',
      kernelVersion: '6.1.0-test',
      bootID: 'b1',
      operatingSystem: 'linux',
    });
    expect(got.status?.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['MemoryPressure', 'False', 'KubeletHasSufficientMemory'],
      ['DiskPressure', 'False', 'KubeletHasNoDiskPressure'],
      ['PIDPressure', 'False', 'KubeletHasSufficientPID'],
      ['Ready', 'True', 'KubeletReady'],
    ]);
    expect(got.status?.images?.map((i) => i.names?.[0])).toEqual([
      'localhost/busybox:latest',
      'localhost/pause:latest',
    ]);
    expect(got.status?.daemonEndpoints?.kubeletEndpoint?.Port).toBe(10250);
  });

  it('writes status only on change or every 5 minutes, keeping lastTransitionTime', async () => {
    const clock = new FakeClock();
    const runtime = fakeRuntime();
    const m = manager('n2', clock, runtime);
    await m.registerNode(new AbortController().signal);
    expect(await m.syncNodeStatus()).toBe(true); // first report
    const first = condition(await cluster.client.nodes.get('n2'), 'Ready');
    await clock.advance(10_000);
    expect(await m.syncNodeStatus()).toBe(false);
    await clock.advance(290_000);
    expect(await m.syncNodeStatus()).toBe(true); // nodeStatusReportFrequency
    const reported = condition(await cluster.client.nodes.get('n2'), 'Ready');
    expect(reported?.lastHeartbeatTime).not.toBe(first?.lastHeartbeatTime);
    expect(reported?.lastTransitionTime).toBe(first?.lastTransitionTime);

    await clock.advance(10_000);
    runtime.state.networkReady = false;
    expect(await m.syncNodeStatus()).toBe(true); // changed: written at once
    const notReady = condition(await cluster.client.nodes.get('n2'), 'Ready');
    expect(notReady).toMatchObject({ status: 'False', reason: 'KubeletNotReady' });
    expect(notReady?.message).toContain('NetworkReady=false');
    expect(notReady?.lastTransitionTime).toBe(
      clock
        .now()
        .toISOString()
        .replace(/\.\d+Z$/, 'Z'),
    );
  });

  it('syncs every 10 s on the clock until stopped', async () => {
    const clock = new FakeClock();
    const runtime = fakeRuntime();
    const m = manager('n3', clock, runtime);
    await m.registerNode(new AbortController().signal);
    const abort = new AbortController();
    const { stopped } = m.start(abort.signal);
    await expect.poll(() => clock.pending()).toBe(1);
    runtime.state.networkReady = false;
    await clock.advance(10_000);
    await expect
      .poll(async () => condition(await cluster.client.nodes.get('n3'), 'Ready')?.status)
      .toBe('False');
    abort.abort();
    await stopped;
  });

  it('adopts an existing node and refuses a different pod CIDR', async () => {
    const clock = new FakeClock();
    await cluster.client.nodes.create({ metadata: { name: 'n4', labels: { custom: 'yes' } }, spec: {} });
    const adopted = await manager('n4', clock).registerNode(new AbortController().signal);
    expect(adopted.metadata?.labels).toMatchObject({ custom: 'yes', 'kubernetes.io/hostname': 'worker-1' });
    expect(adopted.spec?.podCIDR).toBe('10.244.0.0/24');
    const other = manager('n4', clock, fakeRuntime(), '10.244.1.0/24').registerNode(
      new AbortController().signal,
    );
    await expect(other).rejects.toBeInstanceOf(NodePodCIDRMismatchError);
  });

  it('ignores heartbeat times when comparing statuses', () => {
    const c = { type: 'Ready', status: 'True', lastHeartbeatTime: 'a', lastTransitionTime: 't' };
    expect(
      nodeStatusHasChanged({ conditions: [c] }, { conditions: [{ ...c, lastHeartbeatTime: 'b' }] }),
    ).toBe(false);
    expect(nodeStatusHasChanged({ conditions: [c] }, { conditions: [{ ...c, status: 'False' }] })).toBe(true);
  });
});

describe('host info', () => {
  it('parses /proc/meminfo, os-release and the default route', () => {
    expect(parseMemTotal('MemTotal:        8167500 kB\nMemFree: 1 kB\n')).toBe(8167500 * 1024);
    expect(parseOsRelease('NAME="Debian GNU/Linux"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n')).toBe(
      'Debian GNU/Linux 12 (bookworm)',
    );
    const routes =
      'Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\n' +
      'eth1\t0000A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\n' +
      'eth0\t00000000\t0100A8C0\t0003\t0\t0\t0\t00000000\n';
    expect(defaultRouteInterface(routes)).toBe('eth0');
    const v4 = (address: string, internal = false) => ({
      address,
      family: 'IPv4' as const,
      internal,
      netmask: '255.255.255.0',
      mac: '00:00:00:00:00:00',
      cidr: `${address}/24`,
    });
    const ifaces = { lo: [v4('127.0.0.1', true)], eth1: [v4('192.168.0.2')], eth0: [v4('10.1.2.3')] };
    expect(pickInternalIP(ifaces, 'eth0')).toBe('10.1.2.3');
    expect(pickInternalIP(ifaces, '')).toBe('192.168.0.2');
  });
});
