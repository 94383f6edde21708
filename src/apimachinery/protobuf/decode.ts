/**
 * Decodes a protobuf message into the JSON object Go's `encoding/json` would write for the same
 * Go value, guided by the schema table:
 *
 * - a field absent from the wire is absent from the JSON;
 * - a Go value (not pointer) scalar that is zero is left out, unless the field has no `omitempty`
 *   (OpenAPI `required`), as Go's JSON would; a pointer scalar on the wire is kept even when zero;
 * - repeated fields are arrays, maps objects, `bytes` base64, embedded structs flattened;
 * - messages on the wire are kept even when empty (Go's `omitempty` never drops a struct);
 * - the apimachinery types with custom JSON (`Time`, `Quantity`, `IntOrString`, …) by hand.
 */
import { isZero, packable, readScalar, wireTypeOf, zeroOf } from './scalars.js';
import { messageEntry } from './schema.js';
import { FLAG, hasFlag, isScalarKind, type FieldEntry, type FieldKind, type MessageEntry } from './table.js';
import { WELL_KNOWN, type EmbeddedDecoder } from './well-known.js';
import { WIRE, WireError, WireReader } from './wire.js';

/** Deeper nesting than any real object has; guards the recursion. */
const MAX_DEPTH = 100;

const EMPTY = new Uint8Array(0);

/** What a message decodes to, before being placed in its parent. */
type Decoded = unknown;

export interface DecodeOptions {
  /** Decodes an object embedded as a `runtime.Unknown` / `RawExtension` holding `k8s\0…`. */
  embedded: EmbeddedDecoder;
}

const byNumberCache = new WeakMap<MessageEntry, Map<number, FieldEntry>>();

function fieldsByNumber(entry: MessageEntry): Map<number, FieldEntry> {
  let map = byNumberCache.get(entry);
  if (!map) byNumberCache.set(entry, (map = new Map(entry.fields.map((f) => [f[0], f]))));
  return map;
}

/** A field's values as read: scalars, message chunks, or map entries. */
type Collected = unknown[];

export function decodeMessage(name: string, bytes: Uint8Array, options: DecodeOptions, depth = 0): Decoded {
  if (depth > MAX_DEPTH) throw new WireError('objects nested too deeply');
  const special = WELL_KNOWN.get(name);
  if (special) return special(bytes, options.embedded);
  const entry = messageEntry(name);
  if (!entry) throw new WireError(`no schema for message ${name}`);

  const byNumber = fieldsByNumber(entry);
  const collected = new Map<FieldEntry, Collected>();
  const r = new WireReader(bytes);
  while (!r.done) {
    const { field, wireType } = r.tag();
    const f = byNumber.get(field);
    if (!f) {
      r.skip(wireType); // unknown fields are ignored, as gogo-protobuf does
      continue;
    }
    let values = collected.get(f);
    if (!values) collected.set(f, (values = []));
    readField(r, f, wireType, values, name, options, depth);
  }

  const [only] = entry.fields;
  if (entry.slice && only) {
    const items = collected.get(only);
    return items ? build(items, only, options, depth) : [];
  }
  const out: Record<string, unknown> = {};
  for (const f of entry.fields) {
    const values = collected.get(f);
    if (!values) continue;
    const value = build(values, f, options, depth);
    if (value === undefined) continue;
    if (hasFlag(f, FLAG.inline) && value && typeof value === 'object') Object.assign(out, value);
    else out[f[1]] = value;
  }
  return out;
}

function expectWireType(actual: number, expected: number, message: string, f: FieldEntry): void {
  if (actual !== expected) {
    throw new WireError(`${message}.${f[1]}: wrong wire type ${actual} (expected ${expected})`);
  }
}

function readField(
  r: WireReader,
  f: FieldEntry,
  wireType: number,
  values: Collected,
  message: string,
  options: DecodeOptions,
  depth: number,
): void {
  const kind = f[2];
  if (hasFlag(f, FLAG.map)) {
    expectWireType(wireType, WIRE.bytes, message, f);
    values.push(readMapEntry(r.bytes(), f, message, options, depth));
  } else if (!isScalarKind(kind)) {
    expectWireType(wireType, WIRE.bytes, message, f);
    values.push(r.bytes());
  } else if (wireType === WIRE.bytes && packable(kind) && hasFlag(f, FLAG.repeated)) {
    const packed = r.bytes();
    const sub = new WireReader(packed);
    while (!sub.done) values.push(readScalar(sub, kind));
  } else {
    expectWireType(wireType, wireTypeOf(kind), message, f);
    values.push(readScalar(r, kind));
  }
}

function readMapEntry(
  bytes: Uint8Array,
  f: FieldEntry,
  message: string,
  options: DecodeOptions,
  depth: number,
): [string, unknown] {
  const keyKind = f[4] ?? 'string';
  const valueKind = f[2];
  if (!isScalarKind(keyKind)) throw new WireError(`${message}.${f[1]}: map key of kind ${keyKind}`);
  let key: unknown = zeroOf(keyKind);
  let value: unknown;
  const r = new WireReader(bytes);
  while (!r.done) {
    const { field, wireType } = r.tag();
    if (field === 1) {
      expectWireType(wireType, wireTypeOf(keyKind), message, f);
      key = readScalar(r, keyKind);
    } else if (field === 2 && isScalarKind(valueKind)) {
      expectWireType(wireType, wireTypeOf(valueKind), message, f);
      value = readScalar(r, valueKind);
    } else if (field === 2) {
      expectWireType(wireType, WIRE.bytes, message, f);
      value = r.bytes();
    } else r.skip(wireType);
  }
  // An entry without a value holds the value type's zero.
  if (isScalarKind(valueKind)) return [String(key), value ?? zeroOf(valueKind)];
  return [
    String(key),
    decodeMessage(valueKind, (value as Uint8Array | undefined) ?? EMPTY, options, depth + 1),
  ];
}

/** Protobuf merges the occurrences of a non-repeated message field: decoding their concatenation. */
const joined = (chunks: Collected): Uint8Array =>
  chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks as Uint8Array[]);

function build(values: Collected, f: FieldEntry, options: DecodeOptions, depth: number): unknown {
  const kind: FieldKind = f[2];
  if (hasFlag(f, FLAG.map)) return Object.fromEntries(values as [string, unknown][]);
  if (hasFlag(f, FLAG.repeated)) {
    if (isScalarKind(kind)) return values;
    // A `RawExtension` without bytes is JSON `null` in a list.
    return values.map((chunk) => decodeMessage(kind, chunk as Uint8Array, options, depth + 1) ?? null);
  }
  if (!isScalarKind(kind)) return decodeMessage(kind, joined(values), options, depth + 1);
  const value = values[values.length - 1] as ReturnType<typeof readScalar>;
  const omitted = hasFlag(f, FLAG.value) && !hasFlag(f, FLAG.required) && isZero(value);
  return omitted ? undefined : value;
}
