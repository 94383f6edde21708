/**
 * ObjectMeta validation (apimachinery's `api/validation/objectmeta.go` and `meta/v1/validation`),
 * plus the core group's stricter finalizer rule: name rules per resource, generateName, labels,
 * annotations, owner references, finalizers, namespace scope, and what an update may not change.
 */
import type { ObjectMeta, OwnerReference } from 'kubernetes-types/meta/v1.js';
import {
  type FieldError,
  FieldPath,
  forbidden,
  invalid,
  required,
  tooLong,
} from '../../apimachinery/validation/field.js';
import { semanticEqual } from './equality.js';
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
} from '../../apimachinery/validation/names.js';

type Path = FieldPath | string;
const child = (p: Path, ...names: string[]): FieldPath =>
  (typeof p === 'string' ? FieldPath.root(p) : p).child(names[0] ?? '', ...names.slice(1));

/** Validates a name (or, with `prefix`, a generateName): returns the reasons it is invalid. */
export type NameValidator = (name: string, prefix: boolean) => string[];

/** A generateName may end in '-': check it as if the last two characters were one letter. */
const maskTrailingDash = (name: string): string =>
  name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;

export const nameIsDNSSubdomain: NameValidator = (name, prefix) =>
  isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
export const nameIsDNSLabel: NameValidator = (name, prefix) =>
  isDNS1123Label(prefix ? maskTrailingDash(name) : name);
export const nameIsDNS1035Label: NameValidator = (name, prefix) =>
  isDNS1035Label(prefix ? maskTrailingDash(name) : name);

/** The generic rule every stored name obeys: it must be usable as a URL path segment. */
export const validatePathSegmentName: NameValidator = (name, prefix) => {
  if (!prefix && (name === '.' || name === '..')) return [`may not be '${name}'`];
  const errs: string[] = [];
  for (const bad of ['/', '%']) if (name.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
};

export const validateNamespaceName = nameIsDNSLabel;

export const IS_NEGATIVE_ERROR = 'must be greater than or equal to 0';
export const FIELD_IMMUTABLE = 'field is immutable';
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export function validateNonnegativeField(value: number | undefined, path: Path): FieldError[] {
  return value !== undefined && value < 0 ? [invalid(path, value, IS_NEGATIVE_ERROR)] : [];
}

export function validateImmutableField(newValue: unknown, oldValue: unknown, path: Path): FieldError[] {
  return semanticEqual(newValue, oldValue) ? [] : [invalid(path, newValue ?? null, FIELD_IMMUTABLE)];
}

export function validateQualifiedName(value: string, path: Path): FieldError[] {
  return isQualifiedName(value).map((msg) => invalid(path, value, msg));
}

export const validateLabelName = validateQualifiedName;

/** Errors name the map itself (`metadata.labels`), as upstream does. */
export function validateLabels(labels: Record<string, string> | undefined, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    errs.push(...validateLabelName(k, path));
    for (const msg of isValidLabelValue(String(v))) errs.push(invalid(path, v, msg));
  }
  return errs;
}

export function validateAnnotations(
  annotations: Record<string, string> | undefined,
  path: Path,
): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, msg));
    size += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(path, '', TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

function validateOwnerReference(ref: OwnerReference, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  const apiVersion = ref.apiVersion ?? '';
  const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
  if (!version) errs.push(invalid(child(path, 'apiVersion'), apiVersion, 'version must not be empty'));
  if (!ref.kind) errs.push(invalid(child(path, 'kind'), ref.kind ?? '', 'must not be empty'));
  if (!ref.name) errs.push(invalid(child(path, 'name'), ref.name ?? '', 'must not be empty'));
  if (!ref.uid) errs.push(invalid(child(path, 'uid'), ref.uid ?? '', 'must not be empty'));
  if (apiVersion === 'v1' && ref.kind === 'Event') {
    errs.push(invalid(path, ref, '/v1, Kind=Event is disallowed from being an owner'));
  }
  return errs;
}

export function validateOwnerReferences(refs: OwnerReference[] | undefined, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  for (const ref of refs ?? []) {
    errs.push(...validateOwnerReference(ref, path));
    if (ref.controller) {
      const current = `${ref.kind}/${ref.name}`;
      if (firstController) {
        errs.push(
          invalid(
            path,
            refs,
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`,
          ),
        );
      } else {
        firstController = current;
      }
    }
  }
  return errs;
}

const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

/** The core group's rule: a finalizer without a '/' must be one of the standard names. */
export function validateKubeFinalizerName(name: string, path: Path): FieldError[] {
  if (name.includes('/') || STANDARD_FINALIZERS.has(name)) return [];
  return [invalid(path, name, 'name is neither a standard finalizer name nor is it fully qualified')];
}

export function validateFinalizers(
  finalizers: string[] | undefined,
  path: FieldPath,
  kube = true,
): FieldError[] {
  const errs: FieldError[] = [];
  const list = finalizers ?? [];
  for (const f of list) errs.push(...validateQualifiedName(f, path));
  if (list.includes('orphan') && list.includes('foregroundDeletion')) {
    errs.push(invalid(path, list, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  if (kube) list.forEach((f, i) => errs.push(...validateKubeFinalizerName(f, path.index(i))));
  return errs;
}

function validateManagedFields(meta: ObjectMeta, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (meta.managedFields ?? []).forEach((entry, i) => {
    const p = path.index(i);
    if (entry.operation !== 'Apply' && entry.operation !== 'Update') {
      errs.push(invalid(p.child('operation'), entry.operation ?? '', 'must be `Apply` or `Update`'));
    }
    if (entry.fieldsType && entry.fieldsType !== 'FieldsV1') {
      errs.push(invalid(p.child('fieldsType'), entry.fieldsType, 'must be `FieldsV1`'));
    }
    if ((entry.manager ?? '').length > 128) errs.push(tooLong(p.child('manager'), entry.manager, 128));
  });
  return errs;
}

export interface ObjectMetaOptions {
  /** Namespaced resources require `metadata.namespace`; cluster-scoped ones forbid it. */
  namespaced: boolean;
  /** The resource's name rule (DNS-1123 subdomain for most). */
  nameFn: NameValidator;
  /** Apply the core group's standard-finalizer rule (default true). */
  kubeFinalizers?: boolean;
}

/** ObjectMeta validation on create. */
export function validateObjectMeta(
  meta: ObjectMeta | undefined,
  opts: ObjectMetaOptions,
  path: FieldPath = FieldPath.root('metadata'),
): FieldError[] {
  const m = meta ?? {};
  const errs: FieldError[] = [];
  if (m.generateName) {
    for (const msg of opts.nameFn(m.generateName, true))
      errs.push(invalid(path.child('generateName'), m.generateName, msg));
  }
  if (!m.name) errs.push(required(path.child('name'), 'name or generateName is required'));
  else for (const msg of opts.nameFn(m.name, false)) errs.push(invalid(path.child('name'), m.name, msg));
  if (opts.namespaced) {
    if (!m.namespace) errs.push(required(path.child('namespace')));
    else
      for (const msg of validateNamespaceName(m.namespace, false))
        errs.push(invalid(path.child('namespace'), m.namespace, msg));
  } else if (m.namespace) {
    errs.push(forbidden(path.child('namespace'), 'not allowed on this type'));
  }
  errs.push(...validateCommonMeta(m, path, opts.kubeFinalizers ?? true));
  return errs;
}

function validateCommonMeta(m: ObjectMeta, path: FieldPath, kubeFinalizers: boolean): FieldError[] {
  return [
    ...validateNonnegativeField(m.generation, path.child('generation')),
    ...validateLabels(m.labels, path.child('labels')),
    ...validateAnnotations(m.annotations, path.child('annotations')),
    ...validateOwnerReferences(m.ownerReferences, path.child('ownerReferences')),
    ...validateFinalizers(m.finalizers, path.child('finalizers'), kubeFinalizers),
    ...validateManagedFields(m, path.child('managedFields')),
  ];
}

const goStringSlice = (xs: string[]): string => `[]string{${xs.map((x) => JSON.stringify(x)).join(', ')}}`;

/**
 * ObjectMeta validation on update: name, namespace, uid, creationTimestamp, deletionTimestamp and
 * deletionGracePeriodSeconds are immutable, generation may not go down, and no finalizer may be
 * added once deletion started. (A missing resourceVersion is the generic machinery's to reject.)
 */
export function validateObjectMetaUpdate(
  newMeta: ObjectMeta | undefined,
  oldMeta: ObjectMeta | undefined,
  path: FieldPath = FieldPath.root('metadata'),
  kubeFinalizers = true,
): FieldError[] {
  const n = newMeta ?? {};
  const o = oldMeta ?? {};
  const errs: FieldError[] = [];
  if (o.deletionTimestamp) {
    const added = [...new Set(n.finalizers ?? [])].filter((f) => !(o.finalizers ?? []).includes(f)).sort();
    if (added.length) {
      errs.push(
        forbidden(
          path.child('finalizers'),
          `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(added)}`,
        ),
      );
    }
  }
  if ((n.generation ?? 0) < (o.generation ?? 0)) {
    errs.push(invalid(path.child('generation'), n.generation ?? 0, 'must not be decremented'));
  }
  for (const key of [
    'name',
    'namespace',
    'uid',
    'creationTimestamp',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
  ] as const) {
    errs.push(...validateImmutableField(n[key], o[key], path.child(key)));
  }
  errs.push(...validateLabels(n.labels, path.child('labels')));
  errs.push(...validateAnnotations(n.annotations, path.child('annotations')));
  errs.push(...validateOwnerReferences(n.ownerReferences, path.child('ownerReferences')));
  errs.push(...validateManagedFields(n, path.child('managedFields')));
  if (kubeFinalizers)
    (n.finalizers ?? []).forEach((f, i) =>
      errs.push(...validateKubeFinalizerName(f, path.child('finalizers').index(i))),
    );
  return errs;
}
