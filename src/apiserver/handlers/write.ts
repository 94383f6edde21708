/** CREATE (POST), UPDATE (PUT) and PATCH, for objects and their status subresource. */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { badRequest, forbidden } from '../../apimachinery/errors.js';
import { mirrorPodForbiddenReason } from '../../registry/core/pod/admission.js';
import { applyPatch } from '../../apimachinery/patch/index.js';
import type { KubeObject } from '../../registry/resource.js';
import { strictDecodingError, unknownFieldMessage, unknownFields } from '../../openapi/strict.js';
import { decodeObject, mediaType, readBody } from '../negotiation.js';
import { type RequestContext, checkIdentity, checkTypeMeta, dryRun, writeObject } from './context.js';

type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

function fieldValidationParam(q: URLSearchParams): FieldValidation {
  const v = q.get('fieldValidation') ?? 'Warn';
  if (v !== 'Strict' && v !== 'Warn' && v !== 'Ignore') {
    throw badRequest(
      `fieldValidation: Unsupported value: "${v}": supported values: "Ignore", "Strict", "Warn"`,
    );
  }
  return v;
}

/** fieldValidation: unknown fields are a 400 (Strict), a warning (Warn) or ignored. */
export function checkUnknownFields(ctx: RequestContext, obj: KubeObject): void {
  const mode = fieldValidationParam(ctx.query);
  if (mode === 'Ignore') return;
  const unknown = unknownFields(obj, ctx.resource.definition, ctx.api.definitions());
  if (!unknown.length) return;
  if (mode === 'Strict') {
    const { kind, version } = ctx.resource;
    throw badRequest(
      `${kind} in version "${version}" cannot be handled as a ${kind}: ${strictDecodingError(unknown)}`,
    );
  }
  for (const f of unknown) ctx.warnings.push(unknownFieldMessage(f));
}

/** The request body as an object of this resource (JSON, YAML or protobuf). */
async function readObject(ctx: RequestContext): Promise<KubeObject> {
  const r = ctx.resource;
  const expected = { apiVersion: r.group ? `${r.group}/${r.version}` : r.version, kind: r.kind };
  return decodeObject(await readBody(ctx.req), ctx.req.headers['content-type'], expected) as KubeObject;
}

/** Mirror pods: only nodes create them, and they reference no other objects (403 otherwise). */
function admitMirrorPod(ctx: RequestContext, obj: KubeObject): void {
  const r = ctx.resource;
  if (r.group !== '' || r.plural !== 'pods' || ctx.info.subresource) return;
  const reason = mirrorPodForbiddenReason(obj as Pod, ctx.user);
  if (reason) throw forbidden({ group: r.group, resource: r.plural }, obj.metadata?.name ?? '', reason);
}

export async function handleCreate(ctx: RequestContext): Promise<void> {
  const obj = await readObject(ctx);
  checkTypeMeta(ctx, obj);
  checkIdentity(ctx, obj);
  checkUnknownFields(ctx, obj);
  admitMirrorPod(ctx, obj);
  const created = await ctx.registry.create(ctx.info.namespace, obj, { dryRun: dryRun(ctx.query) });
  writeObject(ctx, 201, created);
}

export async function handleUpdate(ctx: RequestContext): Promise<void> {
  const obj = await readObject(ctx);
  checkTypeMeta(ctx, obj);
  checkIdentity(ctx, obj, ctx.info.name);
  checkUnknownFields(ctx, obj);
  const updated = await ctx.registry.update(ctx.info.namespace, ctx.info.name, obj, {
    dryRun: dryRun(ctx.query),
    ...(ctx.info.subresource ? { subresource: ctx.info.subresource } : {}),
  });
  writeObject(ctx, 200, updated);
}

function decodePatch(body: Buffer, type: string): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw badRequest(`error decoding patch (${type}): ${(err as Error).message}`);
  }
}

export async function handlePatch(ctx: RequestContext): Promise<void> {
  const type = mediaType(ctx.req.headers['content-type']);
  const body = await readBody(ctx.req);
  const patch = type === 'application/apply-patch+yaml' ? undefined : decodePatch(body, type);
  const defs = ctx.api.definitions();
  const schema = defs[ctx.resource.definition];
  const precondition =
    patch && typeof patch === 'object' && !Array.isArray(patch)
      ? (patch as KubeObject).metadata?.resourceVersion
      : undefined;
  const updated = await ctx.registry.guaranteedUpdate(
    ctx.info.namespace,
    ctx.info.name,
    (current) => {
      const next = applyPatch(type, current, patch, schema, defs);
      if (next === null || typeof next !== 'object' || Array.isArray(next)) {
        throw badRequest('the patch did not produce an object');
      }
      const obj = next as KubeObject;
      checkTypeMeta(ctx, obj);
      checkIdentity(ctx, obj, ctx.info.name);
      checkUnknownFields(ctx, obj);
      return obj;
    },
    { dryRun: dryRun(ctx.query), ...(ctx.info.subresource ? { subresource: ctx.info.subresource } : {}) },
    precondition,
  );
  writeObject(ctx, 200, updated);
}
