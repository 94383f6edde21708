/**
 * The expected scale behind a budget: the summed `spec.replicas` of the controllers that own its
 * pods (upstream's getExpectedScale with its finders). A pod's controller is found as a
 * ReplicationController, a Deployment (through its ReplicaSet), a ReplicaSet not owned by a
 * Deployment, or a StatefulSet — each looked up only when that resource is served.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { isNotFound } from '../../apimachinery/errors.js';
import type { Api } from '../../apiserver/api.js';
import type { KubeObject } from '../../registry/resource.js';

interface Scalable extends KubeObject {
  spec?: { replicas?: number };
}

export interface ControllerScale {
  uid: string;
  scale: number;
}

export interface ExpectedScale {
  expected: number;
  /** Pods without a controller: they count for nothing (upstream warns about them). */
  unmanaged: string[];
}

/** Finds a pod's controller and its replicas; undefined when it is not of this finder's kind. */
type Finder = (ref: OwnerReference, namespace: string) => Promise<ControllerScale | undefined>;

export const controllerOf = (obj: KubeObject): OwnerReference | undefined =>
  obj.metadata?.ownerReferences?.find((r) => r.controller === true);

export class ScaleFinder {
  constructor(private readonly api: Api) {}

  private async get(
    group: string,
    plural: string,
    ns: string,
    ref: OwnerReference,
  ): Promise<Scalable | undefined> {
    const registry = this.api.lookup(group, 'v1', plural);
    if (!registry) return undefined;
    try {
      const obj = (await registry.get(ns, ref.name)) as Scalable;
      return obj.metadata?.uid === ref.uid ? obj : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  private finders(): Finder[] {
    const replicas = (o: Scalable): ControllerScale => ({
      uid: o.metadata?.uid ?? '',
      scale: o.spec?.replicas ?? 1,
    });
    const byKind =
      (kind: string, group: string, plural: string): Finder =>
      async (ref, ns) => {
        if (ref.kind !== kind) return undefined;
        const obj = await this.get(group, plural, ns, ref);
        return obj ? replicas(obj) : undefined;
      };
    const deployment: Finder = async (ref, ns) => {
      if (ref.kind !== 'ReplicaSet') return undefined;
      const rs = await this.get('apps', 'replicasets', ns, ref);
      const owner = rs && controllerOf(rs);
      if (!owner || owner.kind !== 'Deployment') return undefined;
      const d = await this.get('apps', 'deployments', ns, owner);
      return d ? replicas(d) : undefined;
    };
    const replicaSet: Finder = async (ref, ns) => {
      if (ref.kind !== 'ReplicaSet') return undefined;
      const rs = await this.get('apps', 'replicasets', ns, ref);
      if (!rs || controllerOf(rs)?.kind === 'Deployment') return undefined;
      return replicas(rs);
    };
    return [
      byKind('ReplicationController', '', 'replicationcontrollers'),
      deployment,
      replicaSet,
      byKind('StatefulSet', 'apps', 'statefulsets'),
    ];
  }

  /** Throws (message as upstream's) when a pod's controller cannot be found. */
  async expectedScale(namespace: string, pods: Pod[]): Promise<ExpectedScale> {
    const scales = new Map<string, number>();
    const unmanaged: string[] = [];
    const finders = this.finders();
    for (const pod of pods) {
      const ref = controllerOf(pod);
      if (!ref) {
        unmanaged.push(pod.metadata?.name ?? '');
        continue;
      }
      if (scales.has(ref.uid)) continue;
      let found: ControllerScale | undefined;
      for (const find of finders) {
        found = await find(ref, namespace);
        if (found) break;
      }
      if (!found) throw new Error(`found no controllers for pod "${pod.metadata?.name ?? ''}"`);
      scales.set(found.uid, found.scale);
    }
    let expected = 0;
    for (const n of scales.values()) expected += n;
    return { expected, unmanaged };
  }
}
