/**
 * The writes the Deployment controller makes (upstream's sync.go getNewReplicaSet and
 * scaleReplicaSet, and the status updates): creating the new ReplicaSet `<deployment>-<hash>`,
 * resizing ReplicaSets with their replica annotations, and writing Deployment status (with the
 * revision annotation, which upstream's status strategy lets through).
 */
import type { Deployment, DeploymentStatus, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { isAlreadyExists } from '../../apimachinery/errors.js';
import type { Api } from '../../apiserver/api.js';
import { deepCopy } from '../../apis/meta/equality.js';
import { type EventRecorder, referenceTo } from '../../client/record/event-recorder.js';
import { controllerRefOf, newControllerRef } from '../replicaset/controller-utils.js';
import { Reasons, getCondition, hasProgressDeadline, newCondition, setCondition } from './progress.js';
import { newRSNewReplicas } from './rolling.js';
import {
  POD_TEMPLATE_HASH_LABEL,
  REVISION_ANNOTATION,
  byCreation,
  computeHash,
  desiredReplicasAnnotation,
  equalIgnoreHash,
  maxReplicasAnnotation,
  maxRevision,
  maxSurge,
  replicasOf,
  setNewReplicaSetAnnotations,
  setReplicasAnnotations,
  specReplicas,
} from './util.js';

export class ReplicaSetWriter {
  constructor(
    private readonly api: Api,
    private readonly now: () => Date,
    private readonly recorder: EventRecorder,
  ) {}

  private scalingEvent(d: Deployment, rs: ReplicaSet, from: number, to: number): void {
    const direction = to > from ? 'up' : 'down';
    void this.recorder.event(
      referenceTo(d, 'apps/v1', 'Deployment'),
      'Normal',
      'ScalingReplicaSet',
      `Scaled ${direction} replica set ${rs.metadata?.name ?? ''} from ${from} to ${to}`,
    );
  }

  private get replicaSets() {
    return this.api.registry('apps', 'v1', 'replicasets');
  }

  /** Writes `d.status` and its revision annotation; `d` is updated in place. */
  async writeStatus(d: Deployment, status: DeploymentStatus): Promise<void> {
    const meta = d.metadata ?? {};
    const revision = meta.annotations?.[REVISION_ANNOTATION];
    await this.api.registry('apps', 'v1', 'deployments').guaranteedUpdate(
      meta.namespace ?? '',
      meta.name ?? '',
      (cur) => {
        if (cur.metadata?.uid !== meta.uid) return cur;
        const next = cur as Deployment;
        if (revision !== undefined)
          ((cur.metadata ??= {}).annotations ??= {})[REVISION_ANNOTATION] = revision;
        (next as { status?: DeploymentStatus }).status = status;
        return next;
      },
      { subresource: 'status' },
    );
    (d as { status?: DeploymentStatus }).status = status;
  }

  /**
   * scaleReplicaSet: sets the size and the replica annotations when either is stale; `rs` is
   * updated in place. True when the size changed.
   */
  async scale(rs: ReplicaSet, replicas: number, d: Deployment): Promise<boolean> {
    const desired = replicasOf(d);
    const max = desired + maxSurge(d);
    const stale = desiredReplicasAnnotation(rs) !== desired || maxReplicasAnnotation(rs) !== max;
    const resized = specReplicas(rs) !== replicas;
    if (!resized && !stale) return false;
    const from = specReplicas(rs);
    const meta = rs.metadata ?? {};
    const updated = (await this.replicaSets.guaranteedUpdate(meta.namespace ?? '', meta.name ?? '', (cur) => {
      const next = cur as ReplicaSet;
      if (cur.metadata?.uid !== meta.uid) throw new Error(`replica set ${meta.name ?? ''} was replaced`);
      (next.spec ??= { selector: {}, template: {} }).replicas = replicas;
      setReplicasAnnotations(next, desired, max);
      return next;
    })) as ReplicaSet;
    Object.assign(rs, { metadata: updated.metadata, spec: updated.spec });
    if (resized) this.scalingEvent(d, rs, from, replicas);
    return resized;
  }

  /** scaleReplicaSetAndRecordEvent: nothing to do at the same size. */
  async resize(rs: ReplicaSet, replicas: number, d: Deployment): Promise<boolean> {
    return specReplicas(rs) === replicas ? false : this.scale(rs, replicas, d);
  }

  /**
   * getAllReplicaSetsAndSyncRevision: [new ReplicaSet (created when asked and missing), old ones].
   * An existing new ReplicaSet gets the Deployment's annotations, the next revision and its
   * minReadySeconds; the Deployment gets that revision.
   */
  async newAndOld(
    d: Deployment,
    rsList: ReplicaSet[],
    create: boolean,
  ): Promise<[ReplicaSet | undefined, ReplicaSet[]]> {
    const sorted = [...rsList].sort(byCreation);
    const existing = sorted.find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
    const oldRSs = sorted.filter((rs) => rs !== existing);
    const revision = maxRevision(oldRSs) + 1;
    if (existing) {
      await this.syncExisting(d, existing, revision);
      return [existing, oldRSs];
    }
    if (!create) return [undefined, oldRSs];
    return [await this.createNew(d, oldRSs, revision), oldRSs];
  }

  private async syncExisting(d: Deployment, rs: ReplicaSet, revision: number): Promise<void> {
    const copy = deepCopy(rs);
    const annotationsChanged = setNewReplicaSetAnnotations(d, copy, revision, true);
    const minReady = d.spec?.minReadySeconds;
    if (annotationsChanged || copy.spec?.minReadySeconds !== minReady) {
      const meta = rs.metadata ?? {};
      const updated = (await this.replicaSets.guaranteedUpdate(
        meta.namespace ?? '',
        meta.name ?? '',
        (cur) => {
          const next = cur as ReplicaSet;
          (next.metadata ??= {}).annotations = copy.metadata?.annotations ?? {};
          const spec = (next.spec ??= { selector: {}, template: {} });
          if (minReady === undefined) delete spec.minReadySeconds;
          else spec.minReadySeconds = minReady;
          return next;
        },
      )) as ReplicaSet;
      Object.assign(rs, { metadata: updated.metadata, spec: updated.spec });
    }
    let needsUpdate = setDeploymentRevision(d, rs.metadata?.annotations?.[REVISION_ANNOTATION] ?? '');
    const status = deepCopy(d.status ?? {});
    if (hasProgressDeadline(d) && !getCondition(status, 'Progressing')) {
      const msg = `Found new replica set "${rs.metadata?.name ?? ''}"`;
      setCondition(status, newCondition('Progressing', 'True', Reasons.FoundNewReplicaSet, msg, this.now()));
      needsUpdate = true;
    }
    if (needsUpdate) await this.writeStatus(d, status);
  }

  private async createNew(d: Deployment, oldRSs: ReplicaSet[], revision: number): Promise<ReplicaSet> {
    const meta = d.metadata ?? {};
    const template = deepCopy(d.spec?.template ?? {});
    const hash = computeHash(d.spec?.template, d.status?.collisionCount);
    const labels = { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
    template.metadata = { ...(template.metadata ?? {}), labels };
    const selector = deepCopy(d.spec?.selector ?? {});
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${meta.name ?? ''}-${hash}`,
        namespace: meta.namespace ?? '',
        labels,
        ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')],
      },
      spec: {
        replicas: 0,
        selector,
        template,
        ...(d.spec?.minReadySeconds !== undefined ? { minReadySeconds: d.spec.minReadySeconds } : {}),
      },
    };
    (rs.spec ??= { selector, template }).replicas = newRSNewReplicas(d, [...oldRSs, rs], rs);
    setNewReplicaSetAnnotations(d, rs, revision, false);
    let created: ReplicaSet;
    let alreadyExisted = false;
    try {
      created = (await this.replicaSets.create(meta.namespace ?? '', rs)) as ReplicaSet;
    } catch (err) {
      if (!isAlreadyExists(err)) {
        const msg = `Failed to create new replica set "${rs.metadata?.name ?? ''}": ${String(err)}`;
        void this.recorder.event(
          referenceTo(d, 'apps/v1', 'Deployment'),
          'Warning',
          Reasons.FailedReplicaSetCreate,
          msg,
        );
        if (hasProgressDeadline(d)) {
          const status = deepCopy(d.status ?? {});
          setCondition(
            status,
            newCondition('Progressing', 'False', Reasons.FailedReplicaSetCreate, msg, this.now()),
          );
          await this.writeStatus(d, status);
        }
        throw err;
      }
      const found = (await this.replicaSets.get(meta.namespace ?? '', rs.metadata?.name ?? '')) as ReplicaSet;
      if (
        controllerRefOf(found.metadata)?.uid !== meta.uid ||
        !equalIgnoreHash(found.spec?.template, d.spec?.template)
      ) {
        // A hash collision: count it, so that the next hash differs.
        const status = { ...deepCopy(d.status ?? {}), collisionCount: (d.status?.collisionCount ?? 0) + 1 };
        await this.writeStatus(d, status);
        throw new Error(
          `hash collision for replica set ${rs.metadata?.name ?? ''}; retrying with a new hash`,
          {
            cause: err,
          },
        );
      }
      created = found;
      alreadyExisted = true;
    }
    const replicas = specReplicas(created);
    if (!alreadyExisted && replicas > 0) this.scalingEvent(d, created, 0, replicas);
    let needsUpdate = setDeploymentRevision(d, String(revision));
    const status = deepCopy(d.status ?? {});
    if (!alreadyExisted && hasProgressDeadline(d)) {
      const msg = `Created new replica set "${created.metadata?.name ?? ''}"`;
      setCondition(status, newCondition('Progressing', 'True', Reasons.NewReplicaSet, msg, this.now()));
      needsUpdate = true;
    }
    if (needsUpdate) await this.writeStatus(d, status);
    return created;
  }
}

/** SetDeploymentRevision: true when the annotation changed (in `d`, not yet written). */
export function setDeploymentRevision(d: Deployment, revision: string): boolean {
  const a = ((d.metadata ??= {}).annotations ??= {});
  if (!revision || a[REVISION_ANNOTATION] === revision) return false;
  a[REVISION_ANNOTATION] = revision;
  return true;
}
