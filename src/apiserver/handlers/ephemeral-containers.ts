/**
 * `pods/ephemeralcontainers` (GET, PUT, PATCH), as upstream's EphemeralContainersREST: the view is
 * the whole Pod, and a write changes nothing but `spec.ephemeralContainers` — the rest comes
 * from the stored pod (`prepareForEphemeralContainersUpdate`), then defaults and
 * `validateEphemeralContainersUpdate` (only additions; no ports, probes, lifecycle or resources;
 * names unique across every container) answer 422 Invalid like any other pod write.
 * `kubectl debug` sends a strategic merge patch here.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { badRequest, invalid, methodNotSupported } from '../../apimachinery/errors.js';
import { APPLY_PATCH, applyPatch } from '../../apimachinery/patch/index.js';
import {
  podStrategy,
  prepareForEphemeralContainersUpdate,
  validateEphemeralContainersUpdate,
} from '../../registry/core/pod/strategy.js';
import type { KubeObject } from '../../registry/resource.js';
import { decodeObject, mediaType, readBody } from '../negotiation.js';
import { type RequestContext, checkIdentity, checkTypeMeta, dryRun, writeObject } from './context.js';
import { checkUnknownFields } from './write.js';

const SUBRESOURCE = 'ephemeralcontainers';

/** The pod `input` asks for, reduced to an ephemeral-containers change of `current`; 422 when invalid. */
function nextPod(ctx: RequestContext, input: KubeObject, current: KubeObject): KubeObject {
  checkTypeMeta(ctx, input, 'Pod', 'v1');
  checkIdentity(ctx, input, ctx.info.name);
  checkUnknownFields(ctx, input);
  const old = current as Pod;
  const next = prepareForEphemeralContainersUpdate(input as Pod, old);
  podStrategy.defaults?.(next);
  const errs = validateEphemeralContainersUpdate(next, old);
  if (errs.length) throw invalid('Pod', '', ctx.info.name, errs);
  return next as KubeObject;
}

function decodePatch(body: Buffer, type: string): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw badRequest(`error decoding patch (${type}): ${(err as Error).message}`);
  }
}

async function update(ctx: RequestContext): Promise<KubeObject> {
  const input = decodeObject(await readBody(ctx.req), ctx.req.headers['content-type'], {
    apiVersion: 'v1',
    kind: 'Pod',
  }) as KubeObject;
  return ctx.registry.guaranteedUpdate(
    ctx.info.namespace,
    ctx.info.name,
    (current) => nextPod(ctx, input, current),
    { dryRun: dryRun(ctx.query), subresource: SUBRESOURCE },
    input.metadata?.resourceVersion,
  );
}

async function patch(ctx: RequestContext): Promise<KubeObject> {
  const type = mediaType(ctx.req.headers['content-type']);
  const body = await readBody(ctx.req);
  // applyPatch refuses server-side apply by name (415), as for the main resource
  const patchBody = type === APPLY_PATCH ? undefined : decodePatch(body, type);
  const defs = ctx.api.definitions();
  const schema = defs[ctx.resource.definition];
  const precondition =
    patchBody && typeof patchBody === 'object' && !Array.isArray(patchBody)
      ? (patchBody as KubeObject).metadata?.resourceVersion
      : undefined;
  return ctx.registry.guaranteedUpdate(
    ctx.info.namespace,
    ctx.info.name,
    (current) => {
      const patched = applyPatch(type, current, patchBody, schema, defs);
      if (patched === null || typeof patched !== 'object' || Array.isArray(patched)) {
        throw badRequest('the patch did not produce an object');
      }
      return nextPod(ctx, patched as KubeObject, current);
    },
    { dryRun: dryRun(ctx.query), subresource: SUBRESOURCE },
    precondition,
  );
}

export async function handleEphemeralContainers(ctx: RequestContext): Promise<void> {
  switch (ctx.info.verb) {
    case 'get':
      writeObject(ctx, 200, await ctx.registry.get(ctx.info.namespace, ctx.info.name));
      return;
    case 'update':
      writeObject(ctx, 200, await update(ctx));
      return;
    case 'patch':
      writeObject(ctx, 200, await patch(ctx));
      return;
    default:
      throw methodNotSupported({ group: '', resource: `pods/${SUBRESOURCE}` }, ctx.info.verb);
  }
}
