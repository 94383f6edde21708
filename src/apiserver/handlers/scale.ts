/**
 * The `scale` subresource of replicated workloads (GET, PUT, PATCH of an autoscaling/v1 Scale),
 * as upstream's ScaleREST: the Scale is a view of the parent — spec.replicas from its spec,
 * status.replicas from its status and status.selector as a selector string — and a write changes
 * only the parent's spec.replicas (a main-resource update: generation bump and full validation).
 * A Scale carrying a resourceVersion must match the parent's (409 otherwise).
 */
import type { Scale } from 'kubernetes-types/autoscaling/v1.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { badRequest, conflict, invalid, methodNotSupported } from '../../apimachinery/errors.js';
import { formatLabelSelector, selectorFromSet } from '../../apimachinery/labels/index.js';
import { APPLY_PATCH, applyPatch } from '../../apimachinery/patch/index.js';
import { FieldPath } from '../../apimachinery/validation/field.js';
import { validateNonnegativeField } from '../../apis/meta/validation.js';
import type { KubeObject } from '../../registry/resource.js';
import { decodeObject, mediaType, readBody } from '../negotiation.js';
import { type RequestContext, checkTypeMeta, dryRun, writeObject } from './context.js';

const SCALE_DEFINITION = 'io.k8s.api.autoscaling.v1.Scale';

/** What the scale subresource reads of a workload (spec.selector is a LabelSelector or, for RCs, a map). */
interface Scalable extends KubeObject {
  spec?: { replicas?: number; selector?: LabelSelector | Record<string, string> };
  status?: { replicas?: number };
}

const isLabelSelector = (s: LabelSelector | Record<string, string>): s is LabelSelector =>
  'matchLabels' in s || 'matchExpressions' in s;

function selectorString(obj: Scalable): string {
  const s = obj.spec?.selector;
  if (!s) return '';
  if (isLabelSelector(s)) {
    const text = formatLabelSelector(s);
    return text === '<none>' || text === '<error>' ? '' : text;
  }
  return selectorFromSet(s).toString();
}

/** The Scale view of a workload. */
export function scaleOf(obj: Scalable): Scale {
  const m = obj.metadata ?? {};
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: {
      name: m.name ?? '',
      ...(m.namespace ? { namespace: m.namespace } : {}),
      ...(m.uid ? { uid: m.uid } : {}),
      ...(m.resourceVersion ? { resourceVersion: m.resourceVersion } : {}),
      ...(m.creationTimestamp ? { creationTimestamp: m.creationTimestamp } : {}),
    },
    spec: { replicas: obj.spec?.replicas ?? 0 },
    status: { replicas: obj.status?.replicas ?? 0, selector: selectorString(obj) },
  };
}

function checkScale(ctx: RequestContext, scale: Scale, current: KubeObject): void {
  const errs = validateNonnegativeField(scale.spec?.replicas, FieldPath.root('spec').child('replicas'));
  if (errs.length) throw invalid('Scale', 'autoscaling', ctx.info.name, errs);
  const rv = scale.metadata?.resourceVersion;
  if (rv && rv !== current.metadata?.resourceVersion) {
    throw conflict(
      { group: ctx.resource.group, resource: ctx.resource.plural },
      ctx.info.name,
      'the object has been modified; please apply your changes to the latest version and try again',
    );
  }
}

/** Writes a new Scale (from the current one) back to the workload; answers the updated Scale. */
async function writeScale(ctx: RequestContext, next: (current: Scale) => Scale): Promise<void> {
  const updated = await ctx.registry.guaranteedUpdate(
    ctx.info.namespace,
    ctx.info.name,
    (obj) => {
      const workload = obj as Scalable;
      const scale = next(scaleOf(workload));
      checkTypeMeta(ctx, scale, 'Scale', 'autoscaling/v1');
      if (scale.metadata?.name && scale.metadata.name !== ctx.info.name) {
        throw badRequest(
          `the name of the object (${scale.metadata.name}) does not match the name on the URL (${ctx.info.name})`,
        );
      }
      checkScale(ctx, scale, workload);
      (workload.spec ??= {}).replicas = scale.spec?.replicas ?? 0;
      return workload;
    },
    { dryRun: dryRun(ctx.query) },
  );
  writeObject(ctx, 200, scaleOf(updated as Scalable));
}

export async function handleScale(ctx: RequestContext): Promise<void> {
  const resource = { group: ctx.resource.group, resource: `${ctx.resource.plural}/scale` };
  switch (ctx.info.verb) {
    case 'get':
      writeObject(ctx, 200, scaleOf((await ctx.registry.get(ctx.info.namespace, ctx.info.name)) as Scalable));
      return;
    case 'update': {
      const body = decodeObject(await readBody(ctx.req), ctx.req.headers['content-type'], {
        apiVersion: 'autoscaling/v1',
        kind: 'Scale',
      }) as Scale;
      await writeScale(ctx, () => body);
      return;
    }
    case 'patch': {
      const type = mediaType(ctx.req.headers['content-type']);
      const raw = (await readBody(ctx.req)).toString('utf8');
      let patch: unknown;
      try {
        patch = type === APPLY_PATCH ? undefined : JSON.parse(raw);
      } catch (err) {
        throw badRequest(`error decoding patch (${type}): ${(err as Error).message}`);
      }
      const defs = ctx.api.definitions();
      await writeScale(ctx, (current) => {
        const next = applyPatch(type, current, patch, defs[SCALE_DEFINITION], defs);
        if (next === null || typeof next !== 'object' || Array.isArray(next)) {
          throw badRequest('the patch did not produce an object');
        }
        return next as Scale;
      });
      return;
    }
    default:
      throw methodNotSupported(resource, ctx.info.verb);
  }
}
