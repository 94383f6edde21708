/** What a resource handler gets: the parsed request, the resource's registry and the served API. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StatusError, badRequest, internal } from '../../apimachinery/errors.js';
import type { KubeObject, ResourceType } from '../../registry/resource.js';
import type { Api } from '../api.js';
import type { RegistryStore } from '../generic-registry/store.js';
import { type Output, encode } from '../negotiation.js';
import type { ResourceRequest } from '../request-info.js';
import type { UserInfo } from '../authentication.js';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  info: ResourceRequest;
  resource: ResourceType;
  registry: RegistryStore;
  api: Api;
  user: UserInfo;
  output: Output;
  /** Warnings sent back in `Warning` headers (e.g. unknown fields with fieldValidation=Warn). */
  warnings: string[];
}

export function writeObject(ctx: RequestContext, code: number, obj: unknown): void {
  const { body, contentType } = encode(ctx.output.format, obj);
  setWarnings(ctx);
  ctx.res.writeHead(code, { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private' });
  ctx.res.end(body);
}

/** Characters of list items gathered before they are written as one chunk. */
const listChunkChars = 256 * 1024;
/** Bytes of a list response buffered for the client beyond which writing waits for it. */
const listBufferChars = 32 * 1024 * 1024;

/**
 * A list response: `envelope` (kind, apiVersion, metadata) with `items` after it. JSON is
 * streamed in chunks of items, with the same bytes as encoding the whole list at once, so a list
 * larger than the biggest string V8 can hold can still be sent, and at most a bounded amount of
 * it waits in memory for a slow client; other formats are encoded whole.
 */
export async function writeList(
  ctx: RequestContext,
  envelope: Record<string, unknown>,
  items: readonly unknown[],
): Promise<void> {
  if (ctx.output.format !== 'json') {
    writeObject(ctx, 200, { ...envelope, items });
    return;
  }
  setWarnings(ctx);
  const { res } = ctx;
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  const head = JSON.stringify(envelope);
  let chunk = `${head.slice(0, -1)}${head.length > 2 ? ',' : ''}"items":[`;
  for (let i = 0; i < items.length; i++) {
    chunk += (i > 0 ? ',' : '') + (JSON.stringify(items[i]) ?? 'null');
    if (chunk.length >= listChunkChars) {
      res.write(chunk);
      chunk = '';
      // a small list goes out in one go; a huge one waits for the client to keep up
      if (res.writableLength >= listBufferChars) await drained(res);
      if (res.destroyed) return;
    }
  }
  res.end(`${chunk}]}`);
}

/** Waits until the response can take more data (or is gone). */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function setWarnings(ctx: RequestContext): void {
  if (ctx.warnings.length) {
    ctx.res.setHeader(
      'Warning',
      ctx.warnings.map((w) => `299 - ${JSON.stringify(w)}`),
    );
  }
}

export function writeError(res: ServerResponse, err: unknown): number {
  const e = err instanceof StatusError ? err : internal(err instanceof Error ? err.message : String(err));
  if (!res.headersSent) {
    res.writeHead(e.code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
    res.end(JSON.stringify(e.status));
  } else {
    res.end();
  }
  return e.code;
}

export const dryRun = (q: URLSearchParams): boolean => {
  const v = q.getAll('dryRun');
  if (v.some((x) => x !== 'All'))
    throw badRequest(`dryRun: Unsupported value: "${v.find((x) => x !== 'All')}": supported values: "All"`);
  return v.length > 0;
};

/** The object's namespace/name must agree with the URL's (400 otherwise); fills them in when absent. */
export function checkIdentity(ctx: RequestContext, obj: KubeObject, name?: string): void {
  const meta = (obj.metadata ??= {});
  if (ctx.resource.namespaced) {
    if (meta.namespace && meta.namespace !== ctx.info.namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    meta.namespace = ctx.info.namespace;
  }
  if (name !== undefined) {
    if (meta.name && meta.name !== name) {
      throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
    }
    meta.name = name;
  }
}

export function checkTypeMeta(
  ctx: RequestContext,
  obj: KubeObject,
  kind = ctx.resource.kind,
  apiVersion?: string,
): void {
  const want =
    apiVersion ??
    (ctx.resource.group ? `${ctx.resource.group}/${ctx.resource.version}` : ctx.resource.version);
  if (obj.apiVersion !== undefined && obj.apiVersion !== want) {
    throw badRequest(
      `the API version in the data (${obj.apiVersion}) does not match the expected API version (${want})`,
    );
  }
  if (obj.kind !== undefined && obj.kind !== kind) {
    throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${kind})`);
  }
}
