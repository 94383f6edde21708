/**
 * `pods/eviction` (POST a policy/v1 Eviction): a pod deletion that respects its
 * PodDisruptionBudget (upstream's pkg/registry/core/pod/storage/eviction.go).
 *
 *   pod terminal, pending or already terminating → delete it (no budget involved)
 *   budgets selecting the pod: none → delete; more than one → 500
 *   one budget:
 *     pod not Ready and (AlwaysAllow, or the budget is met) → delete, pinned to the pod's
 *       resourceVersion (429 if it changed meanwhile: it may have become Ready)
 *     otherwise check-and-decrement the budget's status at the resourceVersion read (stale
 *       status or nothing allowed → 429; a conflict → read again and recheck), recording the
 *       pod in `disruptedPods`, then delete
 *   → 201 Success Status.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { DeleteOptions as MetaDeleteOptions } from 'kubernetes-types/meta/v1.js';
import type { Eviction, PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import {
  StatusError,
  badRequest,
  forbidden,
  isConflict,
  methodNotSupported,
} from '../../apimachinery/errors.js';
import {
  isPodReady,
  pdbMatchesPod,
  rfc3339,
  withDisruptionAllowedCondition,
} from '../../controllers/disruption/budget.js';
import type { KubeObject } from '../../registry/resource.js';
import type { DeleteOptions, RegistryStore } from '../generic-registry/store.js';
import { decodeObject, readBody } from '../negotiation.js';
import { type RequestContext, checkTypeMeta, dryRun, writeObject } from './context.js';

/** Evictions the disruption controller has not confirmed, at most (then 403). */
export const MAX_DISRUPTED_POD_SIZE = 2000;
/** Attempts at the budget's check-and-decrement before giving up on conflicts. */
const EVICTION_RETRIES = 20;

export const BUDGET_VIOLATION_MESSAGE = "Cannot evict pod as it would violate the pod's disruption budget.";

const pdbResource = { group: 'policy', resource: 'poddisruptionbudget' };

function tooManyRequests(causeMessage: string, retryAfterSeconds: number): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: BUDGET_VIOLATION_MESSAGE,
    reason: 'TooManyRequests',
    details: {
      ...(retryAfterSeconds > 0 ? { retryAfterSeconds } : {}),
      causes: [{ reason: 'DisruptionBudget', message: causeMessage }],
    },
    code: 429,
  });
}

const stillProcessing = (name: string): StatusError =>
  tooManyRequests(`The disruption budget ${name} is still being processed by the server.`, 10);

/**
 * checkAndDecrement: the budget's status after one more disruption of `podName`, or the error
 * that forbids it.
 */
export function decrementBudget(pdb: PodDisruptionBudget, podName: string, now: number): PodDisruptionBudget {
  const name = pdb.metadata?.name ?? '';
  const status = pdb.status ?? {
    currentHealthy: 0,
    desiredHealthy: 0,
    disruptionsAllowed: 0,
    expectedPods: 0,
  };
  if ((status.observedGeneration ?? 0) < (pdb.metadata?.generation ?? 0)) throw stillProcessing(name);
  if (status.disruptionsAllowed < 0)
    throw forbidden(pdbResource, name, 'pdb disruptions allowed is negative');
  if (Object.keys(status.disruptedPods ?? {}).length > MAX_DISRUPTED_POD_SIZE) {
    throw forbidden(
      pdbResource,
      name,
      'DisruptedPods map too big - too many evictions not confirmed by PDB controller',
    );
  }
  if (status.disruptionsAllowed === 0) {
    throw tooManyRequests(
      `The disruption budget ${name} needs ${status.desiredHealthy} healthy pods and has ${status.currentHealthy} currently`,
      0,
    );
  }
  let next = { ...status, disruptionsAllowed: status.disruptionsAllowed - 1 };
  if (next.disruptionsAllowed === 0) next = withDisruptionAllowedCondition(next, now);
  next.disruptedPods = { ...status.disruptedPods, [podName]: rfc3339(now) };
  return { ...pdb, status: next };
}

/** Pods whose eviction cannot disrupt anything more (canIgnorePDB). */
const canIgnoreBudget = (pod: Pod): boolean =>
  ['Succeeded', 'Failed', 'Pending'].includes(pod.status?.phase ?? '') || !!pod.metadata?.deletionTimestamp;

/** Terminal or terminating pods need no resourceVersion pin on their deletion. */
const shouldPinResourceVersion = (pod: Pod): boolean =>
  !['Succeeded', 'Failed'].includes(pod.status?.phase ?? '') && !pod.metadata?.deletionTimestamp;

function deleteOptionsOf(eviction: Eviction, queryDryRun: boolean): DeleteOptions {
  const o: MetaDeleteOptions = eviction.deleteOptions ?? {};
  const bodyDryRun = o.dryRun ?? [];
  if (bodyDryRun.some((v) => v !== 'All')) {
    throw badRequest(
      `dryRun: Unsupported value: "${bodyDryRun.find((v) => v !== 'All')}": supported values: "All"`,
    );
  }
  if (queryDryRun && bodyDryRun.length === 0 && o.dryRun !== undefined) {
    throw badRequest('Non-matching dry-run options in request and content: [All] and []');
  }
  const out: DeleteOptions = { dryRun: queryDryRun || bodyDryRun.length > 0 };
  if (o.gracePeriodSeconds !== undefined) out.gracePeriodSeconds = Math.max(0, o.gracePeriodSeconds);
  if (o.propagationPolicy !== undefined) {
    out.propagationPolicy = o.propagationPolicy as NonNullable<DeleteOptions['propagationPolicy']>;
  }
  if (o.preconditions) {
    out.preconditions = {
      ...(o.preconditions.uid ? { uid: o.preconditions.uid } : {}),
      ...(o.preconditions.resourceVersion ? { resourceVersion: o.preconditions.resourceVersion } : {}),
    };
  }
  return out;
}

const pinned = (options: DeleteOptions, pod: Pod): DeleteOptions => ({
  ...options,
  preconditions: { ...options.preconditions, resourceVersion: pod.metadata?.resourceVersion ?? '' },
});

const success = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };

export async function handleEviction(ctx: RequestContext): Promise<void> {
  if (ctx.info.verb !== 'create') {
    throw methodNotSupported({ group: '', resource: 'pods/eviction' }, ctx.info.verb);
  }
  const body = decodeObject(await readBody(ctx.req), ctx.req.headers['content-type'], {
    apiVersion: 'policy/v1',
    kind: 'Eviction',
  });
  const eviction = body as unknown as Eviction;
  const v1beta1 = body.apiVersion === 'policy/v1beta1';
  checkTypeMeta(ctx, body, 'Eviction', v1beta1 ? 'policy/v1beta1' : 'policy/v1');
  const { namespace, name } = ctx.info;
  if (eviction.metadata?.name && eviction.metadata.name !== name) {
    throw badRequest('name in URL does not match name in Eviction object');
  }
  if (eviction.metadata?.namespace && eviction.metadata.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const options = deleteOptionsOf(eviction, dryRun(ctx.query));
  const callerPinned = !!options.preconditions?.resourceVersion;
  const pods = ctx.registry;

  // Pods past disrupting anything: delete them (retrying while the pod keeps changing).
  let pod: Pod;
  for (let attempt = 0; ; attempt++) {
    pod = (await pods.get(namespace, name)) as Pod;
    if (!canIgnoreBudget(pod)) break;
    const opts = shouldPinResourceVersion(pod) && !callerPinned ? pinned(options, pod) : options;
    try {
      await pods.delete(namespace, name, opts);
      return writeObject(ctx, 201, success);
    } catch (err) {
      if (!isConflict(err) || callerPinned || attempt >= EVICTION_RETRIES) throw err;
    }
  }

  const budgets = ctx.api.lookup('policy', 'v1', 'poddisruptionbudgets');
  const matching = budgets
    ? ((await budgets.list(namespace)).items as PodDisruptionBudget[]).filter((b) => pdbMatchesPod(b, pod))
    : [];
  if (matching.length > 1) {
    return writeObject(ctx, 500, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
      code: 500,
    });
  }
  const pdb = matching[0];
  let deleteOptions = options;
  if (pdb && budgets) {
    const policy = pdb.spec?.unhealthyPodEvictionPolicy ?? 'IfHealthyBudget';
    const st = pdb.status;
    const budgetMet = !!st && st.currentHealthy >= st.desiredHealthy && st.desiredHealthy > 0;
    if (!isPodReady(pod) && (policy === 'AlwaysAllow' || budgetMet)) {
      // An unready pod does not count as healthy: deleting it disrupts nothing.
      if (!callerPinned) deleteOptions = pinned(options, pod);
    } else {
      await takeFromBudget(budgets, pdb, name, !!options.dryRun);
    }
  }
  try {
    await pods.delete(namespace, name, deleteOptions);
  } catch (err) {
    // The pod changed since it was found unready: the client should try again.
    if (isConflict(err) && deleteOptions !== options) throw stillProcessing(pdb?.metadata?.name ?? '');
    throw err;
  }
  writeObject(ctx, 201, success);
}

/** Check-and-decrement on the budget's status with optimistic concurrency. */
async function takeFromBudget(
  budgets: RegistryStore,
  pdb: PodDisruptionBudget,
  podName: string,
  dryRun: boolean,
): Promise<void> {
  const ns = pdb.metadata?.namespace ?? '';
  const pdbName = pdb.metadata?.name ?? '';
  let current = pdb;
  for (let attempt = 0; attempt < EVICTION_RETRIES; attempt++) {
    if (attempt > 0) current = (await budgets.get(ns, pdbName)) as PodDisruptionBudget;
    const next = decrementBudget(current, podName, Date.now());
    if (dryRun) return;
    try {
      await budgets.guaranteedUpdate(
        ns,
        pdbName,
        () => next as KubeObject,
        { subresource: 'status' },
        current.metadata?.resourceVersion,
      );
      return;
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
  }
  throw new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `couldn't update PodDisruptionBudget "${pdbName}" due to conflicts`,
    reason: 'Timeout',
    details: { retryAfterSeconds: 10 },
    code: 504,
  });
}
