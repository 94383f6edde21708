/**
 * A StatefulSet's revisions (upstream's getStatefulSetRevisions, getPatch, ApplyRevision and
 * truncateHistory), as pure decisions over the sorted ControllerRevisions the set controls:
 *
 *   revision data = {"spec":{"template":{…template, "$patch":"replace"}}} — the patch that
 *     `kubectl rollout undo` sends back to the set
 *   update revision: the latest revision when its data equals the template's; an older equal one
 *     gets the next number (a rollback); otherwise a new revision is created
 *   current revision: the one named by status.currentRevision, or the update revision
 *   history: revisions no pod runs and neither current nor update are deleted, oldest first,
 *     beyond revisionHistoryLimit
 */
import type { ControllerRevision, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { Pod, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { deepCopy } from '../../apis/meta/equality.js';
import {
  type Parent,
  equalRevision,
  findEqualRevisions,
  newControllerRevision,
  nextRevision,
} from '../history/controller-history.js';
import { podRevision } from './identity.js';

export const statefulSetParent = (sts: StatefulSet): Parent => ({
  obj: sts,
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
});

/** getPatch: the set's template as a strategic-merge patch that replaces it whole. */
export function revisionData(sts: StatefulSet): Record<string, unknown> {
  return { spec: { template: { ...deepCopy(sts.spec?.template ?? {}), $patch: 'replace' } } };
}

/** The template a revision holds. */
export function revisionTemplate(rev: ControllerRevision): PodTemplateSpec {
  const data = rev.data as { spec?: { template?: Record<string, unknown> } } | undefined;
  const { $patch: _directive, ...template } = deepCopy(data?.spec?.template ?? {});
  return template as PodTemplateSpec;
}

/** ApplyRevision: the set with the revision's template. */
export function applyRevision(sts: StatefulSet, rev: ControllerRevision): StatefulSet {
  const copy = deepCopy(sts);
  if (copy.spec) copy.spec.template = revisionTemplate(rev);
  return copy;
}

/** newRevision: the set's template as revision number `revision`, with the set's annotations. */
export function newRevision(sts: StatefulSet, revision: number, collisionCount: number): ControllerRevision {
  const cr = newControllerRevision(
    statefulSetParent(sts),
    sts.spec?.template?.metadata?.labels,
    revisionData(sts),
    revision,
    collisionCount,
  );
  const annotations = sts.metadata?.annotations;
  if (annotations && Object.keys(annotations).length && cr.metadata)
    cr.metadata.annotations = { ...annotations };
  return cr;
}

/** What to do to have an update revision. */
export type UpdateRevisionStep =
  | { kind: 'existing'; revision: ControllerRevision }
  | { kind: 'renumber'; revision: ControllerRevision; to: number }
  | { kind: 'create'; revision: ControllerRevision };

/** getStatefulSetRevisions' decision, over `sorted` (by revision number). */
export function planUpdateRevision(sts: StatefulSet, sorted: ControllerRevision[]): UpdateRevisionStep {
  const candidate = newRevision(sts, nextRevision(sorted), sts.status?.collisionCount ?? 0);
  const equal = findEqualRevisions(sorted, candidate);
  const lastEqual = equal[equal.length - 1];
  const latest = sorted[sorted.length - 1];
  if (lastEqual && equalRevision(latest, lastEqual))
    return { kind: 'existing', revision: latest ?? lastEqual };
  if (lastEqual) return { kind: 'renumber', revision: lastEqual, to: candidate.revision };
  return { kind: 'create', revision: candidate };
}

/** The revision status.currentRevision names, if it still exists. */
export const findCurrentRevision = (sts: StatefulSet, revisions: ControllerRevision[]) =>
  revisions.find((r) => r.metadata?.name === sts.status?.currentRevision);

/** truncateHistory: the revisions to delete, oldest first (`sorted` by revision number). */
export function revisionsToTruncate(
  sts: StatefulSet,
  pods: Pod[],
  sorted: ControllerRevision[],
  live: string[],
): ControllerRevision[] {
  const keep = new Set([...live, ...pods.map(podRevision)]);
  const history = sorted.filter((r) => !keep.has(r.metadata?.name ?? ''));
  const limit = sts.spec?.revisionHistoryLimit ?? 10;
  return history.length <= limit ? [] : history.slice(0, history.length - limit);
}
