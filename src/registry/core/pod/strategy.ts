/**
 * Pods (upstream's pkg/registry/core/pod/strategy.go): defaulting, create-time admission, the
 * status reset to Pending with the computed QoS class, spec immutability, the status and
 * ephemeralcontainers subresources, graceful deletion, field selectors and the table.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { computePodQOS } from '../../../apis/core/helper/qos.js';
import { setDefaultsPod } from '../../../apis/core/v1/defaults.js';
import { validatePodCreate } from '../../../apis/core/validation/pod.js';
import {
  validatePodEphemeralContainersUpdate,
  validatePodStatusUpdate,
  validatePodUpdate,
} from '../../../apis/core/validation/pod-update.js';
import { copyJson } from '../../../apimachinery/json-copy.js';
import type { FieldError } from '../../../apimachinery/validation/field.js';
import { podTable } from '../../../printers/pod.js';
import type { Mutable, MutableObjectMeta, ResourceType, Strategy } from '../../resource.js';
import {
  admitDefaultTolerationSeconds,
  admitPriority,
  admitPriorityUpdate,
  admitServiceAccount,
} from './admission.js';
import { updatePodCondition } from './conditions.js';
import { keepField } from '../../keep.js';

type MutablePod = Mutable<Pod>;

/** Pods with scheduling gates start with `PodScheduled=False, reason SchedulingGated`. */
function applySchedulingGatedCondition(pod: MutablePod, now: Date): void {
  if (!pod.spec?.schedulingGates?.length) return;
  const status = (pod.status ??= {});
  if ((status.conditions ?? []).some((c) => c.type === 'PodScheduled')) return;
  updatePodCondition(
    status,
    {
      type: 'PodScheduled',
      status: 'False',
      reason: 'SchedulingGated',
      message: 'Scheduling is blocked due to non-empty scheduling gates',
    },
    now,
  );
}

export function podSelectableFields(pod: Pod): Record<string, string> {
  return {
    'spec.nodeName': pod.spec?.nodeName ?? '',
    'spec.restartPolicy': pod.spec?.restartPolicy ?? '',
    'spec.schedulerName': pod.spec?.schedulerName ?? '',
    'spec.serviceAccountName': pod.spec?.serviceAccountName ?? '',
    'spec.hostNetwork': String(pod.spec?.hostNetwork ?? false),
    'status.phase': pod.status?.phase ?? '',
    'status.podIP': pod.status?.podIPs?.[0]?.ip ?? '',
    'status.nominatedNodeName': pod.status?.nominatedNodeName ?? '',
  };
}

/** CheckGracefulDelete: unscheduled and finished pods go at once; negative periods become 1. */
export function podGracePeriod(pod: Pod, requested: number | undefined): number {
  let period = requested ?? pod.spec?.terminationGracePeriodSeconds ?? 0;
  if (!pod.spec?.nodeName) period = 0;
  if (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded') period = 0;
  return period < 0 ? 1 : period;
}

export const podStrategy: Strategy<Pod> = {
  defaults: setDefaultsPod,
  prepareForCreate(obj) {
    const pod = obj as MutablePod;
    admitServiceAccount(pod);
    admitPriority(pod);
    admitDefaultTolerationSeconds(pod);
    pod.status = { phase: 'Pending', qosClass: computePodQOS(pod) };
    applySchedulingGatedCondition(pod, new Date());
  },
  prepareForUpdate(obj, old) {
    const pod = obj as MutablePod;
    admitPriorityUpdate(pod, old);
    keepField(pod, old, 'status');
  },
  validate: validatePodCreate,
  validateUpdate: validatePodUpdate,
  prepareForStatusUpdate(obj, old) {
    const pod = obj as MutablePod;
    keepField(pod, old, 'spec');
    // Old kubelets corrupt owner references; the QoS class is set once, at creation.
    const meta = (pod.metadata ??= {});
    keepField(meta, old.metadata ?? {}, 'ownerReferences');
    if (pod.status && !pod.status.qosClass && old.status?.qosClass) pod.status.qosClass = old.status.qosClass;
  },
  validateStatusUpdate: validatePodStatusUpdate,
  table: podTable,
  selectableFields: podSelectableFields,
  gracePeriod: podGracePeriod,
};

/**
 * pods/ephemeralcontainers: everything but `spec.ephemeralContainers` (and the identity fields)
 * comes from the stored pod.
 */
export function prepareForEphemeralContainersUpdate(pod: Pod, old: Pod): Pod {
  const next = copyJson(old) as MutablePod;
  const meta: MutableObjectMeta = (next.metadata ??= {});
  meta.name = pod.metadata?.name;
  meta.namespace = pod.metadata?.namespace;
  meta.resourceVersion = pod.metadata?.resourceVersion;
  meta.uid = pod.metadata?.uid;
  const spec = (next.spec ??= { containers: [] });
  if (pod.spec?.ephemeralContainers) spec.ephemeralContainers = copyJson(pod.spec.ephemeralContainers);
  else delete spec.ephemeralContainers;
  return next;
}

export function validateEphemeralContainersUpdate(pod: Pod, old: Pod): FieldError[] {
  return validatePodEphemeralContainersUpdate(pod, old);
}

export const pods: ResourceType<Pod> = {
  group: '',
  version: 'v1',
  kind: 'Pod',
  plural: 'pods',
  singular: 'pod',
  shortNames: ['po'],
  namespaced: true,
  categories: ['all'],
  subresources: [
    'status',
    'binding',
    'eviction',
    'ephemeralcontainers',
    'log',
    'exec',
    'attach',
    'portforward',
  ],
  definition: 'io.k8s.api.core.v1.Pod',
  strategy: podStrategy,
};
