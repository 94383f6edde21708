/**
 * One term of a label selector (`tier in (fe,be)`), like upstream's `labels.Requirement`, with
 * the operators of `selection.Operator`. Construction validates the key, the values and their
 * number for the operator; `matches` evaluates the term against a label set.
 */
import { badRequest } from '../errors.js';
import { type FieldError, fieldErrorMessage, invalid } from '../validation/field.js';
import { validateLabelKey, validateLabelValue } from './validation.js';

export type Operator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export type Labels = Readonly<Record<string, string>>;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A base-10 64-bit integer, as Go's `strconv.ParseInt(s, 10, 64)` reads it; undefined otherwise. */
export function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

const has = (labels: Labels | undefined, key: string): labels is Labels =>
  labels !== undefined && Object.hasOwn(labels, key);

export class Requirement {
  constructor(
    readonly key: string,
    readonly operator: Operator,
    readonly values: readonly string[],
  ) {}

  matches(labels: Labels | undefined): boolean {
    switch (this.operator) {
      case '=':
      case '==':
      case 'in':
        return has(labels, this.key) && this.values.includes(labels[this.key] ?? '');
      case '!=':
      case 'notin':
        return !has(labels, this.key) || !this.values.includes(labels[this.key] ?? '');
      case 'exists':
        return has(labels, this.key);
      case '!':
        return !has(labels, this.key);
      case 'gt':
      case 'lt': {
        if (!has(labels, this.key) || this.values.length !== 1) return false;
        const actual = parseInt64(labels[this.key] ?? '');
        const bound = parseInt64(this.values[0] ?? '');
        if (actual === undefined || bound === undefined) return false;
        return this.operator === 'gt' ? actual > bound : actual < bound;
      }
    }
  }

  /** The string form, values sorted: `!a`, `a`, `a=b`, `a in (x,y)`, `a>5`. */
  toString(): string {
    const values = this.values.length === 1 ? (this.values[0] ?? '') : [...this.values].sort().join(',');
    switch (this.operator) {
      case 'exists':
        return this.key;
      case '!':
        return `!${this.key}`;
      case 'in':
      case 'notin':
        return `${this.key} ${this.operator} (${values})`;
      case 'gt':
        return `${this.key}>${values}`;
      case 'lt':
        return `${this.key}<${values}`;
      default:
        return `${this.key}${this.operator}${values}`;
    }
  }
}

/** What is wrong with a requirement built from these parts (upstream's `NewRequirement` checks). */
export function requirementErrors(key: string, operator: Operator, values: readonly string[]): FieldError[] {
  const errs: FieldError[] = [];
  const keyErr = validateLabelKey(key, 'key');
  if (keyErr) errs.push(keyErr);
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0)
        errs.push(invalid('values', values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1)
        errs.push(invalid('values', values, 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (values.length !== 0)
        errs.push(invalid('values', values, 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1)
        errs.push(invalid('values', values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) {
          errs.push(invalid(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      });
      break;
  }
  values.forEach((v, i) => {
    const valueErr = validateLabelValue(v, `values[${i}]`);
    if (valueErr) errs.push(valueErr);
  });
  return errs;
}

/** Field errors joined the way an aggregate error prints: one alone, several in brackets. */
export function aggregateMessage(errs: readonly FieldError[]): string {
  const msgs = errs.map(fieldErrorMessage);
  return msgs.length === 1 ? (msgs[0] ?? '') : `[${msgs.join(', ')}]`;
}

/** A validated requirement; a 400 BadRequest when the parts do not make one. */
export function newRequirement(key: string, operator: Operator, values: readonly string[]): Requirement {
  const errs = requirementErrors(key, operator, values);
  if (errs.length) throw badRequest(aggregateMessage(errs));
  return new Requirement(key, operator, [...values]);
}
