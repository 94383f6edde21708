/**
 * Resource lists on write, like upstream's `SetDefaults_ResourceList` plus Quantity
 * serialization: each value is rounded up to milli precision and written in canonical form
 * (`1.5` → `1500m`, `1024Mi` → `1Gi`). Values that do not parse are left for validation.
 */
import { tryParseQuantity } from '../../../apimachinery/quantity.js';

export type ResourceList = Record<string, string>;

export function canonicalizeQuantity(value: unknown): unknown {
  const q = tryParseQuantity(value);
  return q ? q.roundUp(-3).toString() : value;
}

export function setDefaultsResourceList(list: ResourceList | undefined): void {
  if (!list) return;
  const entries = list as Record<string, unknown>;
  for (const [k, v] of Object.entries(entries)) entries[k] = canonicalizeQuantity(v);
}
