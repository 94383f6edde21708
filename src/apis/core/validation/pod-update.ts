/**
 * What may change in a pod after creation (upstream's ValidatePodUpdate, ValidatePodStatusUpdate,
 * ValidatePodEphemeralContainersUpdate) and the pods/binding request (ValidatePodBinding).
 */
import type { Binding, Container, ContainerStatus, Pod, PodSpec } from 'kubernetes-types/core/v1.js';
import {
  type FieldError,
  FieldPath,
  forbidden,
  invalid,
  notSupported,
  required,
} from '../../../apimachinery/validation/field.js';
import { deepCopy, describeDifferences, semanticEqual } from '../../meta/equality.js';
import { inclusiveRangeError, isIPv6 } from '../../../apimachinery/validation/names.js';
import { validateObjectMetaUpdate } from '../../meta/validation.js';
import {
  isRestartableInitContainer,
  validateImmutableField,
  validateNameWith,
  validateNodeName,
  validateQualifiedName,
} from './common.js';
import { validateIP } from './dns.js';
import { MIRROR_POD_ANNOTATION, validatePodSpecificAnnotationUpdates } from './pod-annotations.js';
import { validatePodMetadataAndSpec } from './pod.js';
import { validateOnlyAddedTolerations } from './scheduling.js';

const MAX_INT32 = 2147483647;

export const UPDATABLE_POD_SPEC_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

const diffText = (oldValue: unknown, newValue: unknown, typeName: string): string =>
  `  ${typeName}{\n${describeDifferences(oldValue, newValue)
    .map((d) => `  \t${d}\n`)
    .join('')}  }\n`;

function validateContainerUpdates(
  next: Container[] | undefined,
  old: Container[] | undefined,
  path: FieldPath,
) {
  const n = next ?? [];
  if (n.length !== (old ?? []).length) {
    return { errors: [forbidden(path, 'pod updates may not add or remove containers')], stop: true };
  }
  const errors: FieldError[] = [];
  n.forEach((c, i) => {
    if (!c.image) errors.push(required(path.index(i).child('image')));
    if (c.image && c.image.trim() !== c.image) {
      errors.push(
        invalid(path.index(i).child('image'), c.image, 'must not have leading or trailing whitespace'),
      );
    }
  });
  return { errors, stop: false };
}

/** ValidatePodUpdate: a pod's spec is immutable but for the fields listed in the message. */
export function validatePodUpdate(next: Pod, old: Pod): FieldError[] {
  const metaPath = FieldPath.root('metadata');
  const specPath = FieldPath.root('spec');
  const errs = validateObjectMetaUpdate(next.metadata, old.metadata, metaPath);
  errs.push(...validatePodMetadataAndSpec(next));
  errs.push(...validatePodSpecificAnnotationUpdates(next, old, metaPath.child('annotations')));
  const ns: PodSpec = next.spec ?? { containers: [] };
  const os: PodSpec = old.spec ?? { containers: [] };
  for (const kind of ['containers', 'initContainers'] as const) {
    const r = validateContainerUpdates(ns[kind], os[kind], specPath.child(kind));
    errs.push(...r.errors);
    if (r.stop) return errs;
  }
  const adsPath = specPath.child('activeDeadlineSeconds');
  if (ns.activeDeadlineSeconds !== undefined) {
    const ads = ns.activeDeadlineSeconds;
    if (ads < 0 || ads > MAX_INT32)
      return [...errs, invalid(adsPath, ads, inclusiveRangeError(0, MAX_INT32))];
    if (os.activeDeadlineSeconds !== undefined && os.activeDeadlineSeconds < ads) {
      return [...errs, invalid(adsPath, ads, 'must be less than or equal to previous value')];
    }
  } else if (os.activeDeadlineSeconds !== undefined) {
    errs.push(invalid(adsPath, null, 'must not update from a positive integer to nil value'));
  }
  errs.push(...validateOnlyAddedTolerations(ns.tolerations, os.tolerations, specPath.child('tolerations')));
  const oldGates = new Set((os.schedulingGates ?? []).map((g) => g.name));
  (ns.schedulingGates ?? []).forEach((g, i) => {
    if (!oldGates.has(g.name)) {
      errs.push(
        forbidden(
          specPath.child('schedulingGates').index(i).child('name'),
          `only deletion is allowed, but found new scheduling gate '${g.name}'`,
        ),
      );
    }
  });
  if (semanticEqual(ns, os)) return errs;

  // The fields that may change are made equal to the old ones, then the specs are compared.
  const munged = deepCopy(ns);
  munged.containers = (munged.containers ?? []).map((c, i) => ({
    ...c,
    image: os.containers?.[i]?.image ?? c.image,
  }));
  if (munged.initContainers) {
    munged.initContainers = munged.initContainers.map((c, i) => ({
      ...c,
      image: os.initContainers?.[i]?.image ?? c.image,
    }));
  }
  munged.activeDeadlineSeconds = os.activeDeadlineSeconds;
  munged.schedulingGates = os.schedulingGates;
  munged.tolerations = os.tolerations;
  if ((os.terminationGracePeriodSeconds ?? 0) < 0 && munged.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = os.terminationGracePeriodSeconds;
  }
  // A pod still gated from scheduling may gain nodeSelector entries (but not change or drop any).
  if (os.schedulingGates?.length && !semanticEqual(munged.nodeSelector, os.nodeSelector)) {
    const oldSel = os.nodeSelector ?? {};
    if (Object.entries(oldSel).some(([k, v]) => munged.nodeSelector?.[k] !== v)) {
      errs.push(
        invalid(
          specPath.child('nodeSelector'),
          munged.nodeSelector ?? {},
          'only additions to spec.nodeSelector are allowed (no mutations or deletions)',
        ),
      );
    }
    munged.nodeSelector = os.nodeSelector;
  }
  if (!semanticEqual(munged, os)) {
    errs.push(
      forbidden(
        specPath,
        `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(',')}\n${diffText(os, munged, 'core.PodSpec')}`,
      ),
    );
  }
  return errs;
}

const SYSTEM_CONDITIONS = new Set(['PodScheduled', 'Ready', 'Initialized']);

function validateContainerStateTransition(
  next: ContainerStatus[] | undefined,
  old: ContainerStatus[] | undefined,
  path: FieldPath,
  restartPolicy: string | undefined,
  restartable: (name: string) => boolean = () => false,
): FieldError[] {
  if (restartPolicy === 'Always') return [];
  const errs: FieldError[] = [];
  (old ?? []).forEach((o, i) => {
    const term = o.state?.terminated;
    if (!term) return;
    if (term.exitCode !== 0 && restartPolicy === 'OnFailure') return;
    if (restartable(o.name)) return;
    for (const n of next ?? []) {
      if (n.name === o.name && !n.state?.terminated) {
        errs.push(forbidden(path.index(i).child('state'), 'may not be transitioned to non-terminated state'));
      }
    }
  });
  return errs;
}

function validateIPList(ips: { ip?: string }[] | undefined, path: FieldPath): FieldError[] {
  const list = ips ?? [];
  const errs = list.flatMap((x, i) => validateIP(x.ip ?? '', path.index(i)));
  if (list.length > 1) {
    const dual = list.length === 2 && isIPv6(list[0]?.ip ?? '') !== isIPv6(list[1]?.ip ?? '');
    if (!dual) errs.push(invalid(path, list, 'may specify no more than one IP for each IP family'));
    const seen = new Set<string>();
    list.forEach((x, i) => {
      if (seen.has(x.ip ?? ''))
        errs.push({ type: 'FieldValueDuplicate', field: String(path.index(i)), value: x, detail: '' });
      seen.add(x.ip ?? '');
    });
  }
  return errs;
}

/** ValidatePodStatusUpdate: what the kubelet (or a controller) may write through pods/status. */
export function validatePodStatusUpdate(next: Pod, old: Pod): FieldError[] {
  const metaPath = FieldPath.root('metadata');
  const statusPath = FieldPath.root('status');
  const errs = validateObjectMetaUpdate(next.metadata, old.metadata, metaPath);
  errs.push(...validatePodSpecificAnnotationUpdates(next, old, metaPath.child('annotations')));
  const status = next.status ?? {};
  (status.conditions ?? []).forEach((c, i) => {
    if (!SYSTEM_CONDITIONS.has(c.type))
      errs.push(...validateQualifiedName(c.type, metaPath.child('conditions').index(i).child('Type')));
  });
  if ((next.spec?.nodeName ?? '') !== (old.spec?.nodeName ?? '')) {
    errs.push(forbidden(statusPath.child('nodeName'), 'may not be changed directly'));
  }
  const nominated = status.nominatedNodeName ?? '';
  if (nominated && nominated !== (old.status?.nominatedNodeName ?? '')) {
    errs.push(...validateNameWith(validateNodeName, nominated, statusPath.child('nominatedNodeName')));
  }
  errs.push(...validateImmutableField(status.qosClass, old.status?.qosClass, statusPath.child('qosClass')));
  const policy = old.spec?.restartPolicy;
  const inits = old.spec?.initContainers ?? [];
  errs.push(
    ...validateContainerStateTransition(
      status.containerStatuses,
      old.status?.containerStatuses,
      statusPath.child('containerStatuses'),
      policy,
    ),
  );
  errs.push(
    ...validateContainerStateTransition(
      status.initContainerStatuses,
      old.status?.initContainerStatuses,
      statusPath.child('initContainerStatuses'),
      policy,
      (name) => isRestartableInitContainer(inits.find((c) => c.name === name)),
    ),
  );
  errs.push(
    ...validateContainerStateTransition(
      status.ephemeralContainerStatuses,
      old.status?.ephemeralContainerStatuses,
      statusPath.child('ephemeralContainerStatuses'),
      'Never',
    ),
  );
  errs.push(...validateIPList(status.podIPs, statusPath.child('podIPs')));
  if (status.hostIPs?.length) {
    if (status.hostIP !== status.hostIPs[0]?.ip) {
      errs.push(
        invalid(
          statusPath.child('hostIPs').index(0).child('ip'),
          status.hostIPs[0]?.ip ?? '',
          'must be equal to `hostIP`',
        ),
      );
    }
    errs.push(...validateIPList(status.hostIPs, statusPath.child('hostIPs')));
  }
  return errs;
}

/** ValidatePodEphemeralContainersUpdate: ephemeral containers may only be added. */
export function validatePodEphemeralContainersUpdate(next: Pod, old: Pod): FieldError[] {
  const metaPath = FieldPath.root('metadata');
  const errs = validateObjectMetaUpdate(next.metadata, old.metadata, metaPath);
  errs.push(...validatePodMetadataAndSpec(next));
  errs.push(...validatePodSpecificAnnotationUpdates(next, old, metaPath.child('annotations')));
  if (old.metadata?.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) {
    return [forbidden('', 'static pods do not support ephemeral containers')];
  }
  const path = FieldPath.root('spec').child('ephemeralContainers');
  const byName = new Map((next.spec?.ephemeralContainers ?? []).map((c) => [c.name, c]));
  for (const o of old.spec?.ephemeralContainers ?? []) {
    const n = byName.get(o.name);
    if (!n)
      errs.push(
        forbidden(path, `existing ephemeral containers ${JSON.stringify(o.name)} may not be removed\n`),
      );
    else if (!semanticEqual(o, n)) {
      errs.push(
        forbidden(
          path,
          `existing ephemeral containers ${JSON.stringify(o.name)} may not be changed\n${diffText(o, n, 'core.EphemeralContainer')}`,
        ),
      );
    }
  }
  return errs;
}

/** ValidatePodBinding: the target must name a Node. */
export function validatePodBinding(binding: Binding): FieldError[] {
  const errs: FieldError[] = [];
  const target = binding.target ?? {};
  if (target.kind && target.kind !== 'Node')
    errs.push(notSupported('target.kind', target.kind, ['Node', '<empty>']));
  if (!target.name) errs.push(required('target.name'));
  return errs;
}
