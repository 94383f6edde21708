/**
 * Pod validation on create (upstream's ValidatePodCreate → validatePodMetadataAndSpec →
 * ValidatePodSpec), field by field in upstream's order so the reported list reads the same.
 */
import type { Pod, PodResourceClaim, PodSpec } from 'kubernetes-types/core/v1.js';
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import {
  type FieldError,
  FieldPath,
  duplicate,
  forbidden,
  invalid,
  notSupported,
  required,
} from '../../../apimachinery/validation/field.js';
import { inclusiveRangeError } from '../../../apimachinery/validation/names.js';
import { validateObjectMeta } from '../../meta/validation.js';
import {
  validateDNS1123Label,
  validateLabels,
  validateNameWith,
  validateNodeName,
  validatePodName,
  validatePriorityClassName,
  validateQualifiedName,
  validateServiceAccountName,
} from './common.js';
import {
  validateContainerOnlyForPod,
  validateContainers,
  validateEphemeralContainers,
  validateInitContainers,
} from './container.js';
import { validateDNSPolicy, validateHostAliases, validatePodDNSConfig } from './dns.js';
import { validatePodSpecificAnnotations } from './pod-annotations.js';
import { validateOS } from './os.js';
import {
  parseQuantityField,
  validateContainerResourceName,
  validateResourceQuantityValue,
} from './resources.js';
import { validateAffinity, validateTolerations } from './scheduling.js';
import { validateHostUsers, validatePodSecurityContext } from './security-context.js';
import { validateTopologySpreadConstraints } from './topology-spread.js';
import { validateVolumes } from './volumes.js';

const MAX_INT32 = 2147483647;
const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];

function validateRestartPolicy(policy: string | undefined, path: FieldPath): FieldError[] {
  if (!policy) return [required(path)];
  return RESTART_POLICIES.includes(policy) ? [] : [notSupported(path, policy, RESTART_POLICIES)];
}

function validateResourceClaims(claims: PodResourceClaim[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (claims ?? []).forEach((claim, i) => {
    const p = path.index(i);
    if (!claim.name) errs.push(required(p.child('name')));
    else if (names.has(claim.name)) errs.push(duplicate(p.child('name'), claim.name));
    else {
      errs.push(...validateDNS1123Label(claim.name, p.child('name')));
      names.add(claim.name);
    }
    const src = claim.source ?? {};
    if (src.resourceClaimName !== undefined && src.resourceClaimTemplateName !== undefined) {
      errs.push(
        invalid(
          p.child('source'),
          src,
          'at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified',
        ),
      );
    }
    if (src.resourceClaimName === undefined && src.resourceClaimTemplateName === undefined) {
      errs.push(
        invalid(
          p.child('source'),
          src,
          'must specify one of: `resourceClaimName`, `resourceClaimTemplateName`',
        ),
      );
    }
  });
  return errs;
}

/** ValidatePodSpec: everything about a pod's spec, whether in a Pod or (later) a template. */
export function validatePodSpec(spec: PodSpec, meta: ObjectMeta | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.terminationGracePeriodSeconds === undefined)
    errs.push(required(path.child('terminationGracePeriodSeconds')));
  const gracePeriod = spec.terminationGracePeriodSeconds;
  const hostUsers = spec.hostUsers !== false;
  const vols = validateVolumes(spec.volumes, meta, path.child('volumes'));
  errs.push(...vols.errors);
  const podClaimNames = new Set((spec.resourceClaims ?? []).map((c) => c.name).filter(Boolean));
  errs.push(...validateResourceClaims(spec.resourceClaims, path.child('resourceClaims')));
  const ctx = {
    volumes: vols.volumes,
    podClaimNames,
    gracePeriod,
    restartPolicy: spec.restartPolicy,
    hostUsers,
  };
  errs.push(...validateContainers(spec.containers, ctx, path.child('containers')));
  errs.push(
    ...validateInitContainers(spec.initContainers, spec.containers, ctx, path.child('initContainers')),
  );
  errs.push(
    ...validateEphemeralContainers(
      spec.ephemeralContainers,
      spec.containers,
      spec.initContainers,
      ctx,
      path.child('ephemeralContainers'),
    ),
  );
  if (spec.hostNetwork) {
    (spec.containers ?? []).forEach((c, i) =>
      (c.ports ?? []).forEach((port, j) => {
        if ((port.hostPort ?? 0) !== port.containerPort) {
          const p = path.child('containers').index(i).child('ports').index(j).child('hostPort');
          errs.push(invalid(p, port.hostPort ?? 0, 'must match `containerPort` when `hostNetwork` is true'));
        }
      }),
    );
  }
  errs.push(...validateRestartPolicy(spec.restartPolicy, path.child('restartPolicy')));
  errs.push(...validateDNSPolicy(spec.dnsPolicy, path.child('dnsPolicy')));
  errs.push(...validateLabels(spec.nodeSelector, path.child('nodeSelector')));
  errs.push(...validatePodSecurityContext(spec.securityContext, spec, path.child('securityContext')));
  (spec.imagePullSecrets ?? []).forEach((s, i) => {
    if (Object.keys(s).some((k) => k !== 'name'))
      errs.push(invalid(path.child('imagePullSecrets').index(i), s, 'only name may be set'));
  });
  errs.push(...validateAffinity(spec.affinity, path.child('affinity')));
  errs.push(...validatePodDNSConfig(spec.dnsConfig, spec.dnsPolicy, path.child('dnsConfig')));
  (spec.readinessGates ?? []).forEach((g, i) =>
    errs.push(
      ...validateQualifiedName(
        g.conditionType ?? '',
        path.child('readinessGates').index(i).child('conditionType'),
      ),
    ),
  );
  const gates = new Set<string>();
  (spec.schedulingGates ?? []).forEach((g, i) => {
    const p = path.child('schedulingGates').index(i);
    errs.push(...validateQualifiedName(g.name ?? '', p));
    if (gates.has(g.name)) errs.push(duplicate(p, g.name));
    gates.add(g.name);
  });
  errs.push(
    ...validateTopologySpreadConstraints(
      spec.topologySpreadConstraints,
      path.child('topologySpreadConstraints'),
    ),
  );
  errs.push(...validateHostUsers(spec, path));
  if (spec.serviceAccountName) {
    errs.push(
      ...validateNameWith(
        validateServiceAccountName,
        spec.serviceAccountName,
        path.child('serviceAccountName'),
      ),
    );
  }
  if (spec.nodeName) errs.push(...validateNameWith(validateNodeName, spec.nodeName, path.child('nodeName')));
  const ads = spec.activeDeadlineSeconds;
  if (ads !== undefined && (ads < 1 || ads > MAX_INT32)) {
    errs.push(invalid(path.child('activeDeadlineSeconds'), ads, inclusiveRangeError(1, MAX_INT32)));
  }
  if (spec.hostname) errs.push(...validateDNS1123Label(spec.hostname, path.child('hostname')));
  if (spec.subdomain) errs.push(...validateDNS1123Label(spec.subdomain, path.child('subdomain')));
  errs.push(...validateTolerations(spec.tolerations, path.child('tolerations')));
  errs.push(...validateHostAliases(spec.hostAliases, path.child('hostAliases')));
  if (spec.priorityClassName) {
    errs.push(
      ...validateNameWith(validatePriorityClassName, spec.priorityClassName, path.child('priorityClassName')),
    );
  }
  if (spec.runtimeClassName !== undefined) {
    errs.push(...validateNameWith(validatePodName, spec.runtimeClassName, path.child('runtimeClassName')));
  }
  if (spec.preemptionPolicy !== undefined) {
    const pp = spec.preemptionPolicy;
    if (!pp) errs.push(required(path.child('preemptionPolicy')));
    else if (pp !== 'PreemptLowerPriority' && pp !== 'Never') {
      errs.push(notSupported(path.child('preemptionPolicy'), pp, ['PreemptLowerPriority', 'Never']));
    }
  }
  for (const [name, raw] of Object.entries(spec.overhead ?? {})) {
    const p = path.child('overhead').key(name);
    errs.push(...validateContainerResourceName(name, p));
    const { q, errors } = parseQuantityField(raw, p);
    errs.push(...errors, ...(q ? validateResourceQuantityValue(name, q, p) : []));
  }
  errs.push(...validateOS(spec, path));
  return errs;
}

/** validatePodMetadataAndSpec: shared by create and update. */
export function validatePodMetadataAndSpec(pod: Pod): FieldError[] {
  const metaPath = FieldPath.root('metadata');
  const specPath = FieldPath.root('spec');
  const spec = pod.spec ?? { containers: [] };
  const errs = validateObjectMeta(pod.metadata, { namespaced: true, nameFn: validatePodName }, metaPath);
  errs.push(
    ...validatePodSpecificAnnotations(pod.metadata?.annotations, spec, metaPath.child('annotations')),
  );
  errs.push(...validatePodSpec(spec, pod.metadata, specPath));
  if (!spec.serviceAccountName) {
    (spec.volumes ?? []).forEach((v, vi) =>
      (v.projected?.sources ?? []).forEach((s, si) => {
        if (!s.serviceAccountToken) return;
        const p = specPath
          .child('volumes')
          .index(vi)
          .child('projected', 'sources')
          .index(si)
          .child('serviceAccountToken');
        errs.push(forbidden(p, 'must not be specified when serviceAccountName is not set'));
      }),
    );
  }
  (spec.containers ?? []).forEach((c, i) =>
    errs.push(...validateContainerOnlyForPod(c, specPath.child('containers').index(i))),
  );
  (spec.initContainers ?? []).forEach((c, i) =>
    errs.push(...validateContainerOnlyForPod(c, specPath.child('initContainers').index(i))),
  );
  return errs;
}

/** ValidatePodCreate. */
export function validatePodCreate(pod: Pod): FieldError[] {
  const errs = validatePodMetadataAndSpec(pod);
  const spec = pod.spec;
  const specPath = FieldPath.root('spec');
  if (spec?.ephemeralContainers?.length)
    errs.push(forbidden(specPath.child('ephemeralContainers'), 'cannot be set on create'));
  if (spec?.nodeName && spec.schedulingGates?.length) {
    errs.push(
      forbidden(specPath.child('nodeName'), 'cannot be set until all schedulingGates have been cleared'),
    );
  }
  return errs;
}
