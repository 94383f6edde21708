/** discovery.k8s.io/v1 defaulting (upstream's SetDefaults_EndpointPort): ports get a name and TCP. */
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';

export function setDefaultsEndpointSlice(slice: EndpointSlice): void {
  for (const port of slice.ports ?? []) {
    port.name ??= '';
    port.protocol ??= 'TCP';
  }
}
