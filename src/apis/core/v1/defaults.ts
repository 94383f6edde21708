/**
 * Pod defaulting, as upstream's `pkg/apis/core/v1/defaults.go` (SetDefaults_Pod, _PodSpec,
 * _Container, _EphemeralContainer, _Probe, _HTTPGetAction, _ObjectFieldSelector, _ResourceList,
 * the volume defaulters) and the v1 conversion rules that show in what the server returns
 * (`serviceAccount` mirrors `serviceAccountName`, `podIP` ↔ `podIPs`, `hostIP` ↔ `hostIPs`).
 *
 * Not here: what admission plugins add on create (serviceAccountName `default`, priority,
 * default tolerations), which lives with the pod registry (`registry/core/pod/admission.ts`).
 */
import type {
  Container,
  EphemeralContainer,
  LifecycleHandler,
  Pod,
  PodSpec,
  PodStatus,
  Probe,
} from 'kubernetes-types/core/v1.js';
import type { Mutable } from '../../../registry/resource.js';
import { setDefaultsObjectFieldSelector, setDefaultsVolume } from './defaults-volumes.js';
import { defaultPullPolicy } from './image.js';
import { setDefaultsResourceList } from './resource-list.js';

export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;
export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
export const TERMINATION_MESSAGE_PATH_DEFAULT = '/dev/termination-log';

export type AnyContainer = Container | EphemeralContainer;

export function setDefaultsPod(pod: Pod): void {
  const spec: PodSpec = ((pod as Mutable<Pod>).spec ??= { containers: [] });
  setDefaultsPodSpec(spec);
  // Requests default to limits (pods only: templates keep what they say).
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    const limits = c.resources?.limits;
    if (!limits) continue;
    const resources = (c.resources ??= {});
    const requests = (resources.requests ??= {});
    for (const [k, v] of Object.entries(limits)) if (!(k in requests)) requests[k] = v;
  }
  spec.enableServiceLinks ??= true;
  if (spec.hostNetwork) {
    for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
      for (const port of c.ports ?? []) if (!port.hostPort) port.hostPort = port.containerPort;
    }
  }
  if (pod.status) setDefaultsPodStatus(pod.status);
}

/** SetDefaults_PodSpec (shared by every object that embeds a pod template). */
export function setDefaultsPodSpec(spec: PodSpec): void {
  spec.dnsPolicy ||= 'ClusterFirst';
  spec.restartPolicy ||= 'Always';
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS;
  spec.schedulerName ||= DEFAULT_SCHEDULER_NAME;
  // v1 conversion: the deprecated `serviceAccount` is read when the new field is empty and
  // always written back as a copy of it.
  if (!spec.serviceAccountName && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
  else delete spec.serviceAccount;
  for (const c of spec.containers ?? []) setDefaultsContainer(c);
  for (const c of spec.initContainers ?? []) setDefaultsContainer(c);
  for (const c of spec.ephemeralContainers ?? []) setDefaultsContainer(c);
  for (const v of spec.volumes ?? []) setDefaultsVolume(v);
  setDefaultsResourceList(spec.overhead);
}

/** SetDefaults_Container / _EphemeralContainer and the defaulters of the structs they hold. */
export function setDefaultsContainer(c: AnyContainer): void {
  c.imagePullPolicy ||= defaultPullPolicy(c.image);
  c.terminationMessagePath ||= TERMINATION_MESSAGE_PATH_DEFAULT;
  c.terminationMessagePolicy ||= 'File';
  // `resources` is a struct, not a pointer, upstream: it is always there (`resources: {}`).
  c.resources ??= {};
  setDefaultsResourceList(c.resources.limits);
  setDefaultsResourceList(c.resources.requests);
  for (const port of c.ports ?? []) port.protocol ||= 'TCP';
  for (const env of c.env ?? []) setDefaultsObjectFieldSelector(env.valueFrom?.fieldRef);
  for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) if (probe) setDefaultsProbe(probe);
  setDefaultsHandler(c.lifecycle?.postStart);
  setDefaultsHandler(c.lifecycle?.preStop);
}

export function setDefaultsProbe(probe: Probe): void {
  probe.timeoutSeconds ||= 1;
  probe.periodSeconds ||= 10;
  probe.successThreshold ||= 1;
  probe.failureThreshold ||= 3;
  setDefaultsHandler(probe);
  if (probe.grpc) probe.grpc.service ??= '';
}

function setDefaultsHandler(handler: LifecycleHandler | Probe | undefined): void {
  const http = handler?.httpGet;
  if (!http) return;
  http.path ||= '/';
  http.scheme ||= 'HTTP';
}

/** Keeps the singular and plural IP fields of a pod status in step, as v1 conversion does. */
export function setDefaultsPodStatus(status: PodStatus): void {
  if (!status.podIPs?.length && status.podIP) status.podIPs = [{ ip: status.podIP }];
  if (status.podIPs?.length) status.podIP = status.podIPs[0]?.ip ?? status.podIP;
  if (!status.hostIPs?.length && status.hostIP) status.hostIPs = [{ ip: status.hostIP }];
  if (status.hostIPs?.length) status.hostIP = status.hostIPs[0]?.ip ?? status.hostIP;
}
