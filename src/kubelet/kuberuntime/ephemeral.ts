/**
 * Ephemeral containers (upstream kuberuntime's ephemeral-container handling in
 * `computePodActions`/`SyncPod`): added through `pods/ephemeralcontainers` to a running pod,
 * each one is started once in the pod's existing sandbox — even before initialization finished —
 * and never restarted; it counts for neither readiness nor the phase.
 *
 * `targetContainerName` puts the container into the target's process namespace (CRI
 * `namespace_options.pid = TARGET`, `target_id` = the target's container id), so `ps` shows the
 * target's processes. A target that is not running (crashed, in CrashLoopBackOff) has no process
 * namespace to join; upstream then fails the start, here the container starts in the pod's own
 * PID namespace instead, so that a crashed container can still be debugged (its files through
 * the shared volumes, the rest of the pod through the network namespace).
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { NamespaceOption } from '../container/runtime.js';
import type { ContainerToStart } from './compute-pod-actions.js';
import { latestByName, type RuntimePodStatus } from './runtime-pod-status.js';
import { namespaceOptions } from './sandbox-config.js';

/** The ephemeral containers the runtime has never seen: each is started exactly once. */
export function ephemeralContainersToStart(pod: Pod, status: RuntimePodStatus): ContainerToStart[] {
  if (pod.metadata?.deletionTimestamp) return [];
  const out: ContainerToStart[] = [];
  (pod.spec?.ephemeralContainers ?? []).forEach((c, index) => {
    if (latestByName(status, c.name) !== undefined) return;
    out.push({ kind: 'regular', ephemeral: true, index, name: c.name, previous: null, backoffKey: '' });
  });
  return out;
}

/** The running container whose PID namespace ephemeral container `name` joins, if any. */
export function ephemeralTargetID(pod: Pod, name: string, status: RuntimePodStatus): string | undefined {
  const spec = pod.spec?.ephemeralContainers?.find((c) => c.name === name);
  const target = spec?.targetContainerName;
  if (!target) return undefined;
  const latest = latestByName(status, target);
  return latest?.state === 'running' ? latest.id : undefined;
}

/** The container's namespaces: the pod's, with the PID namespace of `targetID` when given. */
export function containerNamespaceOptions(pod: Pod, targetID: string | undefined): NamespaceOption {
  const ns: NamespaceOption = namespaceOptions(pod);
  return targetID ? { ...ns, pid: 'TARGET', target_id: targetID } : ns;
}
