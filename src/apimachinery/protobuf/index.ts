/**
 * Kubernetes protobuf request bodies (`Content-Type: application/vnd.kubernetes.protobuf`, what
 * client-go's typed clients, and so kubectl's `create`, `drain`, … send): decoded into the JSON
 * object a JSON client would have sent for the same Go value. Encoding is not supported; answers
 * stay JSON, which clients accept.
 *
 * A body is the magic `k8s\0` and a `runtime.Unknown` envelope: `typeMeta` {apiVersion, kind}, and
 * `raw`, the object's own message (without its TypeMeta).
 */
import { badRequest, StatusError, unsupportedMediaType } from '../errors.js';
import { decodeMessage, type DecodeOptions } from './decode.js';
import { messageForKind } from './kinds.js';
import { hasMagic, MAGIC, parseUnknown, type Envelope } from './well-known.js';
import { WireError } from './wire.js';

export { MAGIC as KUBERNETES_PROTOBUF_MAGIC } from './well-known.js';
export { formatDuration, formatTime } from './well-known.js';

export const KUBERNETES_PROTOBUF = 'application/vnd.kubernetes.protobuf';

const mediaTypeOf = (contentType: string): string =>
  (contentType.split(';', 1)[0] ?? '').trim().toLowerCase();

/** Whether a Content-Type names Kubernetes protobuf (parameters aside). */
export const isKubernetesProtobuf = (contentType: string | undefined): boolean =>
  mediaTypeOf(contentType ?? '') === KUBERNETES_PROTOBUF;

/** What to assume when the envelope leaves `apiVersion` or `kind` empty (the request's endpoint). */
export interface KindDefaults {
  apiVersion?: string;
  kind?: string;
}

const MAX_EMBEDDING = 10;

/** An envelope may also carry JSON (`contentType: application/json`), e.g. inside a RawExtension. */
function jsonObject(raw: Uint8Array, kind: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(raw));
  } catch {
    throw new WireError(`the embedded ${kind} is not valid JSON`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new WireError(`the embedded ${kind} is not a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

function decodeEnvelope(envelope: Envelope, embedding: number): Record<string, unknown> {
  if (embedding > MAX_EMBEDDING) throw new WireError('objects embedded too deeply');
  const { apiVersion, kind, raw, contentEncoding, contentType } = envelope;
  if (contentEncoding) {
    throw unsupportedMediaType(`${contentType || KUBERNETES_PROTOBUF}; encoding ${contentEncoding}`);
  }
  if (!kind) throw badRequest(`Object 'Kind' is missing in the protobuf body`);
  if (!apiVersion) throw badRequest(`Object 'apiVersion' is missing in the protobuf body`);
  if (contentType && !isKubernetesProtobuf(contentType)) {
    if (mediaTypeOf(contentType) !== 'application/json') throw unsupportedMediaType(contentType);
    return { kind, apiVersion, ...jsonObject(raw, kind) };
  }
  const message = messageForKind(apiVersion, kind);
  if (!message) {
    throw badRequest(
      `no kind "${kind}" is registered for version "${apiVersion}": its protobuf form cannot be decoded`,
    );
  }
  const options: DecodeOptions = { embedded: (inner) => decodeEnvelope(inner, embedding + 1) };
  const object = decodeMessage(message, raw, options);
  return { kind, apiVersion, ...(object as Record<string, unknown>) };
}

/**
 * Decodes a Kubernetes protobuf body into its JSON object, `apiVersion` and `kind` set from the
 * envelope. Throws a 400 `StatusError` for a body that is not one, an unknown kind or malformed
 * data, and a 415 for an envelope declaring an encoding it cannot read.
 */
export function decodeKubernetesProtobuf(
  body: Uint8Array,
  defaults: KindDefaults = {},
): Record<string, unknown> {
  if (!hasMagic(body)) {
    throw badRequest(
      `provided data does not appear to be a protobuf message, expected prefix [${MAGIC.join(' ')}]`,
    );
  }
  if (body.length === MAGIC.length) throw badRequest('empty body');
  try {
    const envelope = parseUnknown(body.subarray(MAGIC.length));
    return decodeEnvelope(
      {
        ...envelope,
        apiVersion: envelope.apiVersion || (defaults.apiVersion ?? ''),
        kind: envelope.kind || (defaults.kind ?? ''),
      },
      0,
    );
  } catch (err) {
    if (err instanceof StatusError) throw err;
    if (err instanceof WireError) throw badRequest(`unable to decode the protobuf body: ${err.message}`);
    throw err;
  }
}
