/**
 * Syntax checks for label keys and values, the rules upstream's `validation.IsQualifiedName`
 * and `validation.IsValidLabelValue` enforce: a key is an optional DNS-1123 subdomain prefix and
 * `/`, then a name of at most 63 characters; a value is empty or a name of at most 63 characters.
 */
import { type FieldError, type FieldPath, invalid } from '../validation/field.js';

const NAME_MAX = 63;
const PREFIX_MAX = 253;
const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const NAME_RULE =
  "may contain only letters, digits, '-', '_' and '.', and must begin and end with a letter or digit " +
  "(e.g. 'MyName', 'my.name', '123-abc')";

/** Problems with `value` as a qualified name (`example.com/name` or `name`); empty when valid. */
export function qualifiedNameErrors(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0] ?? '';
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    name = parts[1] ?? '';
    if (prefix === '') errs.push('prefix part must be non-empty');
    else if (prefix.length > PREFIX_MAX)
      errs.push(`prefix part must be no more than ${PREFIX_MAX} characters`);
    else if (!SUBDOMAIN.test(prefix)) {
      errs.push(
        "prefix part must be a lowercase RFC 1123 subdomain: lowercase letters, digits, '-' and '.', " +
          "beginning and ending with a letter or digit (e.g. 'example.com')",
      );
    }
  } else {
    return [
      `a qualified name is a name that ${NAME_RULE}, with an optional DNS subdomain prefix and '/' ` +
        "(e.g. 'example.com/MyName')",
    ];
  }
  if (name === '') errs.push('name part must be non-empty');
  else if (name.length > NAME_MAX) errs.push(`name part must be no more than ${NAME_MAX} characters`);
  if (!NAME.test(name)) errs.push(`name part ${NAME_RULE}`);
  return errs;
}

/** Problems with `value` as a label value; empty when valid (the empty string is valid). */
export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > NAME_MAX) errs.push(`must be no more than ${NAME_MAX} characters`);
  if (value !== '' && !NAME.test(value)) {
    errs.push(
      "a valid label value is empty or may contain only letters, digits, '-', '_' and '.', and must " +
        "begin and end with a letter or digit (e.g. 'MyValue', 'my_value', '12345')",
    );
  }
  return errs;
}

export function validateLabelKey(key: string, path: FieldPath | string): FieldError | undefined {
  const errs = qualifiedNameErrors(key);
  return errs.length ? invalid(path, key, errs.join('; ')) : undefined;
}

export function validateLabelValue(value: string, path: FieldPath | string): FieldError | undefined {
  const errs = labelValueErrors(value);
  return errs.length ? invalid(path, value, errs.join('; ')) : undefined;
}

/** Every key and value of a label map (`metadata.labels`, `matchLabels`). */
export function validateLabels(labels: Record<string, string> | undefined, path: FieldPath): FieldError[] {
  const out: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    const keyErr = validateLabelKey(k, path);
    if (keyErr) out.push(keyErr);
    const valueErr = validateLabelValue(v, path);
    if (valueErr) out.push(valueErr);
  }
  return out;
}
