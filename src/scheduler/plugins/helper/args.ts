/** Reading plugin args as written in a KubeSchedulerConfiguration (`unknown` until checked). */

export type Args = Readonly<Record<string, unknown>>;

export const asArgs = (v: unknown): Args =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Args) : {};

export const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export const asNumber = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

export const asStrings = (v: unknown): string[] =>
  asArray(v).filter((s): s is string => typeof s === 'string');
