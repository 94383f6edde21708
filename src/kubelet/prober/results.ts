/**
 * Probe results per container (upstream prober `results.Manager`): the latest result of one
 * probe type, keyed by the CRI container id, with a callback on every change so that the pod is
 * synced (a liveness kill, a readiness flip written to the status) without waiting for a resync.
 */

/** `Unknown`: not probed yet (the startup probe's initial value). */
export type ProbeResult = 'Success' | 'Failure' | 'Unknown';

export interface ResultUpdate {
  containerID: string;
  result: ProbeResult;
  podUID: string;
}

export class ResultsManager {
  private readonly cache = new Map<string, ProbeResult>();

  constructor(private readonly onUpdate: (update: ResultUpdate) => void = () => undefined) {}

  get(containerID: string): ProbeResult | undefined {
    return this.cache.get(containerID);
  }

  set(containerID: string, result: ProbeResult, podUID: string): void {
    if (this.cache.get(containerID) === result) return;
    this.cache.set(containerID, result);
    this.onUpdate({ containerID, result, podUID });
  }

  remove(containerID: string): void {
    this.cache.delete(containerID);
  }
}
