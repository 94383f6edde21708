/**
 * Controller history (upstream's pkg/controller/history): a controller's past templates kept as
 * apps/v1 ControllerRevisions named `<parent>-<hash of data>`, labelled with the parent's template
 * labels and `controller.kubernetes.io/hash`, owned by the parent. The pure helpers name, hash,
 * compare and order revisions; `ControllerHistory` writes them (a name already taken by different
 * data counts a collision and tries the next hash, as upstream).
 */
import type { ControllerRevision } from 'kubernetes-types/apps/v1.js';
import { isAlreadyExists, isNotFound } from '../../apimachinery/errors.js';
import type { Selector } from '../../apimachinery/labels/index.js';
import type { Api } from '../../apiserver/api.js';
import { semanticEqual } from '../../apis/meta/equality.js';
import type { KubeObject } from '../../registry/resource.js';
import { newControllerRef } from '../replicaset/controller-utils.js';
import { claimObjects } from '../replicaset/ref-manager.js';
import { fnv32, safeEncodeString, stableStringify } from './hash.js';

export const CONTROLLER_REVISION_HASH_LABEL = 'controller.kubernetes.io/hash';

/** ControllerRevisionName: `<prefix>-<hash>`, the prefix cut to 223 characters. */
export const controllerRevisionName = (prefix: string, hash: string): string =>
  `${prefix.length > 223 ? prefix.slice(0, 223) : prefix}-${hash}`;

/** HashControllerRevision: FNV-1 of the data (and the collision count, when given), safe-encoded. */
export function hashControllerRevision(data: unknown, collisionCount?: number): string {
  let text = stableStringify(data ?? null);
  if (collisionCount !== undefined) text += String(collisionCount);
  return safeEncodeString(String(fnv32(new TextEncoder().encode(text))));
}

export interface Parent {
  obj: KubeObject;
  apiVersion: string;
  kind: string;
}

/** NewControllerRevision: owned by `parent`, carrying its template labels and the hash label. */
export function newControllerRevision(
  parent: Parent,
  templateLabels: Record<string, string> | undefined,
  data: unknown,
  revision: number,
  collisionCount: number,
): ControllerRevision {
  const hash = hashControllerRevision(data, collisionCount);
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: controllerRevisionName(parent.obj.metadata?.name ?? '', hash),
      namespace: parent.obj.metadata?.namespace ?? '',
      labels: { ...(templateLabels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash },
      ownerReferences: [newControllerRef(parent.obj, parent.apiVersion, parent.kind)],
    },
    data: data as ControllerRevision['data'],
    revision,
  };
}

/** SortControllerRevisions: by revision, then creation time, then name. */
export function sortControllerRevisions(revisions: ControllerRevision[]): ControllerRevision[] {
  return [...revisions].sort((a, b) => {
    if (a.revision !== b.revision) return a.revision - b.revision;
    const ta = a.metadata?.creationTimestamp ?? '';
    const tb = b.metadata?.creationTimestamp ?? '';
    if (ta !== tb) return ta < tb ? -1 : 1;
    const na = a.metadata?.name ?? '';
    const nb = b.metadata?.name ?? '';
    return na < nb ? -1 : na > nb ? 1 : 0;
  });
}

/** EqualRevision: the same data (different hash labels settle it early). */
export function equalRevision(a: ControllerRevision | undefined, b: ControllerRevision | undefined): boolean {
  if (!a || !b) return a === b;
  const ha = a.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL];
  const hb = b.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL];
  if (ha !== undefined && hb !== undefined && ha !== hb) return false;
  return semanticEqual(a.data ?? null, b.data ?? null);
}

export const findEqualRevisions = (revisions: ControllerRevision[], needle: ControllerRevision) =>
  revisions.filter((r) => equalRevision(r, needle));

/** nextRevision: one more than the highest (revisions sorted), 1 for none. */
export const nextRevision = (sorted: ControllerRevision[]): number =>
  sorted.length ? (sorted[sorted.length - 1]?.revision ?? 0) + 1 : 1;

/** The revisions of one parent, through the API. */
export class ControllerHistory {
  constructor(private readonly api: Api) {}

  private get registry() {
    return this.api.registry('apps', 'v1', 'controllerrevisions');
  }

  /**
   * ListControllerRevisions + AdoptControllerRevision: the revisions `selector` matches that
   * `parent` controls, orphans adopted.
   */
  async list(parent: Parent, selector: Selector): Promise<ControllerRevision[]> {
    const all = (await this.registry.list(parent.obj.metadata?.namespace ?? '')).items;
    const matching = all.filter((r) => selector.matches(r.metadata?.labels ?? {}));
    return (await claimObjects(this.registry, matching, { ...parent, selector })) as ControllerRevision[];
  }

  /**
   * CreateControllerRevision: creates `revision` (named from its data and the collision count);
   * an existing revision of the same name and data is returned as is, one with other data bumps
   * the count. Returns the revision and the count it ended with.
   */
  async create(
    parent: Parent,
    revision: ControllerRevision,
    collisionCount: number,
  ): Promise<{ revision: ControllerRevision; collisionCount: number }> {
    const ns = parent.obj.metadata?.namespace ?? '';
    for (let count = collisionCount; ; count++) {
      const hash = hashControllerRevision(revision.data, count);
      const name = controllerRevisionName(parent.obj.metadata?.name ?? '', hash);
      const candidate: ControllerRevision = {
        ...revision,
        metadata: {
          ...revision.metadata,
          name,
          labels: { ...(revision.metadata?.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash },
        },
      };
      try {
        const created = (await this.registry.create(ns, candidate as KubeObject)) as ControllerRevision;
        return { revision: created, collisionCount: count };
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        const existing = (await this.registry.get(ns, name)) as ControllerRevision;
        if (semanticEqual(existing.data ?? null, revision.data ?? null))
          return { revision: existing, collisionCount: count };
      }
    }
  }

  /** UpdateControllerRevision: gives `revision` the number `to`. */
  async setRevision(revision: ControllerRevision, to: number): Promise<ControllerRevision> {
    if (revision.revision === to) return revision;
    const meta = revision.metadata ?? {};
    return (await this.registry.guaranteedUpdate(meta.namespace ?? '', meta.name ?? '', (cur) => {
      (cur as ControllerRevision).revision = to;
      return cur;
    })) as ControllerRevision;
  }

  async delete(revision: ControllerRevision): Promise<void> {
    const meta = revision.metadata ?? {};
    try {
      await this.registry.delete(meta.namespace ?? '', meta.name ?? '', {
        preconditions: { uid: meta.uid ?? '' },
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
