/**
 * Label keys and values in field errors: a key is a qualified name (`example.com/name` or
 * `name`), a value is empty or a name of at most 63 characters (the checks live in
 * `validation/names.ts`).
 */
import { isQualifiedName, isValidLabelValue } from '../validation/names.js';
import { type FieldError, type FieldPath, invalid } from '../validation/field.js';

export function validateLabelKey(key: string, path: FieldPath | string): FieldError | undefined {
  const errs = isQualifiedName(key);
  return errs.length ? invalid(path, key, errs.join('; ')) : undefined;
}

export function validateLabelValue(value: string, path: FieldPath | string): FieldError | undefined {
  const errs = isValidLabelValue(value);
  return errs.length ? invalid(path, value, errs.join('; ')) : undefined;
}
