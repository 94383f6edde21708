/**
 * Content negotiation: which media type a response is written in (JSON, YAML, or a
 * meta.k8s.io Table for `kubectl get`), and how request bodies are decoded.
 */
import type { IncomingMessage } from 'node:http';
import YAML from 'yaml';
import { badRequest, notAcceptable, tooLarge, unsupportedMediaType } from '../apimachinery/errors.js';
import { decodeKubernetesProtobuf, isKubernetesProtobuf } from '../apimachinery/protobuf/index.js';

export const maxBodyBytes = 3 * 1024 * 1024;

export interface MediaRange {
  type: string;
  params: Record<string, string>;
}

export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header) return [{ type: '*/*', params: {} }];
  return header.split(',').map((part) => {
    const [type = '', ...params] = part.split(';').map((s) => s.trim());
    const p: Record<string, string> = {};
    for (const kv of params) {
      const i = kv.indexOf('=');
      if (i > 0) p[kv.slice(0, i).trim()] = kv.slice(i + 1).trim();
    }
    return { type: type.toLowerCase(), params: p };
  });
}

export type Output = { format: 'json' | 'yaml'; as?: 'Table'; tableVersion?: string };

/** Picks the response format for a resource request, honouring `as=Table`. */
export function negotiate(accept: string | undefined, allowTable: boolean): Output {
  for (const m of parseAccept(accept)) {
    const json = m.type === 'application/json' || m.type === '*/*' || m.type === 'application/*';
    if (m.params.as) {
      if (m.params.as === 'Table' && allowTable && m.params.g === 'meta.k8s.io' && json) {
        return { format: 'json', as: 'Table', tableVersion: m.params.v ?? 'v1' };
      }
      continue;
    }
    if (json) return { format: 'json' };
    if (m.type === 'application/yaml') return { format: 'yaml' };
  }
  throw notAcceptable('only the following media types are accepted: application/json, application/yaml');
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > maxBodyBytes) {
    req.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > maxBodyBytes) {
      req.resume();
      throw tooLarge();
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

export const mediaType = (contentType: string | undefined): string =>
  (contentType ?? 'application/json').split(';')[0]?.trim().toLowerCase() ?? 'application/json';

/**
 * Decodes a JSON, YAML or Kubernetes protobuf object body (kubectl's typed commands send
 * protobuf); anything unparsable is a 400. `expected` fills in apiVersion/kind when a protobuf
 * envelope leaves them empty.
 */
export function decodeObject(
  body: Buffer,
  contentType: string | undefined,
  expected: { apiVersion?: string; kind?: string } = {},
): Record<string, unknown> {
  const type = mediaType(contentType);
  if (isKubernetesProtobuf(type)) return decodeKubernetesProtobuf(body, expected);
  const text = body.toString('utf8');
  let value: unknown;
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw badRequest(`error decoding JSON body: ${(err as Error).message}`);
    }
  } else if (type === 'application/yaml' || type.endsWith('+yaml')) {
    try {
      value = YAML.parse(text);
    } catch (err) {
      throw badRequest(`error decoding YAML body: ${(err as Error).message}`);
    }
  } else {
    throw unsupportedMediaType(type);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest('the body of the request must be a JSON or YAML object');
  }
  return value as Record<string, unknown>;
}

export function encode(format: Output['format'], value: unknown): { body: string; contentType: string } {
  if (format === 'yaml') return { body: YAML.stringify(value), contentType: 'application/yaml' };
  return { body: JSON.stringify(value), contentType: 'application/json' };
}
