/**
 * Strict field validation (`fieldValidation=Strict|Warn`): the fields of an incoming object that
 * its schema does not declare, reported like upstream's strict JSON decoding does.
 */
import { resolveSchema, type Definitions, type Schema } from '../apimachinery/schema.js';

type JsonObject = { [key: string]: unknown };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function walk(
  value: unknown,
  schema: Schema | undefined,
  path: string,
  defs: Definitions,
  out: string[],
): void {
  const s = resolveSchema(defs, schema);
  if (!s) return;
  if (Array.isArray(value)) {
    if (s.items) value.forEach((item, i) => walk(item, s.items, `${path}[${i}]`, defs, out));
    return;
  }
  if (!isObject(value)) return;
  const map = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
  // An object schema declaring nothing (RawExtension, FieldsV1, JSON) holds arbitrary content.
  if (!s.properties && !map) return;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true || s.additionalProperties === true;
  for (const [key, child] of Object.entries(value)) {
    const known = s.properties?.[key];
    if (known) walk(child, known, `${path}.${key}`, defs, out);
    else if (map) walk(child, map, `${path}.${key}`, defs, out);
    else if (!preserve) out.push(`${path}.${key}`);
  }
}

/**
 * The paths (`.spec.containers[0].imagePullPolicyy`, in document order) of the fields of `obj`
 * that `kindDefinition` (a definition name or schema) does not declare. `apiVersion` and `kind`
 * are always accepted at the top; maps accept any key; `x-kubernetes-preserve-unknown-fields`
 * and schemas without declared fields accept anything below them.
 */
export function unknownFields(obj: unknown, kindDefinition: string | Schema, defs: Definitions): string[] {
  const schema = typeof kindDefinition === 'string' ? defs[kindDefinition] : kindDefinition;
  if (!schema || !isObject(obj)) return [];
  const { apiVersion: _apiVersion, kind: _kind, ...rest } = obj;
  const out: string[] = [];
  walk(rest, schema, '', defs, out);
  return out;
}

/**
 * Upstream's message for unknown fields: `strict decoding error: unknown field "spec.x", unknown
 * field "spec.y"`. The API server wraps it as `<Kind> in version "<v>" cannot be handled as a <Kind>: …`
 * (400 BadRequest) under `fieldValidation=Strict`; under `Warn` each `unknown field "…"` is a warning.
 */
export function strictDecodingError(fields: string[]): string {
  return `strict decoding error: ${fields.map(unknownFieldMessage).join(', ')}`;
}

/** `unknown field "spec.x"` for the path `.spec.x`: one strict error, or one `Warn` warning. */
export const unknownFieldMessage = (field: string): string => `unknown field "${field.replace(/^\./, '')}"`;
