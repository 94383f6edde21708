/**
 * Resource quantities (`100m`, `1Gi`, `2e3`), with the semantics of apimachinery's
 * `resource.Quantity`: the same accepted syntax, the same rounding (values finer than a nano-unit
 * are rounded up, away from zero) and the same canonical serialization, including the rule that
 * a string already in canonical form is echoed back as written (`+1`, `100m`, `1Gi`).
 *
 *   number   := [+-]? digits? ('.' digits?)?
 *   suffix   := binarySI (Ki Mi Gi Ti Pi Ei) | decimalSI (n u m '' k M G T P E) | [eE] [+-]? digits
 *
 * Values are held exactly as a count of nano-units (`bigint`), which covers every value upstream
 * can represent after its nano rounding.
 */

export type QuantityFormat = 'DecimalExponent' | 'BinarySI' | 'DecimalSI';

const NANO = 10n ** 9n;
const MAX_EXPONENT = 1000;
const MAX_DIGITS = 1000;
/** Upstream caps binary quantities at the largest int64. */
const MAX_BINARY_NANOS = (2n ** 63n - 1n) * NANO;

const decimalSuffixes: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const binarySuffixes: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const decimalByExponent = new Map(Object.entries(decimalSuffixes).map(([s, e]) => [e, s]));
const binaryByExponent = new Map(Object.entries(binarySuffixes).map(([s, e]) => [e, s]));

/** The regular expression upstream names in its parse error. */
export const QUANTITY_PATTERN = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

export class QuantityParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuantityParseError';
  }
}

const errFormat = (): QuantityParseError =>
  new QuantityParseError(`quantities must match the regular expression '${QUANTITY_PATTERN}'`);

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** Division rounding away from zero (upstream's RoundUp). */
function divAwayFromZero(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b === 0n ? q : a < 0n ? q - 1n : q + 1n;
}

export class Quantity {
  private constructor(
    /** The value in nano-units (value × 10^9). */
    readonly nanos: bigint,
    readonly format: QuantityFormat,
    /** The original text, kept when upstream would keep it (it was already canonical). */
    private readonly cached?: string,
  ) {}

  static fromNanos(nanos: bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(nanos, format);
  }

  static parse(input: string | number): Quantity {
    const str = typeof input === 'number' ? String(input) : input;
    if (str.length === 0) throw errFormat();
    if (str === '0') return new Quantity(0n, 'DecimalSI', str);
    const s = scan(str);
    const suffix = interpretSuffix(s.suffix);
    if (!suffix) throw new QuantityParseError("unable to parse quantity's suffix");
    const { base, exponent } = suffix;
    // Guards against inputs that would build enormous integers; no real quantity comes close.
    if (Math.abs(exponent) > MAX_EXPONENT || s.num.length + s.denom.length > MAX_DIGITS) {
      throw new QuantityParseError('unable to parse numeric part of quantity');
    }
    let format = suffix.format;
    const digits = BigInt(s.num + s.denom);
    const signed = (v: bigint): bigint => (s.positive ? v : -v);

    // Exact value as numerator / 10^len(denom), times base^exponent.
    let numerator = digits;
    let denominator = pow10(s.denom.length);
    if (base === 10) {
      if (exponent >= 0) numerator *= pow10(exponent);
      else denominator *= pow10(-exponent);
    } else {
      numerator *= 2n ** BigInt(exponent);
    }
    let nanos = divAwayFromZero(numerator * NANO, denominator);
    if (format === 'BinarySI' && nanos > MAX_BINARY_NANOS) nanos = MAX_BINARY_NANOS;
    if (format === 'BinarySI' && nanos > 0n && nanos < NANO) format = 'DecimalSI';
    const q = new Quantity(signed(nanos), format);
    return keepsText(s, base, exponent, format) ? new Quantity(q.nanos, format, str) : q;
  }

  isZero(): boolean {
    return this.nanos === 0n;
  }

  sign(): number {
    return this.nanos === 0n ? 0 : this.nanos < 0n ? -1 : 1;
  }

  /** The value in units, rounded up (away from zero) like upstream's `Value()`. */
  value(): bigint {
    return divAwayFromZero(this.nanos, NANO);
  }

  /** The value in milli-units, rounded up (away from zero) like upstream's `MilliValue()`. */
  milliValue(): bigint {
    return divAwayFromZero(this.nanos, 10n ** 6n);
  }

  cmp(other: Quantity): -1 | 0 | 1 {
    return this.nanos === other.nanos ? 0 : this.nanos < other.nanos ? -1 : 1;
  }

  add(other: Quantity): Quantity {
    return new Quantity(this.nanos + other.nanos, this.isZero() ? other.format : this.format);
  }

  /**
   * Rounds up (away from zero) to 10^scale units, like upstream's `RoundUp`; an exact value keeps
   * its text. `roundUp(-3)` is what resource lists get on every write.
   */
  roundUp(scale: number): Quantity {
    const step = pow10(9 + scale);
    if (this.nanos % step === 0n) return this;
    return new Quantity(divAwayFromZero(this.nanos, step) * step, this.format);
  }

  toString(): string {
    if (this.cached !== undefined) return this.cached;
    if (this.nanos === 0n) return '0';
    let format = this.format;
    if (format === 'BinarySI') {
      const small = this.nanos > -1024n * NANO && this.nanos < 1024n * NANO;
      if (small || this.nanos % NANO !== 0n) format = 'DecimalSI';
    }
    if (format === 'BinarySI') {
      let mantissa = this.nanos / NANO;
      let exp = 0;
      while (exp < 60 && mantissa % 1024n === 0n && (mantissa >= 1024n || mantissa <= -1024n)) {
        mantissa /= 1024n;
        exp += 10;
      }
      return `${mantissa}${binaryByExponent.get(exp) ?? ''}`;
    }
    let mantissa = this.nanos;
    let exp = -9;
    while (mantissa % 10n === 0n) {
      mantissa /= 10n;
      exp++;
    }
    while (exp % 3 !== 0) {
      mantissa *= 10n;
      exp--;
    }
    if (format === 'DecimalExponent') return exp === 0 ? `${mantissa}` : `${mantissa}e${exp}`;
    const suffix = decimalByExponent.get(exp);
    return suffix === undefined ? `${mantissa}e${exp}` : `${mantissa}${suffix}`;
  }

  toJSON(): string {
    return this.toString();
  }
}

interface Scanned {
  positive: boolean;
  /** Integer digits without leading zeros ('0' when none). */
  num: string;
  /** Fraction digits. */
  denom: string;
  suffix: string;
}

/** A scanner with upstream's exact leniency (`.5`, `1.`, `+1`, and a bare suffix read as 0). */
function scan(str: string): Scanned {
  let pos = 0;
  let positive = true;
  if (str[0] === '-' || str[0] === '+') {
    positive = str[0] === '+';
    pos++;
  }
  while (pos < str.length && str[pos] === '0') pos++;
  if (pos >= str.length) return { positive, num: '0', denom: '', suffix: '' };
  const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
  let start = pos;
  while (isDigit(str[pos])) pos++;
  const num = str.slice(start, pos) || '0';
  let denom = '';
  if (str[pos] === '.') {
    start = ++pos;
    while (isDigit(str[pos])) pos++;
    denom = str.slice(start, pos);
  }
  const suffixStart = pos;
  while (pos < str.length && 'eEinumkKMGTP'.includes(str[pos] as string)) pos++;
  if (str[pos] === '-' || str[pos] === '+') pos++;
  while (isDigit(str[pos])) pos++;
  if (pos < str.length) throw errFormat();
  return { positive, num, denom, suffix: str.slice(suffixStart) };
}

function interpretSuffix(
  suffix: string,
): { base: 2 | 10; exponent: number; format: QuantityFormat } | undefined {
  const dec = decimalSuffixes[suffix];
  if (dec !== undefined && Object.hasOwn(decimalSuffixes, suffix)) {
    return { base: 10, exponent: dec, format: 'DecimalSI' };
  }
  const bin = binarySuffixes[suffix];
  if (bin !== undefined && Object.hasOwn(binarySuffixes, suffix)) {
    return { base: 2, exponent: bin, format: 'BinarySI' };
  }
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?\d+$/.test(suffix.slice(1))) {
    const exponent = Number(suffix.slice(1));
    if (Number.isSafeInteger(exponent)) return { base: 10, exponent, format: 'DecimalExponent' };
  }
  return undefined;
}

/** Whether upstream's fast path keeps the input text as the serialized form. */
function keepsText(s: Scanned, base: number, exponent: number, format: QuantityFormat): boolean {
  let precision: number;
  let scale = 0;
  if (base === 10) {
    scale = exponent;
    precision = 18 - (s.num.length + s.denom.length);
  } else if (exponent >= 0 && s.denom.length === 0) {
    precision = 15 - s.num.length - Math.trunc((exponent * 3) / 10) - 1;
  } else {
    precision = -1;
  }
  if (precision < 0) return false;
  scale -= s.denom.length;
  if (scale < -9) return false;
  const shifted = s.num + s.denom;
  const value = BigInt(shifted);
  if (value > 2n ** 63n - 1n || value * (base === 2 ? 2n ** BigInt(exponent) : 1n) > 2n ** 63n - 1n) {
    return false;
  }
  if (format === 'BinarySI' || base === 2) return exponent % 10 === 0 && (value & 7n) !== 0n;
  return scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
}

/** Parses a quantity, throwing a `QuantityParseError` for malformed input. */
export function parseQuantity(input: string | number): Quantity {
  return Quantity.parse(input);
}

export function isQuantity(input: unknown): boolean {
  if (typeof input !== 'string' && typeof input !== 'number') return false;
  try {
    Quantity.parse(input);
    return true;
  } catch {
    return false;
  }
}

/** Parses without throwing: `undefined` for malformed input. */
export function tryParseQuantity(input: unknown): Quantity | undefined {
  if (typeof input !== 'string' && typeof input !== 'number') return undefined;
  try {
    return Quantity.parse(input);
  } catch {
    return undefined;
  }
}
