/**
 * `serviceaccounts/token` (POST an authentication.k8s.io/v1 TokenRequest; upstream
 * `pkg/registry/core/serviceaccount/storage/token.go`): a token for the service account, bound to
 * a Pod when `boundObjectRef` names one (that pod must exist with the given uid and run as this
 * service account; a node may only ask for pods bound to it). Answers 201 with `status.token`.
 */
import type { TokenRequest } from 'kubernetes-types/authentication/v1.js';
import type { Pod, ServiceAccount } from 'kubernetes-types/core/v1.js';
import { badRequest, conflict, forbidden, invalid, methodNotSupported } from '../apimachinery/errors.js';
import { NODE_USER_PREFIX } from '../apiserver/authentication.js';
import { type RequestContext, checkTypeMeta, writeObject } from '../apiserver/handlers/context.js';
import { decodeObject, readBody } from '../apiserver/negotiation.js';
import type { KubeObject } from '../registry/resource.js';
import type { BoundObject, TokenIssuer } from './issuer.js';

/** Upstream's bounds on a requested lifetime: at least 10 minutes, at most 2^32 seconds. */
export const MIN_EXPIRATION_SECONDS = 600;
export const MAX_EXPIRATION_SECONDS = 2 ** 32;
export const DEFAULT_EXPIRATION_SECONDS = 3600;

const group = 'authentication.k8s.io';

export function tokenRequestHandler(issuer: TokenIssuer): (ctx: RequestContext) => Promise<void> {
  return async (ctx) => {
    if (ctx.info.verb !== 'create') {
      throw methodNotSupported({ group: '', resource: 'serviceaccounts/token' }, ctx.info.verb);
    }
    const body = decodeObject(await readBody(ctx.req), ctx.req.headers['content-type'], {
      apiVersion: `${group}/v1`,
      kind: 'TokenRequest',
    });
    checkTypeMeta(ctx, body, 'TokenRequest', `${group}/v1`);
    const req = body as unknown as TokenRequest;
    const { namespace, name } = ctx.info;
    const seconds = req.spec?.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
    if (seconds < MIN_EXPIRATION_SECONDS || seconds > MAX_EXPIRATION_SECONDS) {
      throw invalid('TokenRequest', group, name, [
        {
          type: 'FieldValueInvalid',
          field: 'spec.expirationSeconds',
          value: seconds,
          detail:
            seconds < MIN_EXPIRATION_SECONDS
              ? 'may not specify a duration less than 10 minutes'
              : 'may not specify a duration larger than 2^32 seconds',
        },
      ]);
    }
    const sa = (await ctx.registry.get(namespace, name)) as ServiceAccount;
    let pod: BoundObject | undefined;
    let node: BoundObject | undefined;
    const ref = req.spec?.boundObjectRef;
    if (ref) {
      if (ref.kind !== 'Pod' || (ref.apiVersion && ref.apiVersion !== 'v1')) {
        throw badRequest(
          `cannot bind a token to an object of kind ${ref.kind ?? ''}: only v1 Pods are supported`,
        );
      }
      const pods = ctx.api.registry('', 'v1', 'pods');
      const p = (await pods.get(namespace, ref.name ?? '')) as Pod;
      const uid = p.metadata?.uid ?? '';
      if (ref.uid && ref.uid !== uid) {
        throw conflict(
          { group: '', resource: 'pods' },
          ref.name ?? '',
          `the UID in the bound object reference (${ref.uid}) does not match the pod's (${uid}): it may have been deleted and made again`,
        );
      }
      if ((p.spec?.serviceAccountName ?? 'default') !== name) {
        throw badRequest(
          `pod ${namespace}/${ref.name} runs as service account "${p.spec?.serviceAccountName}", not "${name}"`,
        );
      }
      if (
        ctx.user.name.startsWith(NODE_USER_PREFIX) &&
        p.spec?.nodeName !== ctx.user.name.slice(NODE_USER_PREFIX.length)
      ) {
        throw forbidden(
          { group: '', resource: 'serviceaccounts/token' },
          name,
          `node may only request tokens for pods bound to it`,
        );
      }
      pod = { name: p.metadata?.name ?? '', uid };
      if (p.spec?.nodeName) node = { name: p.spec.nodeName, uid: '' };
    }
    const audiences = req.spec?.audiences?.length ? req.spec.audiences : issuer.apiAudiences;
    const { token, expirationTimestamp } = issuer.issue({
      namespace,
      serviceAccount: { name, uid: sa.metadata?.uid ?? '' },
      audiences,
      expirationSeconds: seconds,
      ...(pod ? { pod } : {}),
      ...(node ? { node } : {}),
    });
    const out: TokenRequest & KubeObject = {
      apiVersion: `${group}/v1`,
      kind: 'TokenRequest',
      metadata: { name, namespace, creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') },
      spec: { ...req.spec, audiences, expirationSeconds: seconds },
      status: { token, expirationTimestamp: expirationTimestamp.toISOString().replace(/\.\d+Z$/, 'Z') },
    };
    writeObject(ctx, 201, out);
  };
}
