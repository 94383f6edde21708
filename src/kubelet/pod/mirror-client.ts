/**
 * Mirror pods (upstream `pkg/kubelet/pod/mirror_client.go` and the mirror handling of the
 * kubelet's sync): each static pod gets a copy on the API server, same name and namespace,
 * annotated `kubernetes.io/config.mirror: <hash>` and owned by the Node, showing the static pod's
 * status. The copy is only a view:
 *
 *   static pod, no mirror            → create it, then write the latest status
 *   mirror of another hash, or being
 *   deleted (deletionTimestamp)      → delete it (grace 0, uid precondition), then create anew
 *   mirror without a static pod      → delete it
 *
 * Deleting a mirror never stops the static pod. A mirror this client deleted is recreated only
 * after `recreateDelayMs` (1 s): `kubectl delete --wait` reads the pod right after its DELETE,
 * then lists and watches it by name for the DELETED event; a replacement created between that
 * read and that list has another uid, so kubectl's watch never sees a deletion and waits forever.
 * The pause keeps the replacement out of that window (upstream's slower sync makes it rare; ours
 * reacts within a millisecond, which hit it one delete in a few).
 *
 * Everything here tolerates the API being away:
 * failures are logged and the periodic reconcile (and every mirror event) tries again, so
 * mirrors appear once the server is back. Status writes go to the mirror; the latest status of
 * each static pod is kept and rewritten to a recreated mirror.
 */
import type { Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { isAlreadyExists, isConflict, isInvalid, isNotFound } from '../../apimachinery/errors.js';
import type { Logger } from '../../util/log.js';
import { type Clock, realClock } from '../lifecycle.js';
import { CONFIG_MIRROR_ANNOTATION, podHash, type MirrorPodObserver } from '../config/sources.js';

/** What the mirror client needs of the pods API. */
export interface MirrorPodsApi {
  get(name: string, options: { namespace?: string }): Promise<Pod>;
  create(pod: Pod, options: { namespace?: string }): Promise<Pod>;
  updateStatus(pod: Pod, options: { namespace?: string }): Promise<Pod>;
  delete(
    name: string,
    options: { namespace?: string; gracePeriodSeconds?: number; preconditions?: { uid?: string } },
  ): Promise<unknown>;
}

export interface MirrorClientOptions {
  pods: MirrorPodsApi;
  nodeName: string;
  /** The Node's uid, for the owner reference. */
  nodeUID: () => string | undefined;
  logger: Logger;
  /** Reconcile period (default 2 s). */
  periodMs?: number;
  /** Pause between deleting a mirror and creating its replacement (default 1 s). */
  recreateDelayMs?: number;
  clock?: Clock;
}

export const DEFAULT_MIRROR_RECREATE_DELAY_MS = 1000;

const keyOf = (pod: Pod) => `${pod.metadata?.namespace ?? 'default'}/${pod.metadata?.name ?? ''}`;

/** The mirror of a static pod as it is created (upstream `CreateMirrorPod`). */
export function mirrorPodOf(pod: Pod, nodeName: string, nodeUID: string | undefined): Pod {
  const { uid: _uid, resourceVersion: _rv, creationTimestamp: _ct, ...meta } = pod.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...meta,
      annotations: { ...meta.annotations, [CONFIG_MIRROR_ANNOTATION]: podHash(pod) ?? '' },
      ownerReferences: [
        { apiVersion: 'v1', kind: 'Node', name: nodeName, uid: nodeUID ?? '', controller: true },
      ],
    },
    ...(pod.spec ? { spec: pod.spec } : {}),
  };
}

/** Whether `mirror` is the current mirror of `pod` (upstream `IsMirrorPodOf`). */
export const isMirrorPodOf = (mirror: Pod, pod: Pod): boolean =>
  keyOf(mirror) === keyOf(pod) && podHash(mirror) === podHash(pod);

export class MirrorClient implements MirrorPodObserver {
  private readonly statics = new Map<string, Pod>();
  private readonly mirrors = new Map<string, Pod>();
  /** Latest status per static pod uid, and whether it still has to reach the mirror. */
  private readonly statuses = new Map<string, { status: PodStatus; dirty: boolean }>();
  /** Keys whose mirror this client deleted: no replacement before that time (ms). */
  private readonly recreateAfter = new Map<string, number>();
  private recreateTimer: { cancel(): void } | null = null;
  private readonly clock: Clock;
  private started = false;
  private running: Promise<void> | null = null;
  private again = false;
  private readonly log: Logger;

  constructor(private readonly o: MirrorClientOptions) {
    this.log = o.logger.child({ component: 'mirror-pods' });
    this.clock = o.clock ?? realClock;
  }

  /** The file source's updates: static pods to mirror. */
  readonly staticUpdates = {
    update: (pod: Pod): void => {
      this.statics.set(keyOf(pod), pod);
      this.kick();
    },
    remove: (pod: Pod): void => {
      if (this.statics.get(keyOf(pod))?.metadata?.uid === pod.metadata?.uid) this.statics.delete(keyOf(pod));
      this.statuses.delete(pod.metadata?.uid ?? '');
      this.kick();
    },
  };

  observeMirror(pod: Pod): void {
    this.mirrors.set(keyOf(pod), pod);
    this.kick();
  }

  forgetMirror(pod: Pod): void {
    if (this.mirrors.get(keyOf(pod))?.metadata?.uid === pod.metadata?.uid) this.mirrors.delete(keyOf(pod));
    this.kick();
  }

  /** The static pod's status: kept, and written to its mirror when there is one. Never throws. */
  async setStatus(pod: Pod, status: PodStatus): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    if (this.statics.get(keyOf(pod))?.metadata?.uid !== uid) return;
    this.statuses.set(uid, { status, dirty: true });
    const mirror = this.mirrors.get(keyOf(pod));
    if (mirror && isMirrorPodOf(mirror, pod) && !mirror.metadata?.deletionTimestamp) {
      await this.writeStatus(mirror, uid);
    }
  }

  /** Starts the periodic reconcile (call after the static pods and the API's mirrors are known). */
  start(signal: AbortSignal): Promise<void> {
    this.started = true;
    this.kick();
    return new Promise((resolve) => {
      const timer = setInterval(() => this.kick(), this.o.periodMs ?? 2000);
      timer.unref();
      signal.addEventListener(
        'abort',
        () => {
          clearInterval(timer);
          this.recreateTimer?.cancel();
          this.started = false;
          void (this.running ?? Promise.resolve()).then(() => resolve());
        },
        { once: true },
      );
    });
  }

  /** Runs a reconcile now (or once more after the current one); resolves when done. */
  kick(): Promise<void> {
    if (!this.started) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.reconcile();
        } while (this.again && this.started);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  private async reconcile(): Promise<void> {
    for (const [key, mirror] of [...this.mirrors]) {
      const pod = this.statics.get(key);
      if (pod && isMirrorPodOf(mirror, pod) && !mirror.metadata?.deletionTimestamp) continue;
      await this.deleteMirror(mirror);
    }
    for (const [key, pod] of this.statics) {
      const mirror = this.mirrors.get(key);
      if (mirror) {
        if (isMirrorPodOf(mirror, pod) && !mirror.metadata?.deletionTimestamp)
          await this.writeStatus(mirror, pod.metadata?.uid ?? '', true);
        continue;
      }
      const notBefore = this.recreateAfter.get(key) ?? 0;
      const wait = notBefore - this.clock.now().getTime();
      if (wait > 0) {
        this.kickIn(wait);
        continue;
      }
      this.recreateAfter.delete(key);
      await this.createMirror(pod);
    }
  }

  /** One reconcile in `ms` (the earliest pending one wins). */
  private kickIn(ms: number): void {
    if (this.recreateTimer) return;
    this.recreateTimer = this.clock.setTimeout(() => {
      this.recreateTimer = null;
      void this.kick();
    }, ms);
  }

  /** The mirror by that key is gone through us: its replacement waits `recreateDelayMs`. */
  private deleted(mirror: Pod): void {
    const delay = this.o.recreateDelayMs ?? DEFAULT_MIRROR_RECREATE_DELAY_MS;
    if (delay > 0) this.recreateAfter.set(keyOf(mirror), this.clock.now().getTime() + delay);
    this.forgetMirror(mirror);
  }

  private async createMirror(pod: Pod): Promise<void> {
    const namespace = pod.metadata?.namespace ?? 'default';
    try {
      const mirror = await this.o.pods.create(mirrorPodOf(pod, this.o.nodeName, this.o.nodeUID()), {
        namespace,
      });
      this.log.info({ pod: keyOf(pod) }, 'mirror pod created');
      this.mirrors.set(keyOf(mirror), mirror);
      const entry = this.statuses.get(pod.metadata?.uid ?? '');
      if (entry) entry.dirty = true;
      await this.writeStatus(mirror, pod.metadata?.uid ?? '');
    } catch (err) {
      // AlreadyExists: judge the one that is there (the API source may have delivered it already).
      if (isAlreadyExists(err)) await this.refreshMirror(namespace, pod.metadata?.name ?? '');
      else this.log.warn({ pod: keyOf(pod), err: (err as Error).message }, 'mirror pod not created');
    }
  }

  private async deleteMirror(mirror: Pod): Promise<void> {
    try {
      await this.o.pods.delete(mirror.metadata?.name ?? '', {
        namespace: mirror.metadata?.namespace ?? 'default',
        gracePeriodSeconds: 0,
        preconditions: { uid: mirror.metadata?.uid ?? '' },
      });
      this.log.info({ pod: keyOf(mirror) }, 'mirror pod deleted');
      this.deleted(mirror);
    } catch (err) {
      if (isNotFound(err)) this.deleted(mirror);
      // Another mirror by that name now (uid precondition failed): judge that one.
      else if (isConflict(err))
        await this.refreshMirror(mirror.metadata?.namespace ?? 'default', mirror.metadata?.name ?? '');
      else this.log.warn({ pod: keyOf(mirror), err: (err as Error).message }, 'mirror pod not deleted');
    }
  }

  /** Reads the mirror by that name from the API into the cache (or drops it when there is none). */
  private async refreshMirror(namespace: string, name: string): Promise<void> {
    try {
      const current = await this.o.pods.get(name, { namespace });
      this.mirrors.set(keyOf(current), current);
      this.again = true;
    } catch (err) {
      if (isNotFound(err)) this.mirrors.delete(`${namespace}/${name}`);
      else this.log.warn({ pod: `${namespace}/${name}`, err: (err as Error).message }, 'mirror pod not read');
    }
  }

  private async writeStatus(mirror: Pod, staticUID: string, onlyDirty = false): Promise<void> {
    const entry = this.statuses.get(staticUID);
    if (!entry || (onlyDirty && !entry.dirty)) return;
    const { resourceVersion: _rv, ...metadata } = mirror.metadata ?? {};
    entry.dirty = false;
    try {
      await this.o.pods.updateStatus(
        { ...mirror, metadata, status: entry.status },
        { namespace: metadata.namespace ?? 'default' },
      );
    } catch (err) {
      entry.dirty = true;
      if (!isNotFound(err) && !isInvalid(err))
        this.log.debug({ pod: keyOf(mirror), err: (err as Error).message }, 'mirror status not written');
    }
  }
}
