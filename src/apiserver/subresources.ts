/**
 * Subresources with their own handlers (`pods/binding` now; eviction, log, exec,
 * ephemeralcontainers join later). `status` is served by the generic handlers.
 */
import type { RequestContext } from './handlers/context.js';
import { handleBinding } from './handlers/binding.js';

export type SubresourceHandler = (ctx: RequestContext) => Promise<void>;
export type SubresourceHandlers = Map<string, SubresourceHandler>;

export function builtinSubresources(): SubresourceHandlers {
  return new Map<string, SubresourceHandler>([['pods/binding', handleBinding]]);
}
