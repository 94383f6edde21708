/** GET of one object and LIST of a collection (JSON, YAML or Table). */
import { badRequest } from '../../apimachinery/errors.js';
import { apiVersionOf } from '../../registry/resource.js';
import { filterFromQuery } from '../selectors.js';
import { type IncludeObject, toTable } from '../table.js';
import { type RequestContext, writeList, writeObject } from './context.js';

export function includeObjectParam(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject') ?? 'Metadata';
  if (v !== 'None' && v !== 'Metadata' && v !== 'Object') {
    throw badRequest(
      `includeObject: Unsupported value: "${v}": supported values: "None", "Metadata", "Object"`,
    );
  }
  return v;
}

export async function handleGet(ctx: RequestContext): Promise<void> {
  const obj = await ctx.registry.get(ctx.info.namespace, ctx.info.name);
  if (ctx.output.as === 'Table') {
    const table = toTable(
      ctx.resource,
      [obj],
      { resourceVersion: obj.metadata?.resourceVersion ?? '' },
      {
        includeObject: includeObjectParam(ctx.query),
        withColumns: true,
        version: ctx.output.tableVersion ?? 'v1',
      },
    );
    writeObject(ctx, 200, table);
    return;
  }
  writeObject(ctx, 200, obj);
}

export function limitParam(q: URLSearchParams): number | undefined {
  const raw = q.get('limit');
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw badRequest(`limit: Invalid value: "${raw}": must be a non-negative integer`);
  return n;
}

export async function handleList(ctx: RequestContext): Promise<void> {
  const q = ctx.query;
  const rv = q.get('resourceVersion') ?? undefined;
  if (rv !== undefined && rv !== '' && !/^\d+$/.test(rv)) {
    throw badRequest(`resourceVersion: Invalid value: "${rv}": must be a non-negative integer`);
  }
  const filter = filterFromQuery(ctx.resource, q);
  const cont = q.get('continue') ?? undefined;
  const limit = limitParam(q);
  const list = await ctx.registry.list(ctx.info.namespace, {
    ...(filter ? { filter } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(cont ? { continue: cont } : {}),
    ...(rv !== undefined ? { resourceVersion: rv } : {}),
    ...(q.get('resourceVersionMatch') ? { resourceVersionMatch: q.get('resourceVersionMatch') ?? '' } : {}),
  });
  const listMeta: Record<string, unknown> = { resourceVersion: list.resourceVersion };
  if (list.continue) listMeta.continue = list.continue;
  if (list.remainingItemCount !== undefined) listMeta.remainingItemCount = list.remainingItemCount;
  if (ctx.output.as === 'Table') {
    writeObject(
      ctx,
      200,
      toTable(ctx.resource, list.items, listMeta, {
        includeObject: includeObjectParam(q),
        withColumns: true,
        version: ctx.output.tableVersion ?? 'v1',
      }),
    );
    return;
  }
  await writeList(
    ctx,
    { kind: `${ctx.resource.kind}List`, apiVersion: apiVersionOf(ctx.resource), metadata: listMeta },
    list.items,
  );
}
