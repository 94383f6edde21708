/**
 * The label selector string syntax, as upstream's `labels.Parse` reads it:
 *
 *   selector    = [ requirement { "," requirement } ]
 *   requirement = [ "!" ] key
 *               | key ( "=" | "==" | "!=" | ">" | "<" ) [ value ]
 *               | key ( "in" | "notin" ) "(" [ value { "," value } ] ")"
 *
 * `in`/`notin` are keywords only where an operator may stand, so `a=in` and `in in (x)` parse.
 * Errors are 400 BadRequest with upstream's message shapes (`unable to parse requirement: …`,
 * `found 'x', expected: …`).
 */
import { badRequest } from '../errors.js';
import { type Token, type TokenKind, lex } from './lexer.js';
import { type Operator, Requirement, aggregateMessage, requirementErrors } from './requirement.js';
import { type Selector, selectorFromRequirements } from './selector.js';
import { validateLabelKey } from './validation.js';
import { fieldErrorMessage } from '../validation/field.js';

/** Where the parser stands: reading a key/operator, or reading values (keywords are plain words). */
type Context = 'keyAndOperator' | 'values';

const BINARY: Partial<Record<TokenKind, Operator>> = {
  '=': '=',
  '==': '==',
  '!=': '!=',
  '>': 'gt',
  '<': 'lt',
  in: 'in',
  notin: 'notin',
};

class ParseError extends Error {}

class Parser {
  private pos = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  private peek(ctx: Context): Token {
    const t = this.tokens[this.pos] ?? { kind: 'eos', literal: '' };
    return ctx === 'values' && (t.kind === 'in' || t.kind === 'notin') ? { ...t, kind: 'identifier' } : t;
  }

  private next(ctx: Context): Token {
    const t = this.peek(ctx);
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const t = this.peek('values');
      if (t.kind === 'eos') return reqs;
      if (t.kind !== 'identifier' && t.kind !== '!') {
        throw new ParseError(`found '${t.literal}', expected: !, identifier, or 'end of string'`);
      }
      try {
        reqs.push(this.requirement());
      } catch (err) {
        if (err instanceof ParseError) throw new ParseError(`unable to parse requirement: ${err.message}`);
        throw err;
      }
      const sep = this.next('values');
      if (sep.kind === 'eos') return reqs;
      if (sep.kind !== ',') throw new ParseError(`found '${sep.literal}', expected: ',' or 'end of string'`);
      const after = this.peek('values');
      if (after.kind !== 'identifier' && after.kind !== '!') {
        throw new ParseError(`found '${after.literal}', expected: identifier after ','`);
      }
    }
  }

  private requirement(): Requirement {
    let unary: Operator | undefined;
    let t = this.next('values');
    if (t.kind === '!') {
      unary = '!';
      t = this.next('values');
    }
    if (t.kind !== 'identifier') throw new ParseError(`found '${t.literal}', expected: identifier`);
    const key = t.literal;
    const keyErr = validateLabelKey(key, 'key');
    if (keyErr) throw new ParseError(fieldErrorMessage(keyErr));
    const la = this.peek('values').kind;
    if (unary === undefined && (la === 'eos' || la === ',')) unary = 'exists';
    if (unary) return this.build(key, unary, []);

    const opTok = this.next('keyAndOperator');
    const op = BINARY[opTok.kind];
    if (!op) throw new ParseError(`found '${opTok.literal}', expected: =, !=, ==, in, notin, >, <`);
    const values = op === 'in' || op === 'notin' ? this.valueSet() : [this.exactValue()];
    return this.build(key, op, values);
  }

  private build(key: string, op: Operator, values: string[]): Requirement {
    const errs = requirementErrors(key, op, values);
    if (errs.length) throw new ParseError(aggregateMessage(errs));
    return new Requirement(key, op, values);
  }

  private exactValue(): string {
    const la = this.peek('values');
    if (la.kind === 'eos' || la.kind === ',') return '';
    const t = this.next('values');
    if (t.kind !== 'identifier') throw new ParseError(`found '${t.literal}', expected: identifier`);
    return t.literal;
  }

  /** `( v1, v2 )`, as a sorted set; empty entries (`()`, `(a,)`) stand for the empty value. */
  private valueSet(): string[] {
    const open = this.next('values');
    if (open.kind !== '(') throw new ParseError(`found '${open.literal}', expected: '('`);
    const values = new Set<string>();
    const first = this.peek('values');
    if (first.kind === ')') {
      this.next('values');
      return [''];
    }
    if (first.kind !== 'identifier' && first.kind !== ',') {
      throw new ParseError(`found '${first.literal}', expected: ',', ')' or identifier`);
    }
    for (;;) {
      const t = this.next('values');
      if (t.kind === 'identifier') {
        values.add(t.literal);
        const la = this.peek('values');
        if (la.kind === ')') break;
        if (la.kind !== ',') throw new ParseError(`found '${la.literal}', expected: ',' or ')'`);
      } else if (t.kind === ',') {
        // A comma with nothing before or after it contributes the empty value.
        const prev = this.tokens[this.pos - 2]?.kind;
        if (prev === '(' || prev === ',') values.add('');
        if (this.peek('values').kind === ')') {
          values.add('');
          break;
        }
      } else {
        throw new ParseError(`found '${t.literal}', expected: ',', or identifier`);
      }
    }
    this.next('values'); // the ')'
    return [...values].sort();
  }
}

/**
 * Parses a label selector string (`environment=prod,tier notin (frontend),!canary`). The empty
 * (or all-whitespace) string selects everything. Requirements come back sorted by key.
 */
export function parseLabelSelector(selector: string): Selector {
  try {
    return selectorFromRequirements(new Parser(lex(selector)).parse());
  } catch (err) {
    if (err instanceof ParseError) throw badRequest(err.message);
    throw err;
  }
}
