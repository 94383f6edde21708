/**
 * The `kubernetes` Service in `default` (upstream's controlplane kubernetesservice controller
 * and endpoints reconciler): ClusterIP `.1` of the service range, port 443 (`https`) to the
 * API server's port, and its Endpoints and EndpointSlice — written by the API server itself,
 * since the Service has no selector. Idempotent: run after every start, it corrects ports and
 * addresses that changed.
 */
import { isIP } from 'node:net';
import type { Endpoints, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { isAlreadyExists, isNotFound } from '../../../apimachinery/errors.js';
import { FieldPath } from '../../../apimachinery/validation/field.js';
import type { Api } from '../../../apiserver/api.js';
import type { RegistryStore } from '../../../apiserver/generic-registry/store.js';
import { semanticEqual } from '../../../apis/meta/equality.js';
import { validateNonSpecialIP } from '../../../apis/core/validation/endpoints.js';
import type { KubeObject } from '../../resource.js';

export interface KubernetesServiceOptions {
  /** The API server's address as pods reach it: a routable IPv4 address (not loopback). */
  address: string;
  /** The API server's secure port. */
  port: number;
}

export interface KubernetesServiceResult {
  service: Service;
  /** Why no Endpoints/EndpointSlice were written (an address pods could not reach). */
  endpointsSkipped?: string;
}

const NAMESPACE = 'default';
const NAME = 'kubernetes';

/** Creates `desired`, or updates the stored object when `differs(current)` says so. */
async function ensure<T extends KubeObject>(
  registry: RegistryStore,
  desired: T,
  differs: (current: T) => boolean,
  merge: (current: T) => T,
): Promise<T> {
  for (;;) {
    let current: T | undefined;
    try {
      current = (await registry.get(NAMESPACE, NAME)) as T;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    try {
      if (!current) return (await registry.create(NAMESPACE, desired)) as T;
      if (!differs(current)) return current;
      return (await registry.guaranteedUpdate(NAMESPACE, NAME, (obj) => merge(obj as T))) as T;
    } catch (err) {
      // Another API server got there first: look again.
      if (!isAlreadyExists(err)) throw err;
    }
  }
}

export async function bootstrapKubernetesService(
  api: Api,
  options: KubernetesServiceOptions,
): Promise<KubernetesServiceResult> {
  const clusterIP = api.serviceAllocators.clusterIPs.kubernetesServiceIP;
  const servicePorts = [{ name: 'https', port: 443, protocol: 'TCP', targetPort: options.port }];
  const service = await ensure<Service>(
    api.registry('', 'v1', 'services'),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: NAME,
        namespace: NAMESPACE,
        labels: { component: 'apiserver', provider: 'kubernetes' },
      },
      spec: {
        type: 'ClusterIP',
        clusterIP,
        clusterIPs: [clusterIP],
        ports: servicePorts,
        sessionAffinity: 'None',
      },
    },
    (svc) => !semanticEqual(svc.spec?.ports, servicePorts),
    (svc) => ({ ...svc, spec: { ...svc.spec, ports: servicePorts } }),
  );

  const problems =
    isIP(options.address) === 4 ? validateNonSpecialIP(options.address, FieldPath.root('address')) : [];
  if (isIP(options.address) !== 4 || problems.length) {
    return { service, endpointsSkipped: `${options.address} is not a routable IPv4 address` };
  }
  const endpointsPorts = [{ name: 'https', port: options.port, protocol: 'TCP' }];
  const subsets = [{ addresses: [{ ip: options.address }], ports: endpointsPorts }];
  await ensure<Endpoints>(
    api.registry('', 'v1', 'endpoints'),
    {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        name: NAME,
        namespace: NAMESPACE,
        labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' },
      },
      subsets,
    },
    (ep) => !semanticEqual(ep.subsets, subsets),
    (ep) => ({ ...ep, subsets }),
  );
  const endpoints = [{ addresses: [options.address], conditions: { ready: true } }];
  await ensure<EndpointSlice>(
    api.registry('discovery.k8s.io', 'v1', 'endpointslices'),
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: NAME, namespace: NAMESPACE, labels: { 'kubernetes.io/service-name': NAME } },
      addressType: 'IPv4',
      endpoints,
      ports: endpointsPorts,
    },
    (s) => !semanticEqual(s.endpoints, endpoints) || !semanticEqual(s.ports, endpointsPorts),
    (s) => ({ ...s, addressType: 'IPv4', endpoints, ports: endpointsPorts }),
  );
  return { service };
}
