/**
 * The shape of the compact protobuf schema table (`schema.json`, written by `scripts/gen-protobuf-schema.ts`
 * from the `FileDescriptorProto`s embedded in a kubectl binary): for each message, its fields as
 * `[number, jsonName, kind, flags?, keyKind?]`. Facts only, no descriptions.
 */
/** `string`, `int64`, `bool`, `bytes`, … or a message's full name (`k8s.io.api.core.v1.PodSpec`). */
export type FieldKind = string;

/** One field: `[number, jsonName, kind, flags?, keyKind?]`; `keyKind` only for maps. */
export type FieldEntry = [number: number, name: string, kind: FieldKind, flags?: string, keyKind?: FieldKind];

export interface MessageEntry {
  fields: FieldEntry[];
  /** A named Go slice (`type Verbs []string`) wrapped as `{ repeated items = 1 }`: JSON is the bare array. */
  slice?: boolean;
}

export interface ProtobufSchema {
  /** The `generated.proto` files the table was built from. */
  files: string[];
  messages: Record<string, MessageEntry>;
}

/** Field flag letters. */
export const FLAG = {
  /** `repeated` (a JSON array). */
  repeated: 'r',
  /** A map (`map<keyKind, kind>`, a JSON object); the entry messages are not in the table. */
  map: 'm',
  /** A Go value, not a pointer (gogoproto `nullable=false`): always on the wire, zero means unset. */
  value: 'v',
  /** No `omitempty` (OpenAPI `required`): Go's JSON writes the zero value too. */
  required: 'q',
  /** An embedded struct whose fields JSON flattens into the parent (`json:",inline"`). */
  inline: 'i',
} as const;

/** Scalar kinds as the table spells them, from `FieldDescriptorProto.Type`. */
export const SCALAR_KINDS = [
  'double',
  'float',
  'int64',
  'uint64',
  'int32',
  'fixed64',
  'fixed32',
  'bool',
  'string',
  'bytes',
  'uint32',
  'sfixed32',
  'sfixed64',
  'sint32',
  'sint64',
  'enum',
] as const;
export type ScalarKind = (typeof SCALAR_KINDS)[number];

const scalars: ReadonlySet<string> = new Set(SCALAR_KINDS);
export const isScalarKind = (kind: FieldKind): kind is ScalarKind => scalars.has(kind);

export const hasFlag = (field: FieldEntry, flag: string): boolean => (field[3] ?? '').includes(flag);
