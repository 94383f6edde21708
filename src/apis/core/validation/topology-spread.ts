/**
 * Pod topology spread constraints, as upstream's validateTopologySpreadConstraints: positive
 * maxSkew, a topologyKey, a known whenUnsatisfiable, minDomains only with DoNotSchedule, unique
 * {topologyKey, whenUnsatisfiable} pairs, node inclusion policies, and matchLabelKeys.
 */
import { validateLabelSelector } from '../../meta/label-selector.js';
import type { TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import {
  type FieldError,
  type FieldPath,
  duplicate,
  forbidden,
  invalid,
  notSupported,
  required,
} from '../../../apimachinery/validation/field.js';

import { IS_NOT_POSITIVE, validateLabelName } from './common.js';

const ACTIONS = ['DoNotSchedule', 'ScheduleAnyway'];
const NODE_POLICIES = ['Honor', 'Ignore'];

export function validateTopologySpreadConstraints(
  constraints: TopologySpreadConstraint[] | undefined,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  const list = constraints ?? [];
  list.forEach((c, i) => {
    const p = path.index(i);
    if ((c.maxSkew ?? 0) <= 0) errs.push(invalid(p.child('maxSkew'), c.maxSkew ?? 0, IS_NOT_POSITIVE));
    if (!c.topologyKey) errs.push(required(p.child('topologyKey'), 'can not be empty'));
    if (!ACTIONS.includes(c.whenUnsatisfiable ?? '')) {
      errs.push(notSupported(p.child('whenUnsatisfiable'), c.whenUnsatisfiable ?? '', ACTIONS));
    }
    // The pair names one kind of constraint: the first of two repeats is reported.
    if (
      list
        .slice(i + 1)
        .some((o) => o.topologyKey === c.topologyKey && o.whenUnsatisfiable === c.whenUnsatisfiable)
    ) {
      errs.push(
        duplicate(
          p.child('{topologyKey, whenUnsatisfiable}'),
          `{${c.topologyKey ?? ''}, ${c.whenUnsatisfiable ?? ''}}`,
        ),
      );
    }
    if (c.minDomains !== undefined) {
      const mp = p.child('minDomains');
      if (c.minDomains <= 0) errs.push(invalid(mp, c.minDomains, IS_NOT_POSITIVE));
      if (c.whenUnsatisfiable !== 'DoNotSchedule') {
        errs.push(
          invalid(
            mp,
            c.minDomains,
            `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${c.whenUnsatisfiable ?? ''}`,
          ),
        );
      }
    }
    for (const f of ['nodeAffinityPolicy', 'nodeTaintsPolicy'] as const) {
      const v = c[f];
      if (v !== undefined && !NODE_POLICIES.includes(v))
        errs.push(notSupported(p.child(f), v, NODE_POLICIES));
    }
    errs.push(...validateMatchLabelKeys(c, p.child('matchLabelKeys')));
    errs.push(...validateLabelSelector(c.labelSelector, p.child('labelSelector')));
  });
  return errs;
}

function validateMatchLabelKeys(c: TopologySpreadConstraint, path: FieldPath): FieldError[] {
  const keys = c.matchLabelKeys ?? [];
  if (!keys.length) return [];
  const errs: FieldError[] = [];
  const selectorKeys = new Set<string>();
  if (c.labelSelector) {
    for (const k of Object.keys(c.labelSelector.matchLabels ?? {})) selectorKeys.add(k);
    for (const e of c.labelSelector.matchExpressions ?? []) selectorKeys.add(e.key);
  } else {
    errs.push(forbidden(path, 'must not be specified when labelSelector is not set'));
  }
  keys.forEach((k, i) => {
    errs.push(...validateLabelName(k, path.index(i)));
    if (selectorKeys.has(k))
      errs.push(invalid(path.index(i), k, 'exists in both matchLabelKeys and labelSelector'));
  });
  return errs;
}
