/**
 * policy/v1 PodDisruptionBudgets (upstream's pkg/apis/policy/validation): minAvailable and
 * maxUnavailable are non-negative integers or percentages up to 100% and not both set, the
 * selector is a valid label selector, and unhealthyPodEvictionPolicy a known policy. Names only
 * need to be usable as a path segment, the generic rule upstream applies to PDBs.
 */
import type { PodDisruptionBudget, PodDisruptionBudgetSpec } from 'kubernetes-types/policy/v1.js';
import { type FieldError, FieldPath, invalid, notSupported } from '../../../apimachinery/validation/field.js';
import { isValidPercent } from '../../../apimachinery/validation/names.js';
import { validateLabelSelector } from '../../meta/label-selector.js';
import {
  IS_NEGATIVE_ERROR,
  validateNonnegativeField,
  validateObjectMeta,
  validateObjectMetaUpdate,
  validatePathSegmentName,
} from '../../meta/validation.js';

const EVICTION_POLICIES = ['AlwaysAllow', 'IfHealthyBudget'];

function validateIntOrPercent(value: number | string, path: FieldPath): FieldError[] {
  if (typeof value === 'string') {
    const errs = isValidPercent(value).map((msg) => invalid(path, value, msg));
    if (!errs.length && Number(value.slice(0, -1)) > 100)
      errs.push(invalid(path, value, 'must not be greater than 100%'));
    return errs;
  }
  if (typeof value === 'number') return value < 0 ? [invalid(path, value, IS_NEGATIVE_ERROR)] : [];
  return [invalid(path, value, "must be an integer or percentage (e.g '5%')")];
}

export function validatePodDisruptionBudgetSpec(
  spec: PodDisruptionBudgetSpec | undefined,
  path: FieldPath = FieldPath.root('spec'),
  allowInvalidLabelValueInSelector = false,
): FieldError[] {
  const s = spec ?? {};
  const errs: FieldError[] = [];
  if (s.minAvailable !== undefined && s.maxUnavailable !== undefined) {
    errs.push(invalid(path, s, 'minAvailable and maxUnavailable cannot be both set'));
  }
  if (s.minAvailable !== undefined)
    errs.push(...validateIntOrPercent(s.minAvailable, path.child('minAvailable')));
  if (s.maxUnavailable !== undefined)
    errs.push(...validateIntOrPercent(s.maxUnavailable, path.child('maxUnavailable')));
  errs.push(
    ...validateLabelSelector(s.selector, path.child('selector'), { allowInvalidLabelValueInSelector }),
  );
  const policy = s.unhealthyPodEvictionPolicy;
  if (policy !== undefined && !EVICTION_POLICIES.includes(policy)) {
    errs.push(notSupported(path.child('unhealthyPodEvictionPolicy'), policy, EVICTION_POLICIES));
  }
  return errs;
}

const metaOptions = { namespaced: true, nameFn: validatePathSegmentName, kubeFinalizers: false };

export function validatePodDisruptionBudget(pdb: PodDisruptionBudget): FieldError[] {
  return [...validatePodDisruptionBudgetSpec(pdb.spec), ...validateObjectMeta(pdb.metadata, metaOptions)];
}

/** Selector label values that were already invalid may stay so (upstream's ratcheting). */
export function validatePodDisruptionBudgetUpdate(
  pdb: PodDisruptionBudget,
  old: PodDisruptionBudget,
): FieldError[] {
  const oldInvalid =
    validateLabelSelector(old.spec?.selector, FieldPath.root('spec').child('selector')).length > 0;
  return [
    ...validatePodDisruptionBudgetSpec(pdb.spec, FieldPath.root('spec'), oldInvalid),
    ...validateObjectMetaUpdate(pdb.metadata, old.metadata, undefined, false),
  ];
}

export function validatePodDisruptionBudgetStatusUpdate(
  pdb: PodDisruptionBudget,
  old: PodDisruptionBudget,
): FieldError[] {
  const path = FieldPath.root('status');
  const st = pdb.status;
  const errs = validateObjectMetaUpdate(pdb.metadata, old.metadata, undefined, false);
  (st?.conditions ?? []).forEach((c, i) => {
    const p = path.child('conditions').index(i);
    if (!['True', 'False', 'Unknown'].includes(c.status))
      errs.push(notSupported(p.child('status'), c.status, ['False', 'True', 'Unknown']));
  });
  for (const f of ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods'] as const) {
    errs.push(...validateNonnegativeField(st?.[f], path.child(f)));
  }
  return errs;
}
