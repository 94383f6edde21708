/**
 * Pieces every apps/v1 workload validation shares: the required, non-empty label selector (which
 * must parse before the template can be checked against it) and IntOrString percentages.
 */
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { type Selector, selectorFromLabelSelector } from '../../../apimachinery/labels/index.js';
import {
  type FieldError,
  type FieldPath,
  invalid,
  required,
} from '../../../apimachinery/validation/field.js';
import { isValidPercent } from '../../../apimachinery/validation/names.js';
import { validateLabelSelector } from '../../meta/label-selector.js';
import { IS_NEGATIVE_ERROR } from '../../meta/validation.js';

export interface SelectorCheck {
  errors: FieldError[];
  /** The parsed selector, when it is valid (the template is checked against it). */
  selector?: Selector;
}

/** `kind` ends upstream's message: `empty selector is invalid for deployment.` */
export function validateWorkloadSelector(
  ls: LabelSelector | undefined,
  emptyMessage: string,
  path: FieldPath,
): SelectorCheck {
  if (!ls) return { errors: [required(path)] };
  const errors = validateLabelSelector(ls, path);
  if (Object.keys(ls.matchLabels ?? {}).length + (ls.matchExpressions ?? []).length === 0) {
    errors.push(invalid(path, ls, emptyMessage));
  }
  try {
    return { errors, selector: selectorFromLabelSelector(ls) };
  } catch {
    errors.push(invalid(path, ls, 'invalid label selector'));
    return { errors };
  }
}

/** ValidatePositiveIntOrPercent. */
export function validatePositiveIntOrPercent(
  value: number | string | undefined,
  path: FieldPath,
): FieldError[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return isValidPercent(value).map((msg) => invalid(path, value, msg));
  return value < 0 ? [invalid(path, value, IS_NEGATIVE_ERROR)] : [];
}

/** The number a percentage or integer stands for, before scaling (`25%` → 25). */
export const intOrPercentValue = (value: number | string | undefined): number =>
  typeof value === 'string' ? Number.parseInt(value, 10) || 0 : (value ?? 0);

export function isNotMoreThan100Percent(value: number | string | undefined, path: FieldPath): FieldError[] {
  if (typeof value !== 'string' || !value.endsWith('%') || intOrPercentValue(value) <= 100) return [];
  return [invalid(path, value, 'must not be greater than 100%')];
}
