/**
 * Scheduling constraints: node and pod (anti-)affinity, tolerations, node taints, and the
 * node-selector requirements they share.
 */
import { validateLabelSelector } from '../../meta/label-selector.js';
import type {
  Affinity,
  NodeSelector,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  PodAffinityTerm,
  Taint,
  Toleration,
  WeightedPodAffinityTerm,
} from 'kubernetes-types/core/v1.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import {
  type FieldError,
  type FieldPath,
  duplicate,
  forbidden,
  invalid,
  notSupported,
  required,
} from '../../../apimachinery/validation/field.js';
import { isValidLabelValue } from '../../../apimachinery/validation/names.js';
import { semanticEqual } from '../../meta/equality.js';

import { validateLabelName, validateNameWith, validateNamespaceName, validateNodeName } from './common.js';

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

export function validateTaintEffect(
  effect: string | undefined,
  allowEmpty: boolean,
  path: FieldPath,
): FieldError[] {
  if (!allowEmpty && !effect) return [required(path)];
  return TAINT_EFFECTS.includes(effect ?? '') ? [] : [notSupported(path, effect ?? '', TAINT_EFFECTS)];
}

export function validateTolerations(tolerations: Toleration[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (tolerations ?? []).forEach((t, i) => {
    const p = path.index(i);
    if (t.key) errs.push(...validateLabelName(t.key, p.child('key')));
    if (!t.key && t.operator !== 'Exists') {
      errs.push(
        invalid(
          p.child('operator'),
          t.operator ?? '',
          'operator must be Exists when `key` is empty, which means "match all values and all keys"',
        ),
      );
    }
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') {
      errs.push(
        invalid(
          p.child('effect'),
          t.effect ?? '',
          "effect must be 'NoExecute' when `tolerationSeconds` is set",
        ),
      );
    }
    switch (t.operator ?? '') {
      case 'Equal':
      case '': {
        const msgs = isValidLabelValue(t.value ?? '');
        if (msgs.length) errs.push(invalid(p.child('operator'), t.value ?? '', msgs.join(';')));
        break;
      }
      case 'Exists':
        if (t.value)
          errs.push(invalid(p.child('operator'), t.value, "value must be empty when `operator` is 'Exists'"));
        break;
      default:
        errs.push(notSupported(p.child('operator'), t.operator, ['Equal', 'Exists']));
    }
    if (t.effect) errs.push(...validateTaintEffect(t.effect, true, p.child('effect')));
  });
  return errs;
}

/** On update: existing tolerations may only change their tolerationSeconds; new ones may be added. */
export function validateOnlyAddedTolerations(
  next: Toleration[] | undefined,
  old: Toleration[] | undefined,
  path: FieldPath,
): FieldError[] {
  for (const o of old ?? []) {
    const found = (next ?? []).some((n) =>
      semanticEqual({ ...o, tolerationSeconds: n.tolerationSeconds }, n),
    );
    if (!found)
      return [forbidden(path, 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return validateTolerations(next, path);
}

export function validateNodeTaints(taints: Taint[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (taints ?? []).forEach((t, i) => {
    const p = path.index(i);
    errs.push(...validateLabelName(t.key ?? '', p.child('key')));
    const msgs = isValidLabelValue(t.value ?? '');
    if (msgs.length) errs.push(invalid(p.child('value'), t.value ?? '', msgs.join(';')));
    errs.push(...validateTaintEffect(t.effect, false, p.child('effect')));
    const key = `${t.effect}\u0000${t.key}`;
    if (seen.has(key)) {
      errs.push({ ...duplicate(p, t), detail: 'taints must be unique by key and effect pair' });
      return;
    }
    seen.add(key);
  });
  return errs;
}

function validateNodeSelectorRequirement(
  rq: NodeSelectorRequirement,
  checkValues: boolean,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  const values = rq.values ?? [];
  switch (rq.operator) {
    case 'In':
    case 'NotIn':
      if (!values.length)
        errs.push(required(path.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length) {
        errs.push(
          forbidden(
            path.child('values'),
            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
          ),
        );
      }
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) {
        errs.push(
          required(path.child('values'), "must be specified single value when `operator` is 'Lt' or 'Gt'"),
        );
      }
      break;
    default:
      errs.push(invalid(path.child('operator'), rq.operator, 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(rq.key ?? '', path.child('key')));
  if (checkValues) {
    values.forEach((v, i) =>
      errs.push(...isValidLabelValue(v).map((msg) => invalid(path.child('values').index(i), v, msg))),
    );
  }
  return errs;
}

function validateNodeFieldSelectorRequirement(rq: NodeSelectorRequirement, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (rq.operator === 'In' || rq.operator === 'NotIn') {
    if ((rq.values ?? []).length !== 1) {
      errs.push(
        required(
          path.child('values'),
          "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
        ),
      );
    }
  } else {
    errs.push(invalid(path.child('operator'), rq.operator, 'not a valid selector operator'));
  }
  if (rq.key !== 'metadata.name')
    errs.push(invalid(path.child('key'), rq.key, 'not a valid field selector key'));
  else
    (rq.values ?? []).forEach((v, i) =>
      errs.push(...validateNameWith(validateNodeName, v, path.child('values').index(i))),
    );
  return errs;
}

function validateNodeSelectorTerm(
  term: NodeSelectorTerm,
  checkValues: boolean,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  (term.matchExpressions ?? []).forEach((r, j) =>
    errs.push(...validateNodeSelectorRequirement(r, checkValues, path.child('matchExpressions').index(j))),
  );
  (term.matchFields ?? []).forEach((r, j) =>
    errs.push(...validateNodeFieldSelectorRequirement(r, path.child('matchFields').index(j))),
  );
  return errs;
}

export function validateNodeSelector(selector: NodeSelector, path: FieldPath): FieldError[] {
  const termsPath = path.child('nodeSelectorTerms');
  if (!selector.nodeSelectorTerms?.length)
    return [required(termsPath, 'must have at least one node selector term')];
  return selector.nodeSelectorTerms.flatMap((t, i) => validateNodeSelectorTerm(t, true, termsPath.index(i)));
}

function validateLabelKeys(
  path: FieldPath,
  keys: string[] | undefined,
  selector: LabelSelector | undefined,
): FieldError[] {
  if (!keys?.length) return [];
  if (!selector) return [forbidden(path, 'must not be specified when labelSelector is not set')];
  return keys.flatMap((k, i) => validateLabelName(k, path.index(i)));
}

function validatePodAffinityTerm(term: PodAffinityTerm, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [
    ...validateLabelSelector(term.labelSelector, path.child('labelSelector')),
    ...validateLabelSelector(term.namespaceSelector, path.child('namespaceSelector')),
  ];
  for (const ns of term.namespaces ?? [])
    errs.push(...validateNameWith(validateNamespaceName, ns, path.child('namespace')));
  errs.push(...validateLabelKeys(path.child('matchLabelKeys'), term.matchLabelKeys, term.labelSelector));
  errs.push(
    ...validateLabelKeys(path.child('mismatchLabelKeys'), term.mismatchLabelKeys, term.labelSelector),
  );
  const mismatch = new Set(term.mismatchLabelKeys ?? []);
  (term.matchLabelKeys ?? []).forEach((k, i) => {
    if (mismatch.has(k))
      errs.push(
        invalid(
          path.child('matchLabelKeys').index(i),
          k,
          'exists in both matchLabelKeys and mismatchLabelKeys',
        ),
      );
  });
  if (!term.topologyKey) errs.push(required(path.child('topologyKey'), 'can not be empty'));
  errs.push(...validateLabelName(term.topologyKey ?? '', path.child('topologyKey')));
  return errs;
}

function validateWeightedTerms(terms: WeightedPodAffinityTerm[] | undefined, path: FieldPath): FieldError[] {
  return (terms ?? []).flatMap((t, j) => {
    const errs: FieldError[] = [];
    if (t.weight <= 0 || t.weight > 100)
      errs.push(invalid(path.index(j).child('weight'), t.weight, 'must be in the range 1-100'));
    return [
      ...errs,
      ...validatePodAffinityTerm(t.podAffinityTerm ?? {}, path.index(j).child('podAffinityTerm')),
    ];
  });
}

export function validateAffinity(affinity: Affinity | undefined, path: FieldPath): FieldError[] {
  if (!affinity) return [];
  const errs: FieldError[] = [];
  const na = affinity.nodeAffinity;
  if (na) {
    const p = path.child('nodeAffinity');
    if (na.requiredDuringSchedulingIgnoredDuringExecution) {
      errs.push(
        ...validateNodeSelector(
          na.requiredDuringSchedulingIgnoredDuringExecution,
          p.child('requiredDuringSchedulingIgnoredDuringExecution'),
        ),
      );
    }
    (na.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) => {
      const tp = p.child('preferredDuringSchedulingIgnoredDuringExecution').index(i);
      if (t.weight <= 0 || t.weight > 100)
        errs.push(invalid(tp.child('weight'), t.weight, 'must be in the range 1-100'));
      errs.push(...validateNodeSelectorTerm(t.preference ?? {}, false, tp.child('preference')));
    });
  }
  for (const kind of ['podAffinity', 'podAntiAffinity'] as const) {
    const a = affinity[kind];
    if (!a) continue;
    const p = path.child(kind);
    (a.requiredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) =>
      errs.push(
        ...validatePodAffinityTerm(t, p.child('requiredDuringSchedulingIgnoredDuringExecution').index(i)),
      ),
    );
    errs.push(
      ...validateWeightedTerms(
        a.preferredDuringSchedulingIgnoredDuringExecution,
        p.child('preferredDuringSchedulingIgnoredDuringExecution'),
      ),
    );
  }
  return errs;
}
