/**
 * Pods that need the pod network wait for it (upstream kubelet: a pod that is not hostNetwork is
 * not synced while the runtime's network is not ready, "network is not ready"). The agent's pod
 * network is ready once it wrote the CNI config for its subnet: at once when it brings its own
 * (`--pod-cidr`), else after the server allocated one. Until then the gate holds such pods back
 * and lets hostNetwork pods through, so a self-hosted control plane starts before any subnet.
 *
 *   update(hostNetwork pod)       → through
 *   update(other pod), not ready  → held (the latest version per uid)
 *   remove(held pod)              → dropped from the held ones (it never ran)
 *   open()                        → every held pod through, in arrival order; from then on all pass
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { PodUpdates } from '../config/sources.js';

export class NetworkReadinessGate implements PodUpdates {
  private readonly held = new Map<string, Pod>();
  private ready: boolean;
  private readonly onHold: ((pod: Pod) => void) | undefined;

  constructor(
    private readonly target: PodUpdates,
    options: { ready?: boolean; onHold?: (pod: Pod) => void } = {},
  ) {
    this.ready = options.ready ?? false;
    this.onHold = options.onHold;
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** The pods waiting for the network. */
  waiting(): Pod[] {
    return [...this.held.values()];
  }

  update(pod: Pod): void {
    if (this.ready || pod.spec?.hostNetwork) {
      this.target.update(pod);
      return;
    }
    const uid = pod.metadata?.uid ?? '';
    if (!this.held.has(uid)) this.onHold?.(pod);
    this.held.set(uid, pod);
  }

  remove(pod: Pod): void {
    const uid = pod.metadata?.uid ?? '';
    if (this.held.delete(uid)) return;
    this.target.remove(pod);
  }

  /** The network is ready: the held pods go through, and every later one. */
  open(): void {
    if (this.ready) return;
    this.ready = true;
    const pods = [...this.held.values()];
    this.held.clear();
    for (const pod of pods) this.target.update(pod);
  }
}
