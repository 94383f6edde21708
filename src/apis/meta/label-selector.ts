/**
 * Label selectors (meta/v1 `ValidateLabelSelector`): matchLabels as labels, and each
 * requirement's operator, key and values.
 */
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import {
  type FieldError,
  type FieldPath,
  forbidden,
  invalid,
  required,
} from '../../apimachinery/validation/field.js';
import { isValidLabelValue } from '../../apimachinery/validation/names.js';
import { validateLabelName, validateLabels } from './validation.js';

export interface LabelSelectorOptions {
  allowInvalidLabelValueInSelector?: boolean;
}

export function validateLabelSelector(
  selector: LabelSelector | undefined,
  path: FieldPath,
  opts: LabelSelectorOptions = {},
): FieldError[] {
  if (!selector) return [];
  const errs = validateLabels(selector.matchLabels, path.child('matchLabels'));
  (selector.matchExpressions ?? []).forEach((expr, i) => {
    const p = path.child('matchExpressions').index(i);
    const values = expr.values ?? [];
    switch (expr.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0)
          errs.push(required(p.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) {
          errs.push(
            forbidden(
              p.child('values'),
              "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            ),
          );
        }
        break;
      default:
        errs.push(invalid(p.child('operator'), expr.operator, 'not a valid selector operator'));
    }
    errs.push(...validateLabelName(expr.key ?? '', p.child('key')));
    if (!opts.allowInvalidLabelValueInSelector) {
      values.forEach((v, j) => {
        for (const msg of isValidLabelValue(v)) errs.push(invalid(p.child('values').index(j), v, msg));
      });
    }
  });
  return errs;
}
