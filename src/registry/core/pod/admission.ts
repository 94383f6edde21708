/**
 * What upstream's default admission plugins add to a pod when it is created, applied by the pod
 * strategy (create-only, like admission):
 *
 *   ServiceAccount: `serviceAccountName: default` when unset (and the deprecated
 *                   `serviceAccount` mirror); optionally the projected token volume
 *                   `kube-api-access-<suffix>` mounted in every container.
 *   Priority:       `priority` from the priorityClassName (0 when none) and
 *                   `preemptionPolicy: PreemptLowerPriority`; on update, both are kept.
 *   DefaultTolerationSeconds: NoExecute tolerations of the `not-ready` and `unreachable`
 *                   node taints for 300 s, unless the pod already tolerates them.
 *
 * Not done here (they need other objects): rejecting a pod whose ServiceAccount does not exist
 * or whose PriorityClass is unknown.
 */
import type {
  Container,
  EphemeralContainer,
  Pod,
  PodSpec,
  Toleration,
  Volume,
} from 'kubernetes-types/core/v1.js';

export const DEFAULT_SERVICE_ACCOUNT = 'default';
export const SERVICE_ACCOUNT_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
/** Upstream mounts tokens valid 3607s (an hour plus skew) unless extended expiry is configured. */
export const SERVICE_ACCOUNT_TOKEN_EXPIRATION_SECONDS = 3607;
const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

/** The built-in priority classes (all others would need a PriorityClass lookup). */
export const SYSTEM_PRIORITY_CLASSES: Record<string, number> = {
  'system-node-critical': 2000001000,
  'system-cluster-critical': 2000000000,
};

export interface ServiceAccountAdmissionOptions {
  /** Add and mount the projected `kube-api-access-*` volume (default true, as upstream). */
  mountToken?: boolean;
  /** Random suffix generator for the volume name (5 characters, like upstream). */
  suffix?: () => string;
}

const randomSuffix = (): string => {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let s = '';
  for (let i = 0; i < 5; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
  return s;
};

function tokenVolume(name: string): Volume {
  return {
    name,
    projected: {
      defaultMode: 0o644,
      sources: [
        {
          serviceAccountToken: { expirationSeconds: SERVICE_ACCOUNT_TOKEN_EXPIRATION_SECONDS, path: 'token' },
        },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        {
          downwardAPI: {
            items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
          },
        },
      ],
    },
  };
}

function mountsToken(c: Container | EphemeralContainer): boolean {
  return (c.volumeMounts ?? []).some((m) => m.mountPath === SERVICE_ACCOUNT_MOUNT_PATH);
}

/** The ServiceAccount admission plugin's mutation. Mirror (static) pods are left alone. */
export function admitServiceAccount(pod: Pod, opts: ServiceAccountAdmissionOptions = {}): void {
  if (pod.metadata?.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) return;
  const spec: PodSpec = pod.spec ?? { containers: [] };
  if (!spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount || DEFAULT_SERVICE_ACCOUNT;
  spec.serviceAccount = spec.serviceAccountName;
  if (opts.mountToken === false || spec.automountServiceAccountToken === false) return;
  const existing = (spec.volumes ?? []).find((v) => v.name.startsWith('kube-api-access-') && v.projected);
  const name = existing?.name ?? `kube-api-access-${(opts.suffix ?? randomSuffix)()}`;
  if (!existing) spec.volumes = [...(spec.volumes ?? []), tokenVolume(name)];
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    if (!mountsToken(c))
      c.volumeMounts = [
        ...(c.volumeMounts ?? []),
        { name, mountPath: SERVICE_ACCOUNT_MOUNT_PATH, readOnly: true },
      ];
  }
}

export interface AdmissionUser {
  name: string;
  groups: string[];
}

const NODE_USER = /^system:node:(.+)$/;

/**
 * Create-time rules for mirror pods (annotation `kubernetes.io/config.mirror`), as upstream's
 * ServiceAccount and NodeRestriction admission plugins enforce them: only a node may create one,
 * bound to itself, and it may not reference other objects (service accounts, secrets, config
 * maps, persistent volume claims, projected tokens). Returns the reason to forbid, if any.
 */
export function mirrorPodForbiddenReason(pod: Pod, user: AdmissionUser): string | undefined {
  if (pod.metadata?.annotations?.[MIRROR_POD_ANNOTATION] === undefined) return undefined;
  const node = NODE_USER.exec(user.name)?.[1];
  if (!node || !user.groups.includes('system:nodes'))
    return `user "${user.name}" may not create mirror pods (annotation "${MIRROR_POD_ANNOTATION}"): only nodes can`;
  const spec = pod.spec;
  if (spec?.nodeName !== node) return `node "${node}" can only create pods with spec.nodeName set to itself`;
  if (spec.serviceAccountName || spec.serviceAccount)
    return 'a mirror pod may not reference service accounts';
  const containers = [
    ...(spec.initContainers ?? []),
    ...spec.containers,
    ...(spec.ephemeralContainers ?? []),
  ];
  const envFrom = containers.flatMap((c) => c.envFrom ?? []);
  const env = containers.flatMap((c) => c.env ?? []);
  const volumes = spec.volumes ?? [];
  const projected = volumes.flatMap((v) => v.projected?.sources ?? []);
  if (
    (spec.imagePullSecrets ?? []).length > 0 ||
    envFrom.some((e) => e.secretRef) ||
    env.some((e) => e.valueFrom?.secretKeyRef) ||
    volumes.some((v) => v.secret || v.azureFile || v.cephfs?.secretRef || v.flexVolume?.secretRef) ||
    volumes.some((v) => v.iscsi?.secretRef || v.rbd?.secretRef || v.scaleIO || v.storageos?.secretRef) ||
    volumes.some((v) => v.csi?.nodePublishSecretRef) ||
    projected.some((p) => p.secret)
  )
    return 'a mirror pod may not reference secrets';
  if (projected.some((p) => p.serviceAccountToken))
    return 'a mirror pod may not use ServiceAccountToken volume projections';
  if (
    envFrom.some((e) => e.configMapRef) ||
    env.some((e) => e.valueFrom?.configMapKeyRef) ||
    volumes.some((v) => v.configMap) ||
    projected.some((p) => p.configMap)
  )
    return `node "${node}" can not create pods that reference configmaps`;
  if (volumes.some((v) => v.persistentVolumeClaim || v.ephemeral))
    return `node "${node}" can not create pods that reference persistentvolumeclaims`;
  const owners = pod.metadata?.ownerReferences ?? [];
  if (owners.length > 1 || owners.some((r) => r.kind !== 'Node' || r.apiVersion !== 'v1' || r.name !== node))
    return `node "${node}" can only create pods with an owner reference set to itself`;
  return undefined;
}

/** The Priority admission plugin on create. */
export function admitPriority(pod: Pod): void {
  const spec = pod.spec;
  if (!spec) return;
  if (spec.priority === undefined) spec.priority = SYSTEM_PRIORITY_CLASSES[spec.priorityClassName ?? ''] ?? 0;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
}

/** On update, priority and preemptionPolicy set at creation carry over when a client omits them. */
export function admitPriorityUpdate(pod: Pod, old: Pod): void {
  const spec = pod.spec;
  if (!spec || !old.spec) return;
  if (spec.priority === undefined && old.spec.priority !== undefined) spec.priority = old.spec.priority;
  if (spec.preemptionPolicy === undefined && old.spec.preemptionPolicy !== undefined) {
    spec.preemptionPolicy = old.spec.preemptionPolicy;
  }
}

export const TAINT_NODE_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_NODE_UNREACHABLE = 'node.kubernetes.io/unreachable';
/** Upstream's --default-not-ready-toleration-seconds and --default-unreachable-toleration-seconds. */
export const DEFAULT_TOLERATION_SECONDS = 300;

/** Whether some toleration already covers the NoExecute taint `key` (any-key or any-effect ones do). */
const toleratesNoExecute = (tolerations: Toleration[], key: string): boolean =>
  tolerations.some((t) => (!t.key || t.key === key) && (!t.effect || t.effect === 'NoExecute'));

/** The DefaultTolerationSeconds admission plugin on create. */
export function admitDefaultTolerationSeconds(pod: Pod, seconds = DEFAULT_TOLERATION_SECONDS): void {
  const spec = pod.spec;
  if (!spec) return;
  const existing = spec.tolerations ?? [];
  const added: Toleration[] = [];
  for (const key of [TAINT_NODE_NOT_READY, TAINT_NODE_UNREACHABLE]) {
    if (!toleratesNoExecute(existing, key)) {
      added.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });
    }
  }
  if (added.length) spec.tolerations = [...existing, ...added];
}
