/**
 * The tokenizer of the label selector string syntax. Whitespace separates tokens; `=`, `!`,
 * `(`, `)`, `,`, `>` and `<` form operator tokens (longest match: `==`, `!=`); any other run of
 * characters is an identifier, except the keywords `in` and `notin`.
 */

export type TokenKind =
  'identifier' | 'eos' | 'in' | 'notin' | '(' | ')' | ',' | '!' | '=' | '==' | '!=' | '>' | '<';

export interface Token {
  kind: TokenKind;
  literal: string;
}

const SYMBOLS: ReadonlySet<string> = new Set(['(', ')', ',', '!', '=', '==', '!=', '>', '<']);
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isSymbolChar = (c: string): boolean => '=!(),<>'.includes(c);

/** The tokens of `input`, ending with one `eos` token. */
export function lex(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input.charAt(i);
    if (isSpace(c)) {
      i++;
    } else if (isSymbolChar(c)) {
      // Grow the symbol while the longer text is still a known operator.
      let sym = c;
      while (i + sym.length < input.length && SYMBOLS.has(sym + input.charAt(i + sym.length))) {
        sym += input.charAt(i + sym.length);
      }
      tokens.push({ kind: sym as TokenKind, literal: sym });
      i += sym.length;
    } else {
      let j = i;
      while (j < input.length && !isSpace(input.charAt(j)) && !isSymbolChar(input.charAt(j))) j++;
      const word = input.slice(i, j);
      tokens.push({ kind: word === 'in' || word === 'notin' ? word : 'identifier', literal: word });
      i = j;
    }
  }
  tokens.push({ kind: 'eos', literal: '' });
  return tokens;
}
