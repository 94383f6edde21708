/**
 * pods/binding as a pure step: given the stored pod and a Binding, the bound pod — or the error
 * upstream's BindingREST answers. Binding sets `spec.nodeName`, merges the Binding's annotations,
 * and records `PodScheduled=True`.
 */
import type { Binding, Pod } from 'kubernetes-types/core/v1.js';
import { conflict, invalid } from '../../../apimachinery/errors.js';
import { copyJson } from '../../../apimachinery/json-copy.js';
import { validatePodBinding } from '../../../apis/core/validation/pod-update.js';
import type { Mutable } from '../../resource.js';
import { updatePodCondition } from './conditions.js';

const bindingResource = { group: '', resource: 'pods/binding' };

/**
 * Returns the bound copy of `pod`. Throws a 422 StatusError for an invalid Binding and a 409
 * (`Operation cannot be fulfilled on pods/binding …`) when the pod cannot be bound.
 */
export function bindPod(pod: Pod, binding: Binding, now: Date = new Date()): Pod {
  const name = pod.metadata?.name ?? '';
  const errors = validatePodBinding(binding);
  if (errors.length) throw invalid('Binding', '', binding.metadata?.name ?? name, errors);
  const uid = binding.metadata?.uid;
  if (uid && uid !== pod.metadata?.uid) {
    throw conflict(
      bindingResource,
      name,
      `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${pod.metadata?.uid ?? ''}`,
    );
  }
  if (pod.metadata?.deletionTimestamp) {
    throw conflict(bindingResource, name, `pod ${name} is being deleted, cannot be assigned to a host`);
  }
  if (pod.spec?.nodeName) {
    throw conflict(
      bindingResource,
      name,
      `pod ${name} is already assigned to node ${JSON.stringify(pod.spec.nodeName)}`,
    );
  }
  if (pod.spec?.schedulingGates?.length) {
    throw conflict(bindingResource, name, `pod ${name} has non-empty .spec.schedulingGates`);
  }
  const bound = copyJson(pod) as Mutable<Pod>;
  const spec = (bound.spec ??= { containers: [] });
  spec.nodeName = binding.target.name;
  const meta = (bound.metadata ??= {});
  if (binding.metadata?.annotations)
    meta.annotations = { ...meta.annotations, ...binding.metadata.annotations };
  const status = (bound.status ??= {});
  updatePodCondition(status, { type: 'PodScheduled', status: 'True' }, now);
  return bound;
}
