/**
 * The apimachinery types whose JSON form is not their protobuf message's shape: Go gives them
 * custom JSON (un)marshalers, and the decoder maps them by hand. A handler returns the JSON value,
 * or `undefined` to leave the field out.
 */
import { WIRE, WireError, WireReader } from './wire.js';

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';
const RUNTIME = 'k8s.io.apimachinery.pkg.runtime';

/** The `k8s\0` prefix of a Kubernetes protobuf body. */
export const MAGIC = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

export const hasMagic = (bytes: Uint8Array): boolean =>
  bytes.length >= MAGIC.length && MAGIC.every((b, i) => bytes[i] === b);

/** A `runtime.Unknown`: the envelope of a protobuf body, also nested in `RawExtension`s. */
export interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

/** Decodes whatever a nested envelope or raw object holds (supplied by the message decoder). */
export type EmbeddedDecoder = (envelope: Envelope) => Record<string, unknown>;

type Handler = (bytes: Uint8Array, embedded: EmbeddedDecoder) => unknown;

type RawValue = bigint | number | Uint8Array;

const utf8 = new TextDecoder('utf-8');

/** The last value of each field of a small message, as read off the wire. */
function lastValues(bytes: Uint8Array): Map<number, RawValue> {
  const values = new Map<number, RawValue>();
  const r = new WireReader(bytes);
  while (!r.done) {
    const { field, wireType } = r.tag();
    if (wireType === WIRE.varint) values.set(field, r.varint());
    else if (wireType === WIRE.bytes) values.set(field, r.bytes());
    else if (wireType === WIRE.fixed64) values.set(field, r.fixed64());
    else if (wireType === WIRE.fixed32) values.set(field, r.fixed32());
    else r.skip(wireType);
  }
  return values;
}

function int(values: Map<number, RawValue>, field: number, bits: 32 | 64): number {
  const v = values.get(field);
  if (v === undefined) return 0;
  if (typeof v !== 'bigint') throw new WireError(`field ${field}: expected a varint`);
  return Number(BigInt.asIntN(bits, v));
}

function bytesOf(values: Map<number, RawValue>, field: number): Uint8Array | undefined {
  const v = values.get(field);
  if (v === undefined || v instanceof Uint8Array) return v;
  throw new WireError(`field ${field}: expected a length-delimited value`);
}

const str = (values: Map<number, RawValue>, field: number): string | undefined => {
  const b = bytesOf(values, field);
  return b && utf8.decode(b);
};

/** RFC 3339 in UTC, `2024-01-02T03:04:05Z`, with `fractionDigits` digits of the nanoseconds. */
export function formatTime(seconds: number, nanos = 0, fractionDigits = 0): string {
  const s = seconds + Math.floor(nanos / 1e9);
  const n = ((nanos % 1e9) + 1e9) % 1e9;
  const date = new Date(s * 1000);
  const year = date.getUTCFullYear();
  if (Number.isNaN(year) || year < 0 || year > 9999) {
    throw new WireError(`time ${seconds}s is outside the years [0,9999]`);
  }
  const fraction = fractionDigits ? '.' + String(n).padStart(9, '0').slice(0, fractionDigits) : '';
  return `${date.toISOString().slice(0, 19)}${fraction}Z`;
}

/** Go's `time.Duration.String()`: `1h2m3.5s`, `1.5ms`, `0s`. */
export function formatDuration(nanoseconds: bigint): string {
  const negative = nanoseconds < 0n;
  let u = negative ? -nanoseconds : nanoseconds;
  if (u === 0n) return '0s';
  // The fraction of u / 10^precision without trailing zeros (and without the point when zero).
  const fraction = (precision: number): string => {
    let digits = '';
    for (let i = 0; i < precision; i++) {
      const d = u % 10n;
      if (digits || d !== 0n) digits = `${d}${digits}`;
      u /= 10n;
    }
    return digits ? `.${digits}` : '';
  };
  let text: string;
  if (u < 1_000_000_000n) {
    const [precision, unit] = u < 1000n ? [0, 'ns'] : u < 1_000_000n ? [3, 'µs'] : [6, 'ms'];
    const frac = fraction(precision);
    text = `${u}${frac}${unit}`;
  } else {
    const frac = fraction(9);
    const seconds = u % 60n;
    const minutes = (u / 60n) % 60n;
    const hours = u / 3600n;
    text = `${seconds}${frac}s`;
    if (u >= 60n) text = `${minutes}m${text}`;
    if (hours > 0n) text = `${hours}h${text}`;
  }
  return negative ? `-${text}` : text;
}

/** A `Time` is `null` when zero (Go writes no fields); only whole seconds travel. */
const time: Handler = (bytes) => (bytes.length === 0 ? null : formatTime(int(lastValues(bytes), 1, 64)));

const microTime: Handler = (bytes) => {
  if (bytes.length === 0) return null;
  const v = lastValues(bytes);
  return formatTime(int(v, 1, 64), int(v, 2, 32), 6);
};

const duration: Handler = (bytes) => {
  const v = lastValues(bytes).get(1) ?? 0n;
  if (typeof v !== 'bigint') throw new WireError('Duration: expected a varint');
  return formatDuration(BigInt.asIntN(64, v));
};

/** A zero `Quantity` (no field) is `"0"`. */
const quantity: Handler = (bytes) => str(lastValues(bytes), 1) ?? '0';

const intOrString: Handler = (bytes) => {
  const v = lastValues(bytes);
  const type = int(v, 1, 64);
  if (type === 0) return int(v, 2, 32);
  if (type === 1) return str(v, 3) ?? '';
  throw new WireError(`IntOrString: invalid type ${type}`);
};

function parseJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(utf8.decode(bytes));
  } catch {
    throw new WireError(`${what}: the raw bytes are neither JSON nor Kubernetes protobuf`);
  }
}

/** The envelope message; `raw` empty when absent. */
export function parseUnknown(bytes: Uint8Array): Envelope {
  const v = lastValues(bytes);
  const typeMeta = lastValues(bytesOf(v, 1) ?? new Uint8Array(0));
  return {
    apiVersion: str(typeMeta, 1) ?? '',
    kind: str(typeMeta, 2) ?? '',
    raw: bytesOf(v, 2) ?? new Uint8Array(0),
    contentEncoding: str(v, 3) ?? '',
    contentType: str(v, 4) ?? '',
  };
}

/** An embedded object: JSON, or a whole `k8s\0` protobuf body; absent when empty. */
const rawExtension: Handler = (bytes, embedded) => {
  const raw = bytesOf(lastValues(bytes), 1);
  if (!raw?.length) return undefined;
  if (hasMagic(raw)) return embedded(parseUnknown(raw.subarray(MAGIC.length)));
  return parseJson(raw, 'RawExtension');
};

const unknown: Handler = (bytes, embedded) => embedded(parseUnknown(bytes));

/** Managed fields: the JSON of a field set, carried as bytes. */
const fieldsV1: Handler = (bytes) => {
  const raw = bytesOf(lastValues(bytes), 1);
  return raw?.length ? parseJson(raw, 'FieldsV1') : undefined;
};

export const WELL_KNOWN: ReadonlyMap<string, Handler> = new Map([
  [`${META}.Time`, time],
  [`${META}.MicroTime`, microTime],
  [`${META}.Duration`, duration],
  [`${META}.FieldsV1`, fieldsV1],
  ['k8s.io.apimachinery.pkg.api.resource.Quantity', quantity],
  ['k8s.io.apimachinery.pkg.api.resource.QuantityValue', quantity],
  ['k8s.io.apimachinery.pkg.util.intstr.IntOrString', intOrString],
  [`${RUNTIME}.RawExtension`, rawExtension],
  [`${RUNTIME}.Unknown`, unknown],
]);
