/**
 * The `/openapi/v2` document in the protobuf form kubectl asks for (`Accept:
 * application/com.github.proto-openapi.spec.v2@v1.0+protobuf`, the gnostic `openapi.v2.Document`
 * message). kubectl ≤1.28 fetches it before `explain` even when it then renders from v3, and uses
 * it for client-side apply. Vendor extensions travel as YAML text (JSON is valid YAML).
 */
import type { Schema } from '../apimachinery/schema.js';
import type { OpenAPIV2Document } from './v2.js';

/** The Content-Type to answer with; Go's MIME parser rejects the `@` of the form clients send. */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
/** Whether an Accept header asks for the protobuf form (either spelling: `…spec.v2@v1.0+protobuf`, `…spec.v2.v1.0+protobuf`). */
export const acceptsOpenAPIV2Protobuf = (accept: string | undefined): boolean =>
  /application\/com\.github\.proto-openapi\.spec\.v2[@.]v1\.0\+protobuf/.test(accept ?? '');

type Bytes = Uint8Array;
type JsonObject = { [key: string]: unknown };
const EMPTY: Bytes = new Uint8Array(0);

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 127) {
    out.push((v % 128) | 128);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

const concat = (parts: Bytes[]): Bytes => Buffer.concat(parts);
const tag = (field: number, wire: number): Bytes => Uint8Array.from(varint(field * 8 + wire));

/** A length-delimited field: a sub-message, or the bytes of a string. */
const message = (field: number, body: Bytes): Bytes =>
  concat([tag(field, 2), Uint8Array.from(varint(body.length)), body]);
const string = (field: number, s: unknown): Bytes =>
  typeof s === 'string' && s !== '' ? message(field, Buffer.from(s, 'utf8')) : EMPTY;
const strings = (field: number, list: unknown): Bytes =>
  concat(Array.isArray(list) ? list.map((s) => string(field, s)) : []);
const bool = (field: number, b: unknown): Bytes =>
  b === true ? concat([tag(field, 0), Uint8Array.of(1)]) : EMPTY;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const entries = (v: unknown): Array<[string, unknown]> => (isObject(v) ? Object.entries(v) : []);

/** `NamedAny` entries for the `x-` keys of `o`. */
function vendorExtensions(field: number, o: JsonObject): Bytes {
  const out: Bytes[] = [];
  for (const [name, value] of Object.entries(o)) {
    if (!name.startsWith('x-')) continue;
    const any = string(2, JSON.stringify(value));
    out.push(message(field, concat([string(1, name), message(2, any)])));
  }
  return concat(out);
}

function schema(s: Schema): Bytes {
  const o = s as JsonObject;
  const parts: Bytes[] = [
    string(1, s.$ref),
    string(2, s.format),
    string(4, s.description),
    strings(19, s.required),
  ];
  if (s.additionalProperties !== undefined) {
    const ap = s.additionalProperties;
    parts.push(message(21, typeof ap === 'boolean' ? bool(2, ap) : message(1, schema(ap))));
  }
  if (s.type) parts.push(message(22, string(1, s.type)));
  if (s.items) parts.push(message(23, message(1, schema(s.items))));
  if (s.properties) {
    const named = Object.entries(s.properties).map(([name, p]) =>
      message(1, concat([string(1, name), message(2, schema(p))])),
    );
    parts.push(message(25, concat(named)));
  }
  parts.push(vendorExtensions(31, o));
  return concat(parts);
}

function parameter(p: JsonObject): Bytes {
  if (p['in'] === 'body') {
    const body = concat([
      string(1, p['description']),
      string(2, p['name']),
      string(3, p['in']),
      bool(4, p['required']),
      isObject(p['schema']) ? message(5, schema(p['schema'] as Schema)) : EMPTY,
    ]);
    return message(1, message(1, body));
  }
  const path = p['in'] === 'path';
  const sub = concat([
    bool(1, p['required']),
    string(2, p['in']),
    string(3, p['description']),
    string(4, p['name']),
    string(path ? 5 : 6, p['type']),
    bool(path ? 19 : 20, p['uniqueItems']),
  ]);
  return message(1, message(2, message(path ? 4 : 3, sub)));
}

const parameters = (field: number, list: unknown): Bytes =>
  concat(Array.isArray(list) ? list.filter(isObject).map((p) => message(field, parameter(p))) : []);

function responses(r: unknown): Bytes {
  const codes = entries(r).map(([code, value]) => {
    const v = isObject(value) ? value : {};
    const response = concat([
      string(1, v['description']),
      isObject(v['schema']) ? message(2, message(1, schema(v['schema'] as Schema))) : EMPTY,
    ]);
    return message(1, concat([string(1, code), message(2, message(1, response))]));
  });
  return concat(codes);
}

function operation(o: JsonObject): Bytes {
  return concat([
    strings(1, o['tags']),
    string(3, o['description']),
    string(5, o['operationId']),
    strings(6, o['produces']),
    strings(7, o['consumes']),
    parameters(8, o['parameters']),
    message(9, responses(o['responses'])),
    strings(10, o['schemes']),
    vendorExtensions(13, o),
  ]);
}

const METHOD_FIELDS: Record<string, number> = { get: 2, put: 3, post: 4, delete: 5, patch: 8 };

function pathItem(item: JsonObject): Bytes {
  const parts: Bytes[] = [];
  for (const [method, field] of Object.entries(METHOD_FIELDS)) {
    const op = item[method];
    if (isObject(op)) parts.push(message(field, operation(op)));
  }
  parts.push(parameters(9, item['parameters']));
  return concat(parts);
}

function securityDefinitions(defs: JsonObject): Bytes {
  return concat(
    entries(defs).map(([name, d]) => {
      const v = isObject(d) ? d : {};
      const apiKey = concat([
        string(1, v['type']),
        string(2, v['name']),
        string(3, v['in']),
        string(4, v['description']),
      ]);
      return message(1, concat([string(1, name), message(2, message(2, apiKey))]));
    }),
  );
}

function security(list: JsonObject[]): Bytes {
  return concat(
    list.map((req) => {
      const named = entries(req).map(([name, scopes]) =>
        message(1, concat([string(1, name), message(2, strings(1, scopes))])),
      );
      return message(12, concat(named));
    }),
  );
}

/** Encodes the Swagger document as a gnostic `openapi.v2.Document`. */
export function openapiV2Protobuf(doc: OpenAPIV2Document): Uint8Array {
  const paths = Object.entries(doc.paths).map(([name, item]) =>
    message(2, concat([string(1, name), message(2, pathItem(item))])),
  );
  const definitions = Object.entries(doc.definitions).map(([name, s]) =>
    message(1, concat([string(1, name), message(2, schema(s))])),
  );
  return concat([
    string(1, doc.swagger),
    message(2, concat([string(1, doc.info.title), string(2, doc.info.version)])),
    message(8, concat(paths)),
    message(9, concat(definitions)),
    security(doc.security),
    message(13, securityDefinitions(doc.securityDefinitions)),
  ]);
}
