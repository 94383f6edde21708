/**
 * The Handle each profile's plugins get: the snapshot of the current cycle, listers over what
 * the scheduler watches (services, PodDisruptionBudgets), the profile's Filter plugins for
 * preemption's what-if checks, and the two API writes plugins make (bind, delete a victim).
 */
import type { Binding, Namespace, Pod, Service } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import type { Api } from '../apiserver/api.js';
import { bindPod } from '../registry/core/pod/binding.js';
import type { KubeObject } from '../registry/resource.js';
import type { SchedulerHandle } from './framework/extensions.js';
import {
  type ClusterLister,
  type CycleState,
  type NodeInfo,
  type Snapshot,
  type Status,
  success,
} from './framework/interface.js';

/** The cycle's snapshot, shared by the handles of every profile. */
export interface SnapshotHolder {
  current: Snapshot;
}

export interface HandleOptions {
  api: Api;
  snapshot: SnapshotHolder;
  services: (namespace: string) => Service[];
  podDisruptionBudgets: () => PodDisruptionBudget[];
  namespaces: () => Namespace[];
  now: () => Date;
}

export const emptySnapshot: Snapshot = { nodeInfos: () => [], get: () => undefined };

/** The one thing a handle needs from its profile's framework (set once the framework is built). */
export interface FilterRunner {
  runFilterPluginsWithNominatedPods(state: CycleState, pod: Pod, node: NodeInfo): Status;
}

export class Handle implements SchedulerHandle {
  readonly lister: ClusterLister;
  /** The profile's framework, for preemption's what-if filtering. */
  framework: FilterRunner | undefined;

  constructor(private readonly o: HandleOptions) {
    this.lister = {
      services: (ns) => o.services(ns),
      // ReplicaSets, ReplicationControllers and StatefulSets are not served yet.
      controllerSelector: () => undefined,
      namespaces: () => o.namespaces(),
    };
  }

  snapshot(): Snapshot {
    return this.o.snapshot.current;
  }

  /**
   * Runs the profile's Filter plugins for the pod on a node, nominated pods counted (what
   * DefaultPreemption asks).
   */
  runFilterPlugins(state: CycleState, pod: Pod, node: NodeInfo): Status {
    return this.framework ? this.framework.runFilterPluginsWithNominatedPods(state, pod, node) : success();
  }

  podDisruptionBudgets(): PodDisruptionBudget[] {
    return this.o.podDisruptionBudgets();
  }

  async bind(pod: Pod, nodeName: string): Promise<void> {
    const meta = pod.metadata ?? {};
    const binding: Binding = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: {
        name: meta.name ?? '',
        namespace: meta.namespace ?? '',
        ...(meta.uid ? { uid: meta.uid } : {}),
      },
      target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
    };
    await this.o.api
      .registry('', 'v1', 'pods')
      .guaranteedUpdate(
        meta.namespace ?? '',
        meta.name ?? '',
        (current) => bindPod(current as Pod, binding, this.o.now()) as KubeObject,
        { subresource: 'binding' },
      );
  }

  async deletePod(pod: Pod): Promise<void> {
    const meta = pod.metadata ?? {};
    await this.o.api
      .registry('', 'v1', 'pods')
      .delete(meta.namespace ?? '', meta.name ?? '', meta.uid ? { preconditions: { uid: meta.uid } } : {});
  }
}
