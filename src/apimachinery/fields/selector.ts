/**
 * Field selectors, like upstream's `fields.Selector`: comma-separated terms
 * `field=value`, `field==value` (the same) and `field!=value`, ANDed. In values, `\,`, `\=` and
 * `\\` escape the separator, the operator character and the backslash; field names are taken
 * verbatim up to the first operator. An absent field reads as the empty string, so
 * `spec.nodeName!=` selects objects whose `spec.nodeName` is set.
 */
import { badRequest } from '../errors.js';

export type Fields = Readonly<Record<string, string>>;

export interface FieldRequirement {
  field: string;
  /** `==` in the string form is recorded as `=`. */
  operator: '=' | '!=';
  value: string;
}

/** Renames or rewrites a term; throw (e.g. a 400) to reject it. An empty field and value drop the term. */
export type TransformFunc = (field: string, value: string) => [field: string, value: string];

export interface FieldSelector {
  matches(fields: Fields): boolean;
  /** True when there are no terms (the selector matches everything). */
  empty(): boolean;
  requirements(): readonly FieldRequirement[];
  /** The value `field` must equal, when an `=` term names it. */
  requiresExactMatch(field: string): string | undefined;
  transform(fn: TransformFunc): FieldSelector;
  /** The string form, values escaped; '' when empty. */
  toString(): string;
}

const get = (fields: Fields, field: string): string =>
  Object.hasOwn(fields, field) ? (fields[field] ?? '') : '';

/** Escapes `\`, `,` and `=` in a value. */
export const escapeFieldValue = (value: string): string => value.replace(/[\\,=]/g, (c) => `\\${c}`);

/** Undoes `escapeFieldValue`; a 400 BadRequest on an unknown escape or a bare `,` or `=`. */
export function unescapeFieldValue(value: string): string {
  let out = '';
  let escaped = false;
  for (const c of value) {
    if (escaped) {
      if (c !== '\\' && c !== ',' && c !== '=') {
        throw badRequest(`invalid field selector: invalid escape sequence: \\${c}`);
      }
      out += c;
      escaped = false;
    } else if (c === '\\') {
      escaped = true;
    } else if (c === ',' || c === '=') {
      throw badRequest(`invalid field selector: unescaped character in value: ${c}`);
    } else {
      out += c;
    }
  }
  if (escaped) throw badRequest('invalid field selector: invalid escape sequence: \\');
  return out;
}

class Terms implements FieldSelector {
  constructor(private readonly terms: readonly FieldRequirement[]) {}

  matches(fields: Fields): boolean {
    return this.terms.every((t) => (get(fields, t.field) === t.value) === (t.operator === '='));
  }

  empty(): boolean {
    return this.terms.length === 0;
  }

  requirements(): readonly FieldRequirement[] {
    return this.terms;
  }

  requiresExactMatch(field: string): string | undefined {
    return this.terms.find((t) => t.field === field && t.operator === '=')?.value;
  }

  transform(fn: TransformFunc): FieldSelector {
    const out: FieldRequirement[] = [];
    for (const t of this.terms) {
      const [field, value] = fn(t.field, t.value);
      if (field === '' && value === '') continue;
      out.push({ field, operator: t.operator, value });
    }
    return new Terms(out);
  }

  toString(): string {
    return this.terms.map((t) => `${t.field}${t.operator}${escapeFieldValue(t.value)}`).join(',');
  }
}

/** Splits on commas that are not escaped; the escapes stay in the terms. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const c = selector.charAt(i);
    if (c === '\\') i++;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

/** The first operator in the term, `!=` and `==` preferred over `=` at the same place. */
function splitTerm(term: string): [string, '=' | '==' | '!=', string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ['!=', '==', '='] as const) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

/** Parses `a=b,c!=d`; '' selects everything. Terms come back sorted by their text. A 400 on bad syntax. */
export function parseFieldSelector(selector: string): FieldSelector {
  if (selector === '') return everythingFields();
  const parts = splitTerms(selector).sort();
  const terms: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const split = splitTerm(part);
    if (!split) throw badRequest(`invalid selector: '${selector}'; can't understand '${part}'`);
    const [field, op, raw] = split;
    terms.push({ field, operator: op === '!=' ? '!=' : '=', value: unescapeFieldValue(raw) });
  }
  return new Terms(terms);
}

/** Matches everything. */
export const everythingFields = (): FieldSelector => new Terms([]);

/** `field=value` terms for every entry of `set`. */
export const fieldSelectorFromSet = (set: Fields): FieldSelector =>
  new Terms(
    Object.keys(set)
      .sort()
      .map((field) => ({ field, operator: '=', value: set[field] ?? '' })),
  );
