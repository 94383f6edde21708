/** Small plugins for framework and scheduler tests, configured by closures. */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { QueueSortPlugin, QueuedPodInfo } from '../framework/extensions.js';
import { prioritySortLess } from '../framework/extensions.js';
import * as fw from '../framework/interface.js';

export class FakeQueueSort implements QueueSortPlugin {
  readonly name = 'PrioritySort';
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
    return prioritySortLess(a, b);
  }
}

export class FakeFilter implements fw.FilterPlugin, fw.PreFilterPlugin {
  calls = 0;
  constructor(
    readonly name: string,
    private readonly reject: (node: fw.NodeInfo, pod: Pod) => fw.Status | undefined,
    private readonly pre: (pod: Pod) => { result?: fw.PreFilterResult; status: fw.Status } = () => ({
      status: fw.success(),
    }),
  ) {}
  preFilter(_s: fw.CycleState, pod: Pod): { result?: fw.PreFilterResult; status: fw.Status } {
    return this.pre(pod);
  }
  filter(_s: fw.CycleState, pod: Pod, node: fw.NodeInfo): fw.Status {
    this.calls++;
    return this.reject(node, pod) ?? fw.success();
  }
}

export class FakeScore implements fw.ScorePlugin {
  constructor(
    readonly name: string,
    private readonly scoreOf: (node: fw.NodeInfo) => number,
    private readonly normalize?: (scores: fw.NodeScore[]) => void,
  ) {}
  score(_s: fw.CycleState, _p: Pod, node: fw.NodeInfo): { score: number; status: fw.Status } {
    return { score: this.scoreOf(node), status: fw.success() };
  }
  normalizeScore(_s: fw.CycleState, _p: Pod, scores: fw.NodeScore[]): fw.Status {
    this.normalize?.(scores);
    return fw.success();
  }
}

export class FakeBinder implements fw.BindPlugin {
  bound: string[] = [];
  constructor(
    readonly name = 'DefaultBinder',
    private readonly result: () => fw.Status | Promise<fw.Status> = () => fw.success(),
  ) {}
  async bind(_s: fw.CycleState, pod: Pod, nodeName: string): Promise<fw.Status> {
    const r = await this.result();
    if (r.code === 'Success') this.bound.push(`${pod.metadata?.name}@${nodeName}`);
    return r;
  }
}

export class FakeReserve implements fw.ReservePlugin {
  log: string[] = [];
  constructor(
    readonly name: string,
    private readonly status: () => fw.Status = () => fw.success(),
  ) {}
  reserve(_s: fw.CycleState, pod: Pod, nodeName: string): fw.Status {
    this.log.push(`reserve ${pod.metadata?.name}@${nodeName}`);
    return this.status();
  }
  unreserve(_s: fw.CycleState, pod: Pod, nodeName: string): void {
    this.log.push(`unreserve ${pod.metadata?.name}@${nodeName}`);
  }
}

export class FakePostFilter implements fw.PostFilterPlugin {
  constructor(
    readonly name: string,
    private readonly out: { nominatedNodeName?: string; status: fw.Status },
  ) {}
  postFilter(): { nominatedNodeName?: string; status: fw.Status } {
    return this.out;
  }
}

/** A factory for an already built plugin. */
export const factoryOf =
  (p: fw.Plugin): fw.PluginFactory =>
  () =>
    p;

/** NodeInfo for tests without resource accounting. */
export const fakeNodeInfo = (node: Node, pods: Pod[] = []): fw.NodeInfo => {
  const zero = (): fw.Resource => ({
    milliCPU: 0,
    memory: 0,
    ephemeralStorage: 0,
    allowedPodNumber: 0,
    scalar: {},
  });
  return {
    node,
    pods: pods.map((pod) => ({ pod })),
    requested: zero(),
    nonZeroRequested: zero(),
    allocatable: zero(),
    usedPorts: new Set(),
    imageSizes: new Map(),
  };
};

export const testNode = (name: string, labels: Record<string, string> = {}): Node => ({
  metadata: { name, uid: `uid-${name}`, labels },
});

export const testPod = (name: string, extra: Partial<Pod['spec']> = {}, status?: Pod['status']): Pod => ({
  metadata: { name, namespace: 'default', uid: `uid-${name}` },
  spec: { containers: [{ name: 'c' }], ...extra },
  ...(status ? { status } : {}),
});

export const snapshotOf = (infos: fw.NodeInfo[]): fw.Snapshot => ({
  nodeInfos: () => infos,
  get: (n) => infos.find((i) => i.node.metadata?.name === n),
});

export const noopHandle: fw.Handle = {
  snapshot: () => snapshotOf([]),
  lister: { services: () => [], namespaces: () => [], controllerSelector: () => undefined },
};
