/**
 * The two kinds the ReplicaSet controller runs (upstream runs ReplicationControllers through the
 * ReplicaSet code too): where they are served and how their selector reads.
 */
import type { ReplicaSetStatus } from 'kubernetes-types/apps/v1.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import {
  type Selector,
  nothingSelector,
  selectorFromLabelSelector,
  selectorFromSet,
} from '../../apimachinery/labels/index.js';
import type { KubeObject } from '../../registry/resource.js';

/** The shape a ReplicaSet and a ReplicationController share. */
export interface Replicated extends KubeObject {
  spec?: {
    replicas?: number;
    minReadySeconds?: number;
    selector?: LabelSelector | Record<string, string>;
    template?: PodTemplateSpec;
  };
  status?: ReplicaSetStatus;
}

export interface ReplicatedKind {
  group: string;
  version: string;
  plural: string;
  kind: string;
  apiVersion: string;
  /** The controller's name as an event source: `replicaset-controller`. */
  component: string;
  selector(obj: Replicated): Selector;
}

export const replicaSetKind: ReplicatedKind = {
  group: 'apps',
  version: 'v1',
  plural: 'replicasets',
  kind: 'ReplicaSet',
  apiVersion: 'apps/v1',
  component: 'replicaset-controller',
  selector(rs) {
    try {
      return selectorFromLabelSelector(rs.spec?.selector as LabelSelector | undefined);
    } catch {
      return nothingSelector();
    }
  },
};

export const replicationControllerKind: ReplicatedKind = {
  group: '',
  version: 'v1',
  plural: 'replicationcontrollers',
  kind: 'ReplicationController',
  apiVersion: 'v1',
  component: 'replication-controller',
  selector(rc) {
    const set = rc.spec?.selector as Record<string, string> | undefined;
    return Object.keys(set ?? {}).length ? selectorFromSet(set) : nothingSelector();
  },
};
