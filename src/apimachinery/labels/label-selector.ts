/**
 * `metav1.LabelSelector` objects (`spec.selector` of workloads, PodDisruptionBudgets, …) as
 * selectors. A local structural type stands in for the API type.
 *
 * Upstream's nil/empty distinction is kept: an absent (null/undefined) selector selects
 * NOTHING, while an empty object `{}` selects EVERYTHING.
 */
import { badRequest } from '../errors.js';
import { type Operator, newRequirement } from './requirement.js';
import { type Selector, everythingSelector, nothingSelector, selectorFromRequirements } from './selector.js';

export interface LabelSelectorRequirement {
  key: string;
  /** `In`, `NotIn`, `Exists` or `DoesNotExist`. */
  operator: string;
  values?: string[] | null;
}

export interface LabelSelector {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: LabelSelectorRequirement[] | null;
}

const OPERATORS: Readonly<Record<string, Operator>> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
};

/**
 * The selector a LabelSelector stands for: `nothing` for null/undefined, `everything` for one
 * without matchLabels and matchExpressions. A 400 BadRequest for an unknown operator, In/NotIn
 * without values, Exists/DoesNotExist with values, or an invalid key or value.
 */
export function selectorFromLabelSelector(ls: LabelSelector | null | undefined): Selector {
  if (ls === null || ls === undefined) return nothingSelector();
  const labels = Object.entries(ls.matchLabels ?? {});
  const exprs = ls.matchExpressions ?? [];
  if (labels.length + exprs.length === 0) return everythingSelector();
  const reqs = labels.map(([k, v]) => newRequirement(k, '=', [v]));
  for (const e of exprs) {
    const op = Object.hasOwn(OPERATORS, e.operator) ? OPERATORS[e.operator] : undefined;
    if (!op) throw badRequest(`${JSON.stringify(e.operator)} is not a valid label selector operator`);
    reqs.push(newRequirement(e.key, op, e.values ?? []));
  }
  return selectorFromRequirements(reqs);
}

/** How `kubectl get -o wide` shows a selector: its string form, `<none>` if empty, `<error>` if invalid. */
export function formatLabelSelector(ls: LabelSelector | null | undefined): string {
  try {
    return selectorFromLabelSelector(ls).toString() || '<none>';
  } catch {
    return '<error>';
  }
}
