/**
 * Deployment helpers (upstream's pkg/controller/deployment/util): the pod-template-hash, template
 * equality ignoring it, revision and replica annotations, and maxSurge / maxUnavailable resolved
 * against the desired count (surge rounds up, unavailable rounds down, never both zero).
 */
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { deepCopy, semanticEqual } from '../../apis/meta/equality.js';
import { fnv32a, safeEncodeString, stableStringify } from '../history/hash.js';

export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
const ROLLBACK_TO_ANNOTATION = 'deprecated.deployment.rollback.to';

/** Annotations of a Deployment that are not copied to its ReplicaSets. */
const SKIPPED_ANNOTATIONS = new Set([
  LAST_APPLIED_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  ROLLBACK_TO_ANNOTATION,
]);

/** ComputeHash: FNV-32a of the template (and collision count), safe-encoded. */
export function computeHash(template: PodTemplateSpec | undefined, collisionCount?: number): string {
  const bytes = [...Buffer.from(stableStringify(template ?? {}), 'utf8')];
  if (collisionCount !== undefined) {
    const c = Buffer.alloc(4);
    c.writeUInt32LE(collisionCount >>> 0);
    bytes.push(...c);
  }
  return safeEncodeString(String(fnv32a(Uint8Array.from(bytes))));
}

/** EqualIgnoreHash: the templates are equal once their pod-template-hash labels are left out. */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  const strip = (t: PodTemplateSpec | undefined): PodTemplateSpec => {
    const c = deepCopy(t ?? {});
    const labels = c.metadata?.labels;
    if (labels) {
      delete labels[POD_TEMPLATE_HASH_LABEL];
      if (!Object.keys(labels).length) delete c.metadata?.labels;
    }
    return c;
  };
  return semanticEqual(strip(a), strip(b));
}

export const revisionOf = (obj: { metadata?: { annotations?: Record<string, string> } }): number => {
  const n = Number.parseInt(obj.metadata?.annotations?.[REVISION_ANNOTATION] ?? '', 10);
  return Number.isNaN(n) ? 0 : n;
};

export const maxRevision = (rss: ReplicaSet[]): number => Math.max(0, ...rss.map(revisionOf));

/** GetScaledValueFromIntOrPercent. */
export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  if (v === undefined) return 0;
  const pct = Number.parseInt(v, 10);
  if (Number.isNaN(pct)) return 0;
  const exact = (pct * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** ResolveFenceposts: [surge, unavailable]; when both come out 0, unavailable is 1. */
export function resolveFenceposts(
  maxSurge: number | string | undefined,
  maxUnavailable: number | string | undefined,
  desired: number,
): [number, number] {
  const surge = scaledValue(maxSurge, desired, true);
  let unavailable = scaledValue(maxUnavailable, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return [surge, unavailable];
}

export const replicasOf = (d: Deployment): number => d.spec?.replicas ?? 0;
export const isRollingUpdate = (d: Deployment): boolean => d.spec?.strategy?.type === 'RollingUpdate';

export function maxSurge(d: Deployment): number {
  if (!isRollingUpdate(d)) return 0;
  const ru = d.spec?.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, replicasOf(d))[0];
}

export function maxUnavailable(d: Deployment): number {
  if (!isRollingUpdate(d) || replicasOf(d) === 0) return 0;
  const ru = d.spec?.strategy?.rollingUpdate;
  return Math.min(resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, replicasOf(d))[1], replicasOf(d));
}

export const specReplicas = (rs: ReplicaSet | undefined): number => rs?.spec?.replicas ?? 0;
export const sumSpec = (rss: (ReplicaSet | undefined)[]): number =>
  rss.reduce((n, rs) => n + specReplicas(rs), 0);
export const sumStatus = (
  rss: (ReplicaSet | undefined)[],
  f: 'replicas' | 'readyReplicas' | 'availableReplicas',
): number => rss.reduce((n, rs) => n + (rs?.status?.[f] ?? 0), 0);

export const activeReplicaSets = (rss: ReplicaSet[]): ReplicaSet[] =>
  rss.filter((rs) => specReplicas(rs) > 0);

const created = (rs: ReplicaSet): number => Date.parse(rs.metadata?.creationTimestamp ?? '') || 0;

/** ReplicaSetsByCreationTimestamp: oldest first, then by name. */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  const d = created(a) - created(b);
  if (d) return d;
  const an = a.metadata?.name ?? '';
  const bn = b.metadata?.name ?? '';
  return an < bn ? -1 : an > bn ? 1 : 0;
}

/** ReplicaSetsBySizeNewer / …Older: larger first, then newer (or older) first. */
export const bySize =
  (newerFirst: boolean) =>
  (a: ReplicaSet, b: ReplicaSet): number => {
    const d = specReplicas(b) - specReplicas(a);
    if (d) return d;
    return newerFirst ? byCreation(b, a) : byCreation(a, b);
  };

/** The annotations a Deployment passes on to its ReplicaSets. */
export function copyableAnnotations(d: Deployment): Record<string, string> {
  return Object.fromEntries(
    Object.entries(d.metadata?.annotations ?? {}).filter(([k]) => !SKIPPED_ANNOTATIONS.has(k)),
  );
}

const intAnnotation = (rs: ReplicaSet, key: string): number | undefined => {
  const n = Number.parseInt(rs.metadata?.annotations?.[key] ?? '', 10);
  return Number.isNaN(n) ? undefined : n;
};
export const desiredReplicasAnnotation = (rs: ReplicaSet) => intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
export const maxReplicasAnnotation = (rs: ReplicaSet) => intAnnotation(rs, MAX_REPLICAS_ANNOTATION);

/** SetReplicasAnnotations: true when the annotations changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const meta = (rs.metadata ??= {});
  const a = (meta.annotations ??= {});
  const before = [a[DESIRED_REPLICAS_ANNOTATION], a[MAX_REPLICAS_ANNOTATION]];
  a[DESIRED_REPLICAS_ANNOTATION] = String(desired);
  a[MAX_REPLICAS_ANNOTATION] = String(max);
  return before[0] !== a[DESIRED_REPLICAS_ANNOTATION] || before[1] !== a[MAX_REPLICAS_ANNOTATION];
}

/**
 * SetNewReplicaSetAnnotations: the Deployment's annotations, and the revision raised to
 * `revision` (the one replaced goes to the revision history). True when anything changed.
 */
export function setNewReplicaSetAnnotations(
  d: Deployment,
  rs: ReplicaSet,
  revision: number,
  exists: boolean,
): boolean {
  const meta = (rs.metadata ??= {});
  const a = (meta.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(copyableAnnotations(d))) {
    if (a[k] !== v) {
      a[k] = v;
      changed = true;
    }
  }
  const old = a[REVISION_ANNOTATION];
  const oldNum = Number.parseInt(old ?? '', 10);
  if (old === undefined || Number.isNaN(oldNum) || oldNum < revision) {
    a[REVISION_ANNOTATION] = String(revision);
    changed = true;
    if (old) {
      const history = a[REVISION_HISTORY_ANNOTATION];
      a[REVISION_HISTORY_ANNOTATION] = history ? `${history},${old}` : old;
    }
  }
  if (!exists) setReplicasAnnotations(rs, replicasOf(d), replicasOf(d) + maxSurge(d));
  return changed;
}
