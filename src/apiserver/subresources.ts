/**
 * Subresources with their own handlers (`pods/binding`, `pods/eviction`; log, exec,
 * ephemeralcontainers join later). `status` is served by the generic handlers.
 */
import type { RequestContext } from './handlers/context.js';
import { handleBinding } from './handlers/binding.js';
import { handleEphemeralContainers } from './handlers/ephemeral-containers.js';
import { handleScale } from './handlers/scale.js';
import { handleEviction } from './handlers/eviction.js';
import { logHandler } from './handlers/log.js';
import { badRequest } from '../apimachinery/errors.js';
import type { KubeletClientConfig } from './proxy/kubelet.js';

export type SubresourceHandler = (ctx: RequestContext) => Promise<void>;
export type SubresourceHandlers = Map<string, SubresourceHandler>;

/** exec/attach/portforward are upgrade requests (streaming/upgrade.ts); a plain request is refused. */
const upgradeRequired: SubresourceHandler = async () => {
  throw badRequest('Upgrade request required');
};

export function builtinSubresources(): SubresourceHandlers {
  return new Map<string, SubresourceHandler>([
    ['pods/binding', handleBinding],
    ['pods/eviction', handleEviction],
    ['pods/ephemeralcontainers', handleEphemeralContainers],
    ['deployments/scale', handleScale],
    ['replicasets/scale', handleScale],
    ['statefulsets/scale', handleScale],
    ['replicationcontrollers/scale', handleScale],
  ]);
}

/** The subresources served by the pod's kubelet; the server adds them with its kubelet credentials. */
export function kubeletSubresources(kubelet: KubeletClientConfig): SubresourceHandlers {
  return new Map<string, SubresourceHandler>([
    ['pods/log', logHandler(kubelet)],
    ['pods/exec', upgradeRequired],
    ['pods/attach', upgradeRequired],
    ['pods/portforward', upgradeRequired],
  ]);
}
