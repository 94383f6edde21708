/** DELETE of one object (graceful, with preconditions) and of a collection. */
import { badRequest, isNotFound } from '../../apimachinery/errors.js';
import { apiVersionOf } from '../../registry/resource.js';
import type { DeleteOptions } from '../generic-registry/store.js';
import { decodeObject, readBody } from '../negotiation.js';
import { filterFromQuery } from '../selectors.js';
import { type RequestContext, dryRun, writeObject } from './context.js';

const policies = ['Orphan', 'Background', 'Foreground'] as const;

async function deleteOptions(ctx: RequestContext): Promise<DeleteOptions> {
  const q = ctx.query;
  const body = await readBody(ctx.req);
  const opts: Record<string, unknown> =
    body.length > 0 ? decodeObject(body, ctx.req.headers['content-type'] ?? 'application/json') : {};
  const out: DeleteOptions = {
    dryRun: dryRun(q) || (Array.isArray(opts.dryRun) && opts.dryRun.includes('All')),
  };
  const grace = q.get('gracePeriodSeconds') ?? opts.gracePeriodSeconds;
  if (grace !== undefined && grace !== null) {
    const n = Number(grace);
    if (!Number.isInteger(n)) throw badRequest(`gracePeriodSeconds: Invalid value: "${String(grace)}"`);
    out.gracePeriodSeconds = Math.max(0, n);
  }
  const policy = q.get('propagationPolicy') ?? opts.propagationPolicy;
  if (policy !== undefined && policy !== null) {
    if (!policies.includes(policy as (typeof policies)[number])) {
      throw badRequest(
        `propagationPolicy: Unsupported value: "${String(policy)}": supported values: "Orphan", "Background", "Foreground"`,
      );
    }
    out.propagationPolicy = policy as DeleteOptions['propagationPolicy'];
  }
  const orphan = q.get('orphanDependents') ?? opts.orphanDependents;
  if (out.propagationPolicy === undefined && (orphan === true || orphan === 'true'))
    out.propagationPolicy = 'Orphan';
  const pre = opts.preconditions as DeleteOptions['preconditions'] | undefined;
  if (pre && typeof pre === 'object') out.preconditions = pre;
  return out;
}

export async function handleDelete(ctx: RequestContext): Promise<void> {
  const options = await deleteOptions(ctx);
  const { object, deleted } = await ctx.registry.delete(ctx.info.namespace, ctx.info.name, options);
  writeObject(ctx, deleted ? 200 : 202, object);
}

export async function handleDeleteCollection(ctx: RequestContext): Promise<void> {
  const options = await deleteOptions(ctx);
  const filter = filterFromQuery(ctx.resource, ctx.query);
  const list = await ctx.registry.list(ctx.info.namespace, filter ? { filter } : {});
  const items = [];
  for (const obj of list.items) {
    try {
      const res = await ctx.registry.delete(obj.metadata?.namespace ?? '', obj.metadata?.name ?? '', options);
      items.push(res.object);
    } catch (err) {
      // An object deleted meanwhile is already gone; anything else stops the collection delete.
      if (!isNotFound(err)) throw err;
    }
  }
  writeObject(ctx, 200, {
    kind: `${ctx.resource.kind}List`,
    apiVersion: apiVersionOf(ctx.resource),
    metadata: { resourceVersion: list.resourceVersion },
    items,
  });
}
