/**
 * The pod phase from its container statuses (upstream kubelet `getPhase`), restart policy aware:
 *
 *   Pending   — a regular init container has not succeeded yet, a sidecar is not started, or a
 *               container waits to be created for the first time;
 *   Running   — everything was created and something runs (or, under Always / OnFailure with
 *               failures, is about to be restarted);
 *   Succeeded — every regular container terminated with 0 and none will restart;
 *   Failed    — every regular container terminated, one with a failure, and none will restart;
 *               also an init container failed under restartPolicy Never.
 *
 * `podIsTerminal` (the pod is being shut down for good): nothing will restart, whatever the policy.
 */
import type { ContainerStatus, Pod } from 'kubernetes-types/core/v1.js';

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

const byName = (statuses: ContainerStatus[], name: string) => statuses.find((s) => s.name === name);
const restarting = (s: ContainerStatus) => Boolean(s.state?.waiting && s.lastState?.terminated);

export function getPhase(
  pod: Pod,
  initStatuses: ContainerStatus[],
  statuses: ContainerStatus[],
  podIsTerminal: boolean,
): PodPhase {
  const policy = pod.spec?.restartPolicy ?? 'Always';
  let initPending = 0;
  let initFailed = 0;
  let sidecarsPending = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  let unknown = 0;

  for (const c of pod.spec?.initContainers ?? []) {
    const s = byName(initStatuses, c.name);
    if (c.restartPolicy === 'Always') {
      // sidecars: a terminated one does not hold the pod back; a fresh or unstarted one does
      if (!s) {
        unknown++;
        sidecarsPending++;
      } else if (s.state?.running) {
        running++;
        if (!s.started) sidecarsPending++;
      } else if (!s.state?.terminated && !restarting(s)) {
        waiting++;
        sidecarsPending++;
      }
      continue;
    }
    const exit =
      s?.state?.terminated?.exitCode ?? (s && restarting(s) ? s.lastState?.terminated?.exitCode : undefined);
    if (exit === undefined) initPending++;
    else if (exit !== 0) initFailed++;
  }

  for (const c of pod.spec?.containers ?? []) {
    const s = byName(statuses, c.name);
    if (!s) unknown++;
    else if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (restarting(s)) stopped++;
    else if (s.state?.waiting) waiting++;
    else unknown++;
  }

  if (initFailed > 0 && policy === 'Never') return 'Failed';
  if (initPending > 0 || (sidecarsPending > 0 && !podIsTerminal)) return 'Pending';
  if (waiting > 0) return 'Pending';
  if (unknown > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped === 0) return 'Pending';
  if (podIsTerminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
  if (policy === 'Always') return 'Running';
  if (stopped === succeeded) return 'Succeeded';
  return policy === 'Never' ? 'Failed' : 'Running';
}

export const isTerminalPhase = (phase: string | undefined): phase is 'Succeeded' | 'Failed' =>
  phase === 'Succeeded' || phase === 'Failed';
