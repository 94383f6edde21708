/**
 * What the generic REST machinery knows about a resource: its names (group, version, kind,
 * plural, short names), scope, subresources, and a strategy that holds the resource-specific
 * behaviour (defaulting, validation, what an update may change, status reset, table columns,
 * selectable fields) — like upstream's pkg/registry/<group>/<resource>/strategy.go.
 */
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import type { FieldError } from '../apimachinery/validation/field.js';

/** `T` with its read-only (server-set) fields writable, for the code that sets them. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export type MutableObjectMeta = Mutable<ObjectMeta>;

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  /** 0: always shown; 1: only with `-o wide`. */
  priority: number;
}

export interface TableConvertor<T> {
  columns: TableColumn[];
  /** One cell per column, in order. `now` is passed for AGE-style columns. */
  cells(obj: T, now: Date): unknown[];
}

export interface Strategy<T extends KubeObject = KubeObject> {
  /** SetDefaults_*: applied to every object written (create, update, patch results). */
  defaults?(obj: T): void;
  /** Before a create: e.g. reset `status` for resources with a status subresource. */
  prepareForCreate?(obj: T): void;
  /** Before an update of the main resource: e.g. keep `status` from `old`. */
  prepareForUpdate?(obj: T, old: T): void;
  /** Full validation of a new object, metadata included (422 on any error). */
  validate?(obj: T): FieldError[];
  /** Validation of an update (immutability rules included), metadata included. */
  validateUpdate?(obj: T, old: T): FieldError[];
  /** Before an update through the `status` subresource: e.g. keep `spec` from `old`. */
  prepareForStatusUpdate?(obj: T, old: T): void;
  validateStatusUpdate?(obj: T, old: T): FieldError[];
  /** Server-side printing (`kubectl get`). Absent: NAME and AGE only. */
  table?: TableConvertor<T>;
  /**
   * Fields a fieldSelector may name, beyond metadata.name and metadata.namespace
   * (which the machinery always supports), with their string values for `obj`.
   */
  selectableFields?(obj: T): Record<string, string>;
  /**
   * Graceful deletion: the grace period (seconds) to wait before the object is really removed,
   * given the one the client asked for. 0 removes it now. Absent: objects are removed at once
   * (unless finalizers hold them).
   */
  gracePeriod?(obj: T, requested: number | undefined): number;
  /**
   * Called when a delete must wait (finalizers or a grace period): marks the object as
   * terminating beyond `deletionTimestamp`, e.g. a Namespace's `status.phase: Terminating`.
   * Returns true when the object is held until something clears it (e.g. `spec.finalizers`).
   */
  beginDelete?(obj: T): boolean;
}

export interface ResourceType<T extends KubeObject = KubeObject> {
  /** '' for the core group. */
  group: string;
  version: string;
  kind: string;
  /** Lowercase plural, the URL segment: `pods`. */
  plural: string;
  singular: string;
  shortNames: string[];
  namespaced: boolean;
  categories: string[];
  /** Subresources served for this resource: `status`, `binding`, … */
  subresources: string[];
  /** OpenAPI definition name of the kind: `io.k8s.api.core.v1.Pod`. */
  definition: string;
  strategy: Strategy<T>;
  /**
   * Set when the objects are stored as those of another resource and converted on the way
   * (events.k8s.io/v1 Events are core/v1 Events, as upstream): one set of objects, two APIs.
   */
  storedAs?: StoredAs;
}

export interface StoredAs {
  group: string;
  plural: string;
  /** This resource's object → the stored resource's object. */
  toStorage(obj: KubeObject): KubeObject;
  /** The stored resource's object → this resource's object. */
  fromStorage(obj: KubeObject): KubeObject;
}

export const apiVersionOf = (r: { group: string; version: string }): string =>
  r.group ? `${r.group}/${r.version}` : r.version;
