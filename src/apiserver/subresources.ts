/**
 * Subresources with their own handlers (`pods/binding`, `pods/eviction`; log, exec,
 * ephemeralcontainers join later). `status` is served by the generic handlers.
 */
import type { RequestContext } from './handlers/context.js';
import { handleBinding } from './handlers/binding.js';
import { handleScale } from './handlers/scale.js';
import { handleEviction } from './handlers/eviction.js';

export type SubresourceHandler = (ctx: RequestContext) => Promise<void>;
export type SubresourceHandlers = Map<string, SubresourceHandler>;

export function builtinSubresources(): SubresourceHandlers {
  return new Map<string, SubresourceHandler>([
    ['pods/binding', handleBinding],
    ['pods/eviction', handleEviction],
    ['deployments/scale', handleScale],
    ['replicasets/scale', handleScale],
    ['statefulsets/scale', handleScale],
    ['replicationcontrollers/scale', handleScale],
  ]);
}
