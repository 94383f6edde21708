/** Helpers over interface.ts's Status, as upstream's framework.Status methods. */
import type { Status } from './interface.js';

export const statusMessage = (s: Status): string => s.reasons.join(', ');

/** Unschedulable or UnschedulableAndUnresolvable: the pod doesn't fit (not a failure of ours). */
export const isRejected = (s: Status): boolean =>
  s.code === 'Unschedulable' || s.code === 'UnschedulableAndUnresolvable';

export const withPlugin = (s: Status, plugin: string): Status => ({ ...s, plugin });

/** An unexpected exception from a plugin, as an Error status (the cycle fails, the pod retries). */
export const asErrorStatus = (err: unknown, plugin?: string): Status => ({
  code: 'Error',
  reasons: [err instanceof Error ? err.message : String(err)],
  ...(plugin ? { plugin } : {}),
});
