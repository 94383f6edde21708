/**
 * Compute resources: resource names (standard, hugepages, extended), quantity values, and
 * requests against limits, as upstream's `validateResourceRequirements`.
 */
import type { ResourceRequirements } from 'kubernetes-types/core/v1.js';
import { type Quantity, tryParseQuantity } from '../../../apimachinery/quantity.js';
import {
  type FieldError,
  type FieldPath,
  forbidden,
  invalid,
  required,
} from '../../../apimachinery/validation/field.js';
import { isQualifiedName } from '../../../apimachinery/validation/names.js';
import { IS_NEGATIVE_ERROR } from '../../meta/validation.js';

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const STANDARD_RESOURCES = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'storage',
  'requests.storage',
  'services.nodeports',
  'services.loadbalancers',
]);
const INTEGER_RESOURCES = new Set([
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'services.nodeports',
  'services.loadbalancers',
]);

export const isHugePageResourceName = (name: string): boolean => name.startsWith('hugepages-');
/** Native: unprefixed, or in the kubernetes.io domain. */
export const isNativeResource = (name: string): boolean =>
  !name.includes('/') || name.includes('kubernetes.io/');
export const isExtendedResourceName = (name: string): boolean =>
  !isNativeResource(name) &&
  !name.startsWith('requests.') &&
  isQualifiedName(`requests.${name}`).length === 0;
/** Requests may be below limits only for native, non-hugepage resources. */
export const isOvercommitAllowed = (name: string): boolean =>
  isNativeResource(name) && !isHugePageResourceName(name);
const isStandardResourceName = (name: string): boolean =>
  STANDARD_RESOURCES.has(name) || isHugePageResourceName(name) || name.startsWith('requests.hugepages-');
const isIntegerResourceName = (name: string): boolean =>
  INTEGER_RESOURCES.has(name) || isExtendedResourceName(name);

export function validateResourceName(name: string, path: FieldPath): FieldError[] {
  const errs = isQualifiedName(name).map((msg) => invalid(path, name, msg));
  if (errs.length) return errs;
  if (!name.includes('/') && !isStandardResourceName(name)) {
    return [invalid(path, name, 'must be a standard resource type or fully qualified')];
  }
  return [];
}

export function validateContainerResourceName(name: string, path: FieldPath): FieldError[] {
  const errs = validateResourceName(name, path);
  if (!name.includes('/')) {
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !isHugePageResourceName(name)) {
      return [...errs, invalid(path, name, 'must be a standard resource for containers')];
    }
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    return [...errs, invalid(path, name, "doesn't follow extended resource name standard")];
  }
  return errs;
}

/** Parses a quantity field; reports what upstream's decoder would reject. */
export function parseQuantityField(value: unknown, path: FieldPath): { q?: Quantity; errors: FieldError[] } {
  const q = tryParseQuantity(value);
  if (q) return { q, errors: [] };
  return {
    errors: [
      invalid(
        path,
        value ?? null,
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
      ),
    ],
  };
}

export function validateResourceQuantityValue(name: string, q: Quantity, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (q.sign() < 0) errs.push(invalid(path, q.toString(), IS_NEGATIVE_ERROR));
  if (isIntegerResourceName(name) && q.milliValue() % 1000n !== 0n)
    errs.push(invalid(path, q.toString(), 'must be an integer'));
  return errs;
}

/** Container resources: names, values, requests ≤ limits, hugepages need cpu or memory. */
export function validateContainerResourceRequirements(
  req: ResourceRequirements | undefined,
  path: FieldPath,
  podClaimNames: Set<string>,
): FieldError[] {
  const errs: FieldError[] = [];
  const limPath = path.child('limits');
  const reqPath = path.child('requests');
  let cpuOrMemory = false;
  let hugePages = false;
  const limits = new Map<string, Quantity>();
  for (const [name, raw] of Object.entries(req?.limits ?? {})) {
    const p = limPath.key(name);
    errs.push(...validateContainerResourceName(name, p));
    const { q, errors } = parseQuantityField(raw, p);
    errs.push(...errors);
    if (q) {
      limits.set(name, q);
      errs.push(...validateResourceQuantityValue(name, q, p));
    }
    if (isHugePageResourceName(name)) hugePages = true;
    if (name === 'cpu' || name === 'memory') cpuOrMemory = true;
  }
  for (const [name, raw] of Object.entries(req?.requests ?? {})) {
    const p = reqPath.key(name);
    errs.push(...validateContainerResourceName(name, p));
    const { q, errors } = parseQuantityField(raw, p);
    errs.push(...errors);
    if (q) {
      errs.push(...validateResourceQuantityValue(name, q, p));
      const limit = limits.get(name);
      if (limit) {
        if (q.cmp(limit) !== 0 && !isOvercommitAllowed(name)) {
          errs.push(invalid(reqPath, q.toString(), `must be equal to ${name} limit of ${limit.toString()}`));
        } else if (q.cmp(limit) > 0) {
          errs.push(
            invalid(
              reqPath,
              q.toString(),
              `must be less than or equal to ${name} limit of ${limit.toString()}`,
            ),
          );
        }
      } else if (!isOvercommitAllowed(name) && !(name in (req?.limits ?? {}))) {
        errs.push(required(limPath, 'Limit must be set for non overcommitable resources'));
      }
    }
    if (isHugePageResourceName(name)) hugePages = true;
    if (name === 'cpu' || name === 'memory') cpuOrMemory = true;
  }
  if (hugePages && !cpuOrMemory) errs.push(forbidden(path, 'HugePages require cpu or memory'));
  (req?.claims ?? []).forEach((claim, i) => {
    const p = path.child('claims').index(i);
    if (!claim.name) errs.push(required(p));
    else if (!podClaimNames.has(claim.name)) {
      const known = [...podClaimNames].sort();
      errs.push({
        type: 'FieldValueNotFound',
        field: String(p),
        value: claim.name,
        detail:
          'must be one of the names in pod.spec.resourceClaims' +
          (known.length ? `: ${known.join(', ')}` : ' which is empty'),
      });
    }
  });
  return errs;
}
