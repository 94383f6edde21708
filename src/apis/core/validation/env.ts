/**
 * Container environment: `env` names and `valueFrom` sources (downward API field and resource
 * selectors, configMap/secret key selectors), and `envFrom`.
 */
import type {
  EnvFromSource,
  EnvVar,
  ObjectFieldSelector,
  ResourceFieldSelector,
} from 'kubernetes-types/core/v1.js';
import { tryParseQuantity } from '../../../apimachinery/quantity.js';
import {
  type FieldError,
  type FieldPath,
  invalid,
  notSupported,
  required,
} from '../../../apimachinery/validation/field.js';
import { isConfigMapKey, isEnvVarName } from '../../../apimachinery/validation/names.js';
import {
  validateConfigMapName,
  validateNameWith,
  validateQualifiedName,
  validateSecretName,
} from './common.js';

const ENV_FIELD_PATHS = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
];
const DOWNWARD_API_LABELS = new Set([
  ...ENV_FIELD_PATHS,
  'metadata.annotations',
  'metadata.labels',
  'spec.restartPolicy',
  'spec.schedulerName',
  'status.phase',
]);
const RESOURCE_FIELD_PATHS = [
  'limits.cpu',
  'limits.ephemeral-storage',
  'limits.memory',
  'requests.cpu',
  'requests.ephemeral-storage',
  'requests.memory',
];
const MEMORY_DIVISORS = new Set([
  '1',
  '1k',
  '1M',
  '1G',
  '1T',
  '1P',
  '1E',
  '1Ki',
  '1Mi',
  '1Gi',
  '1Ti',
  '1Pi',
  '1Ei',
]);

/** `metadata.labels['key']` → ['metadata.labels', 'key']. */
function splitSubscript(fieldPath: string): [string, string] | undefined {
  if (!fieldPath.endsWith("']")) return undefined;
  const s = fieldPath.slice(0, -2);
  const at = s.indexOf("['");
  if (at <= 0) return undefined;
  return [s.slice(0, at), s.slice(at + 2)];
}

function convertDownwardAPIFieldLabel(version: string, label: string): string {
  if (version !== 'v1') throw new Error(`unsupported pod version: ${version}`);
  const sub = splitSubscript(label);
  if (sub) {
    if (sub[0] === 'metadata.annotations' || sub[0] === 'metadata.labels') return label;
    throw new Error(`field label does not support subscript: ${label}`);
  }
  if (label === 'spec.host') return 'spec.nodeName';
  if (DOWNWARD_API_LABELS.has(label)) return label;
  throw new Error(`field label not supported: ${label}`);
}

export function validateObjectFieldSelector(
  sel: ObjectFieldSelector,
  allowed: string[],
  path: FieldPath,
): FieldError[] {
  if (!sel.apiVersion) return [required(path.child('apiVersion'))];
  if (!sel.fieldPath) return [required(path.child('fieldPath'))];
  let internal: string;
  try {
    internal = convertDownwardAPIFieldLabel(sel.apiVersion, sel.fieldPath);
  } catch (err) {
    return [
      invalid(
        path.child('fieldPath'),
        sel.fieldPath,
        `error converting fieldPath: ${(err as Error).message}`,
      ),
    ];
  }
  const sub = splitSubscript(internal);
  if (sub) {
    const [p, key] = sub;
    if (p === 'metadata.annotations') return validateQualifiedName(key.toLowerCase(), path);
    if (p === 'metadata.labels') return validateQualifiedName(key, path);
    return [invalid(path, p, 'does not support subscript')];
  }
  if (!allowed.includes(internal))
    return [notSupported(path.child('fieldPath'), internal, [...allowed].sort())];
  return [];
}

export function validateResourceFieldSelector(
  sel: ResourceFieldSelector,
  path: FieldPath,
  volume: boolean,
): FieldError[] {
  const errs: FieldError[] = [];
  const resource = sel.resource ?? '';
  if (volume && !sel.containerName) errs.push(required(path.child('containerName')));
  else if (!resource) errs.push(required(path.child('resource')));
  else if (!RESOURCE_FIELD_PATHS.includes(resource) && !/^(requests|limits)\.hugepages-/.test(resource)) {
    errs.push(notSupported(path.child('resource'), resource, RESOURCE_FIELD_PATHS));
  }
  const divisor = tryParseQuantity(sel.divisor);
  if (sel.divisor !== undefined && divisor && !divisor.isZero()) {
    const d = divisor.toString();
    const kind = resource.replace(/^(limits|requests)\./, '');
    const dp = path.child('divisor');
    if (kind === 'cpu' && d !== '1m' && d !== '1') {
      errs.push(invalid(dp, resource, "only divisor's values 1m and 1 are supported with the cpu resource"));
    } else if (
      (kind === 'memory' || kind === 'ephemeral-storage' || kind.startsWith('hugepages-')) &&
      !MEMORY_DIVISORS.has(d)
    ) {
      const what =
        kind === 'memory' ? 'memory' : kind === 'ephemeral-storage' ? 'local ephemeral storage' : 'hugepages';
      errs.push(
        invalid(
          dp,
          resource,
          `only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the ${what} resource`,
        ),
      );
    }
  }
  return errs;
}

function validateKeySelector(
  name: string | undefined,
  key: string | undefined,
  path: FieldPath,
): FieldError[] {
  const errs = validateNameWith(validateSecretName, name ?? '', path.child('name'));
  if (!key) errs.push(required(path.child('key')));
  else errs.push(...isConfigMapKey(key).map((msg) => invalid(path.child('key'), key, msg)));
  return errs;
}

export function validateEnv(vars: EnvVar[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (vars ?? []).forEach((ev, i) => {
    const p = path.index(i);
    if (!ev.name) errs.push(required(p.child('name')));
    else errs.push(...isEnvVarName(ev.name).map((msg) => invalid(p.child('name'), ev.name, msg)));
    const from = ev.valueFrom;
    if (!from) return;
    const vp = p.child('valueFrom');
    let sources = 0;
    if (from.fieldRef) {
      sources++;
      errs.push(...validateObjectFieldSelector(from.fieldRef, ENV_FIELD_PATHS, vp.child('fieldRef')));
    }
    if (from.resourceFieldRef) {
      sources++;
      errs.push(...validateResourceFieldSelector(from.resourceFieldRef, vp.child('resourceFieldRef'), false));
    }
    if (from.configMapKeyRef) {
      sources++;
      errs.push(
        ...validateKeySelector(
          from.configMapKeyRef.name,
          from.configMapKeyRef.key,
          vp.child('configMapKeyRef'),
        ),
      );
    }
    if (from.secretKeyRef) {
      sources++;
      errs.push(
        ...validateKeySelector(from.secretKeyRef.name, from.secretKeyRef.key, vp.child('secretKeyRef')),
      );
    }
    if (sources === 0) {
      errs.push(
        invalid(
          vp,
          '',
          'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
        ),
      );
    } else if (ev.value) {
      errs.push(invalid(vp, '', 'may not be specified when `value` is not empty'));
    } else if (sources > 1) {
      errs.push(invalid(vp, '', 'may not have more than one field specified at a time'));
    }
  });
  return errs;
}

export function validateEnvFrom(sources: EnvFromSource[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (sources ?? []).forEach((ev, i) => {
    const p = path.index(i);
    if (ev.prefix)
      errs.push(...isEnvVarName(ev.prefix).map((msg) => invalid(p.child('prefix'), ev.prefix, msg)));
    let count = 0;
    if (ev.configMapRef) {
      count++;
      const np = p.child('configMapRef', 'name');
      if (!ev.configMapRef.name) errs.push(required(np));
      else errs.push(...validateNameWith(validateConfigMapName, ev.configMapRef.name, np, true));
    }
    if (ev.secretRef) {
      count++;
      const np = p.child('secretRef', 'name');
      if (!ev.secretRef.name) errs.push(required(np));
      else errs.push(...validateNameWith(validateSecretName, ev.secretRef.name, np, true));
    }
    if (count === 0) errs.push(invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (count > 1) errs.push(invalid(path, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}
