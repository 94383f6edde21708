/**
 * Tables of the replicated workloads, as upstream's printers: Deployments (READY UP-TO-DATE
 * AVAILABLE AGE), ReplicaSets and ReplicationControllers (DESIRED CURRENT READY AGE),
 * StatefulSets (READY AGE); wide adds CONTAINERS IMAGES and, but for StatefulSets, SELECTOR.
 */
import type { Deployment, ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { PodTemplateSpec, ReplicationController } from 'kubernetes-types/core/v1.js';
import { formatLabelSelector } from '../apimachinery/labels/index.js';
import type { TableColumn, TableConvertor } from '../registry/resource.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { translateTimestampSince } from './duration.js';

const containersColumn = column('Containers', 'string', 'Names of the containers in the pod template.', 1);
const imagesColumn = column('Images', 'string', 'Images the containers of the pod template run.', 1);
const selectorColumn = column(
  'Selector',
  'string',
  'The label selector of the pods this workload manages.',
  1,
);

/** CONTAINERS and IMAGES cells: names and images joined by commas. */
export function templateCells(template: PodTemplateSpec | undefined): [string, string] {
  const containers = template?.spec?.containers ?? [];
  return [containers.map((c) => c.name).join(','), containers.map((c) => c.image ?? '').join(',')];
}

const replicaColumns: TableColumn[] = [
  nameColumn,
  column('Desired', 'integer', 'The number of pods wanted.'),
  column('Current', 'integer', 'The number of pods that exist.'),
  column('Ready', 'integer', 'The number of pods that are ready.'),
  ageColumn,
  containersColumn,
  imagesColumn,
  selectorColumn,
];

export const replicaSetTable: TableConvertor<ReplicaSet> = {
  columns: replicaColumns,
  cells: (rs, now) => [
    rs.metadata?.name ?? '',
    rs.spec?.replicas ?? 0,
    rs.status?.replicas ?? 0,
    rs.status?.readyReplicas ?? 0,
    translateTimestampSince(rs.metadata?.creationTimestamp, now),
    ...templateCells(rs.spec?.template),
    formatLabelSelector(rs.spec?.selector),
  ],
};

const formatSet = (set: Record<string, string> | undefined): string => {
  const keys = Object.keys(set ?? {}).sort();
  return keys.map((k) => `${k}=${set?.[k] ?? ''}`).join(',') || '<none>';
};

export const replicationControllerTable: TableConvertor<ReplicationController> = {
  columns: replicaColumns,
  cells: (rc, now) => [
    rc.metadata?.name ?? '',
    rc.spec?.replicas ?? 0,
    rc.status?.replicas ?? 0,
    rc.status?.readyReplicas ?? 0,
    translateTimestampSince(rc.metadata?.creationTimestamp, now),
    ...templateCells(rc.spec?.template),
    formatSet(rc.spec?.selector),
  ],
};

export const deploymentTable: TableConvertor<Deployment> = {
  columns: [
    nameColumn,
    column('Ready', 'string', 'Ready pods out of the desired number.'),
    column('Up-to-date', 'integer', 'Pods that run the current pod template.'),
    column('Available', 'integer', 'Pods that have been ready for at least minReadySeconds.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  cells: (d, now) => [
    d.metadata?.name ?? '',
    `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`,
    d.status?.updatedReplicas ?? 0,
    d.status?.availableReplicas ?? 0,
    translateTimestampSince(d.metadata?.creationTimestamp, now),
    ...templateCells(d.spec?.template),
    formatLabelSelector(d.spec?.selector),
  ],
};

export const statefulSetTable: TableConvertor<StatefulSet> = {
  columns: [
    nameColumn,
    column('Ready', 'string', 'Ready pods out of the desired number.'),
    ageColumn,
    containersColumn,
    imagesColumn,
  ],
  cells: (sts, now) => [
    sts.metadata?.name ?? '',
    `${sts.status?.readyReplicas ?? 0}/${sts.spec?.replicas ?? 0}`,
    translateTimestampSince(sts.metadata?.creationTimestamp, now),
    ...templateCells(sts.spec?.template),
  ],
};
