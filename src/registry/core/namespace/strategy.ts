/**
 * Namespaces (upstream's pkg/registry/core/namespace): created Active with the `kubernetes`
 * finalizer; `spec.finalizers` only changes through namespaces/finalize and `status` only
 * through namespaces/status; deleting one marks it Terminating until its content is gone.
 */
import type { Namespace } from 'kubernetes-types/core/v1.js';
import { LABEL_METADATA_NAME, setDefaultsNamespace } from '../../../apis/core/v1/defaults-objects.js';
import {
  validateNamespace,
  validateNamespaceStatusUpdate,
  validateNamespaceUpdate,
} from '../../../apis/core/validation/namespace.js';
import { namespaceTable } from '../../../printers/core.js';
import type { Mutable, ResourceType, Strategy } from '../../resource.js';
import { keepField } from '../../keep.js';

export const FINALIZER_KUBERNETES = 'kubernetes';

export const namespaceStrategy: Strategy<Namespace> = {
  defaults: setDefaultsNamespace,
  prepareForCreate(ns) {
    (ns as Mutable<Namespace>).status = { phase: 'Active' };
    const spec = (ns.spec ??= {});
    if (!(spec.finalizers ?? []).includes(FINALIZER_KUBERNETES))
      spec.finalizers = [...(spec.finalizers ?? []), FINALIZER_KUBERNETES];
    // The name is final by now (generateName was resolved): label it, as upstream's Canonicalize.
    const meta = (ns.metadata ??= {});
    if (meta.name) meta.labels = { ...meta.labels, [LABEL_METADATA_NAME]: meta.name };
  },
  prepareForUpdate(ns, old) {
    const spec = (ns.spec ??= {});
    if (old.spec?.finalizers) spec.finalizers = [...old.spec.finalizers];
    else delete spec.finalizers;
    keepField(ns, old, 'status');
  },
  validate: validateNamespace,
  validateUpdate: validateNamespaceUpdate,
  prepareForStatusUpdate(ns, old) {
    keepField(ns, old, 'spec');
  },
  validateStatusUpdate: validateNamespaceStatusUpdate,
  table: namespaceTable,
  selectableFields: (ns) => ({ 'status.phase': ns.status?.phase ?? '' }),
  beginDelete(ns) {
    const status = ((ns as Mutable<Namespace>).status ??= {});
    status.phase = 'Terminating';
    return (ns.spec?.finalizers ?? []).length > 0;
  },
};

export const namespaces: ResourceType<Namespace> = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  singular: 'namespace',
  shortNames: ['ns'],
  namespaced: false,
  categories: [],
  subresources: ['status', 'finalize'],
  definition: 'io.k8s.api.core.v1.Namespace',
  strategy: namespaceStrategy,
};
