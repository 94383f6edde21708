/**
 * `pods/binding` (POST): assigns a pod to a node, as the scheduler does (see `bindPod` for the
 * rules); answers 201 with a Success Status.
 */
import type { Binding, Pod } from 'kubernetes-types/core/v1.js';
import { methodNotSupported } from '../../apimachinery/errors.js';
import { bindPod } from '../../registry/core/pod/binding.js';
import type { KubeObject } from '../../registry/resource.js';
import { decodeObject, readBody } from '../negotiation.js';
import { type RequestContext, checkTypeMeta, writeObject } from './context.js';

export async function handleBinding(ctx: RequestContext): Promise<void> {
  if (ctx.info.verb !== 'create') {
    throw methodNotSupported({ group: '', resource: 'pods/binding' }, ctx.info.verb);
  }
  const binding = decodeObject(
    await readBody(ctx.req),
    ctx.req.headers['content-type'],
  ) as unknown as Binding;
  checkTypeMeta(ctx, binding, 'Binding', 'v1');
  await ctx.registry.guaranteedUpdate(
    ctx.info.namespace,
    ctx.info.name,
    (pod) => bindPod(pod as Pod, binding) as KubeObject,
    { subresource: 'binding' },
  );
  writeObject(ctx, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}
