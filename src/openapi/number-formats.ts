/**
 * `kubernetes-types` declares every Go integer and float as `number`. Upstream publishes most as
 * `integer`/`int32`; these property names are the ones that are `int64` (or floating point) in
 * the Go types, which is all the precision the generated schemas need.
 */
import type { Schema } from '../apimachinery/schema.js';

const INT64 = new Set([
  'generation',
  'observedGeneration',
  'deletionGracePeriodSeconds',
  'gracePeriodSeconds',
  'remainingItemCount',
  'activeDeadlineSeconds',
  'terminationGracePeriodSeconds',
  'tolerationSeconds',
  'runAsUser',
  'runAsGroup',
  'fsGroup',
  'supplementalGroups',
  'expirationSeconds',
  'startingDeadlineSeconds',
  'revision',
  'limitBytes',
  'sinceSeconds',
  'maxItems',
  'maxLength',
  'maxProperties',
  'minItems',
  'minLength',
  'minProperties',
]);

const DOUBLE = new Set(['maximum', 'minimum', 'multipleOf']);

/** Schema of a `number`-typed property called `name`. */
export function numberSchema(name: string): Schema {
  if (DOUBLE.has(name)) return { type: 'number', format: 'double' };
  return { type: 'integer', format: INT64.has(name) ? 'int64' : 'int32' };
}
