/**
 * Regenerates `src/apimachinery/protobuf/schema.json`, the table the Kubernetes protobuf request
 * decoder walks, from a kubectl binary:
 *
 *   node --import tsx scripts/gen-protobuf-schema.ts [/usr/bin/kubectl] [out.json]
 *
 * Every Go kubectl embeds the gzipped `FileDescriptorProto` of each k8s.io/api and
 * k8s.io/apimachinery `generated.proto` (gogo-protobuf registers them; each stream starts with
 * `1f 8b 08 00 00 00 00 00 02 ff`). This scans the binary for those streams, inflates and decodes
 * them, keeps the packages Cairn serves, and writes a compact, facts-only table. The descriptors
 * still carry the gogoproto field options (`nullable`, `customname`), which say whether a Go field
 * is a value or a pointer. What they cannot say, whether a Go field has `omitempty` and whether it
 * is an embedded `json:",inline"` struct, comes from the OpenAPI definitions generated from
 * `kubernetes-types` (OpenAPI `required` ⇔ no `omitempty`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, inflateRawSync } from 'node:zlib';
import * as prettier from 'prettier';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import type { Definitions, Schema } from '../src/apimachinery/schema.js';
import {
  FLAG,
  SCALAR_KINDS,
  type FieldEntry,
  type MessageEntry,
  type ProtobufSchema,
} from '../src/apimachinery/protobuf/table.js';
import { WELL_KNOWN as WELL_KNOWN_MESSAGES } from '../src/apimachinery/protobuf/well-known.js';
import { generateDefinitions } from '../src/openapi/definitions.js';

/** The protobuf packages kept: those Cairn serves or is about to. */
export const PACKAGES = [
  'k8s.io.api.core.v1',
  'k8s.io.api.policy.v1',
  'k8s.io.api.coordination.v1',
  'k8s.io.api.events.v1',
  'k8s.io.api.apps.v1',
  'k8s.io.api.batch.v1',
  'k8s.io.api.discovery.v1',
  'k8s.io.api.authentication.v1',
  'k8s.io.apimachinery.pkg.apis.meta.v1',
  'k8s.io.apimachinery.pkg.runtime',
  'k8s.io.apimachinery.pkg.runtime.schema',
  'k8s.io.apimachinery.pkg.api.resource',
  'k8s.io.apimachinery.pkg.util.intstr',
];

const SCHEMA_PATH = join(dirname(fileURLToPath(import.meta.url)), '../src/apimachinery/protobuf/schema.json');

/** Messages the decoder maps by hand (and the envelope's TypeMeta): no definitions to compare with. */
const WELL_KNOWN = new Set([...WELL_KNOWN_MESSAGES.keys(), 'k8s.io.apimachinery.pkg.runtime.TypeMeta']);

const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xff]);
/** Upper bound on one compressed descriptor (core/v1, the largest, inflates to ≈ 75 KB). */
const MAX_STREAM = 1 << 20;

export interface FieldOptions {
  gogoNullable?: boolean;
  gogoCustomname?: string;
}
export interface FieldProto {
  name: string;
  number: number;
  label: string;
  type: string;
  typeName?: string;
  options?: FieldOptions;
}
export interface MessageProto {
  name: string;
  field?: FieldProto[];
  nestedType?: MessageProto[];
  options?: { mapEntry?: boolean };
}
export interface FileProto {
  name: string;
  package: string;
  messageType?: MessageProto[];
}

// The gogoproto field options the descriptors still carry (github.com/gogo/protobuf/gogoproto).
descriptor.FieldOptions.add(new protobuf.Field('gogoNullable', 65001, 'bool'));
descriptor.FieldOptions.add(new protobuf.Field('gogoCustomname', 65004, 'string'));

/** Every gzip stream in the binary that decodes as a `FileDescriptorProto`, by file name. */
export function embeddedDescriptors(binary: Buffer): Map<string, FileProto> {
  const files = new Map<string, FileProto>();
  for (let at = binary.indexOf(GZIP_HEADER); at >= 0; at = binary.indexOf(GZIP_HEADER, at + 1)) {
    const stream = binary.subarray(at + GZIP_HEADER.length, at + GZIP_HEADER.length + MAX_STREAM);
    try {
      // Raw inflate stops at the end of the deflate data; the trailer and what follows are ignored.
      const bytes = inflateRawSync(stream, { finishFlush: constants.Z_SYNC_FLUSH });
      const file = descriptor.FileDescriptorProto.toObject(descriptor.FileDescriptorProto.decode(bytes), {
        longs: Number,
        enums: String,
        defaults: false,
      }) as FileProto;
      if (file.name && file.package !== undefined) files.set(file.name, file);
    } catch {
      // Not a descriptor: some other gzip data, or bytes that merely look like a header.
    }
  }
  return files;
}

const SCALAR_BY_TYPE = new Map(SCALAR_KINDS.map((k) => [`TYPE_${k.toUpperCase()}`, k]));

const definitionName = (message: string): string => message.replace(/^k8s\.io\./, 'io.k8s.');

const shortName = (full: string): string => full.slice(full.lastIndexOf('.') + 1);

/**
 * The JSON name of a field. The proto names are the JSON names except for a few fields whose Go
 * name was used instead (`BoundObjectReference.uID` is JSON `uid`): matched case-insensitively.
 */
function jsonName(props: Record<string, Schema> | undefined, name: string): string {
  if (!props || name in props) return name;
  return Object.keys(props).find((k) => k.toLowerCase() === name.toLowerCase()) ?? name;
}

/**
 * Whether a message field is a Go embedded struct that JSON flattens (`json:",inline"`): the
 * parent's definition has no such property, and either the field is Go's embedded field (gogoproto
 * customname = the type's name) or the child's properties all appear in the parent.
 */
function isInline(defs: Definitions, parent: string, field: FieldProto): boolean {
  const props = defs[definitionName(parent)]?.properties;
  if (!props || field.type !== 'TYPE_MESSAGE' || field.name in props) return false;
  const child = (field.typeName ?? '').replace(/^\./, '');
  if (field.options?.gogoCustomname === shortName(child)) return true;
  const childProps = defs[definitionName(child)]?.properties;
  return !!childProps && Object.keys(childProps).every((k) => k in props);
}

/**
 * Whether a message may be a named Go slice (`type Verbs []string`), which go-to-protobuf wraps as
 * `{ repeated items = 1 }`. A struct with only an `items` field looks the same
 * (`DownwardAPIProjection`); unlike the slices, such structs have definitions of their own.
 */
const isSlice = (m: MessageProto): boolean =>
  m.field?.length === 1 &&
  m.field[0]?.name === 'items' &&
  m.field[0].number === 1 &&
  m.field[0].label === 'LABEL_REPEATED';

/** Builds the table from the kept files, reporting what does not line up with the definitions. */
export function buildTable(files: FileProto[], defs: Definitions, warn: (m: string) => void): ProtobufSchema {
  const messages: Record<string, MessageEntry> = {};
  const mapEntries = new Map<string, MessageProto>();
  const all: [string, MessageProto][] = [];
  const collect = (prefix: string, m: MessageProto): void => {
    const full = `${prefix}.${m.name}`;
    if (m.options?.mapEntry) mapEntries.set(full, m);
    else all.push([full, m]);
    for (const nested of m.nestedType ?? []) collect(full, nested);
  };
  for (const file of files) for (const m of file.messageType ?? []) collect(file.package, m);

  // An inlined type without a definition of its own (VolumeSource, ProbeHandler) is described by
  // its parent's: its JSON properties are the parent's.
  const described = new Map<string, Schema>();
  for (const [full, m] of all) {
    for (const f of m.field ?? []) {
      const def = defs[definitionName(full)];
      const child = (f.typeName ?? '').replace(/^\./, '');
      if (def && isInline(defs, full, f) && !defs[definitionName(child)]) described.set(child, def);
    }
  }
  const schemaOf = (full: string): Schema | undefined => defs[definitionName(full)] ?? described.get(full);

  const kindOf = (f: FieldProto, where: string): string => {
    if (f.type === 'TYPE_MESSAGE') return (f.typeName ?? '').replace(/^\./, '');
    const scalar = SCALAR_BY_TYPE.get(f.type);
    if (!scalar) throw new Error(`${where}: unsupported field type ${f.type}`);
    if (scalar === 'enum') warn(`${where}: enum field (decoded as its number)`);
    return scalar;
  };

  for (const [full, m] of all) {
    const def = schemaOf(full);
    const props = def?.properties;
    const required = new Set(def?.required ?? []);
    const fields = (m.field ?? []).map((f): FieldEntry => {
      const where = `${full}.${f.name}`;
      let kind = kindOf(f, where);
      let flags = '';
      let keyKind: string | undefined;
      const entry = mapEntries.get(kind);
      if (entry) {
        const [key, value] = [1, 2].map((n) => entry.field?.find((e) => e.number === n));
        if (!key || !value) throw new Error(`${where}: malformed map entry ${kind}`);
        keyKind = kindOf(key, where);
        kind = kindOf(value, where);
        flags += FLAG.map;
      } else if (f.label === 'LABEL_REPEATED') flags += FLAG.repeated;
      if (f.options?.gogoNullable === false) flags += FLAG.value;
      const name = jsonName(props, f.name);
      if (name !== f.name) warn(`${where}: proto name differs from the JSON name "${name}"`);
      if (required.has(name)) flags += FLAG.required;
      if (isInline(defs, full, f)) flags += FLAG.inline;
      else if (props && !WELL_KNOWN.has(full) && !(name in props)) {
        warn(`${where}: not in the definitions (newer than kubernetes-types?)`);
      }
      const out: FieldEntry = [f.number, name, kind];
      if (flags || keyKind) out.push(flags);
      if (keyKind) out.push(keyKind);
      return out;
    });
    const slice = isSlice(m) && !def;
    if (isSlice(m) && !slice)
      warn(`${full}: a struct with only \`items\`, not a slice (it has a definition)`);
    messages[full] = slice ? { fields, slice } : { fields };
    if (!def && !WELL_KNOWN.has(full)) warn(`${full}: no definition (all zero values will be omitted)`);
  }
  return { files: files.map((f) => f.name).sort(), messages };
}

/**
 * The table as the repository keeps it: formatted by prettier, since `npm run format:check` covers
 * every JSON file (≈ 100 KB formatted, ≈ 80 KB minified).
 */
async function formatted(table: ProtobufSchema): Promise<string> {
  const options = (await prettier.resolveConfig(SCHEMA_PATH)) ?? {};
  return prettier.format(JSON.stringify(table), { ...options, filepath: SCHEMA_PATH });
}

async function main(): Promise<void> {
  const binaryPath = process.argv[2] ?? '/usr/bin/kubectl';
  const out = process.argv[3] ?? SCHEMA_PATH;
  const descriptors = embeddedDescriptors(readFileSync(binaryPath));
  const kept = [...descriptors.values()].filter(
    (f) => /^k8s\.io\/.*generated\.proto$/.test(f.name) && PACKAGES.includes(f.package),
  );
  const missing = PACKAGES.filter((p) => !kept.some((f) => f.package === p));
  if (missing.length) throw new Error(`${binaryPath}: no descriptor for ${missing.join(', ')}`);
  const warnings: string[] = [];
  const table = buildTable(kept, generateDefinitions(), (m) => warnings.push(m));
  for (const w of warnings) console.warn(`gen-protobuf-schema: ${w}`);
  const text = await formatted(table);
  writeFileSync(out, text);
  console.log(
    `gen-protobuf-schema: ${descriptors.size} descriptors in ${binaryPath}, kept ${kept.length} files, ` +
      `${Object.keys(table.messages).length} messages, ${text.length} bytes → ${relative(process.cwd(), out)}`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
