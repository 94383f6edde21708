/**
 * The allocation step of Service writes (upstream's registry/core/service/storage/alloc.go),
 * run as part of admission once validation has passed: a cluster IP for every Service that
 * needs one and has none (a requested one must be in range and free), node ports for NodePort
 * and LoadBalancer Services, and a health check node port for LoadBalancer Services with
 * `externalTrafficPolicy: Local`. Release is implicit (see reservations.ts).
 */
import type { Service, ServiceSpec } from 'kubernetes-types/core/v1.js';
import { internal, invalid as invalidStatus, isNotFound } from '../../apimachinery/errors.js';
import { type FieldError, FieldPath, invalid } from '../../apimachinery/validation/field.js';
import type { KubeObject, ResourceType } from '../../registry/resource.js';
import type { Store } from '../../storage/interface.js';
import type { RegistryStore } from '../generic-registry/store.js';
import { ClusterIPAllocator } from './ip-allocator.js';
import { NodePortAllocator } from './port-allocator.js';
import type { ServiceGetter, ServiceOwner } from './reservations.js';

const SPEC = FieldPath.root('spec');

export interface ServiceAllocatorsOptions {
  store: Store;
  /** The Services registry (looked up lazily: an Api may serve no Services at all). */
  services: () => RegistryStore | undefined;
  /** Default `10.96.0.0/12` (upstream's kubeadm default). */
  serviceCIDR?: string;
  /** Default `30000-32767`. */
  nodePortRange?: string;
  now?: () => Date;
  pendingMs?: number;
}

const isHeadless = (spec: ServiceSpec): boolean =>
  spec.clusterIP === 'None' || spec.clusterIPs?.[0] === 'None';

const needsNodePorts = (spec: ServiceSpec): boolean =>
  spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);

export class ServiceAllocators {
  readonly clusterIPs: ClusterIPAllocator;
  readonly nodePorts: NodePortAllocator;

  constructor(o: ServiceAllocatorsOptions) {
    const getService: ServiceGetter = async (namespace, name) => {
      const registry = o.services();
      if (!registry) return undefined;
      try {
        return (await registry.get(namespace, name)) as Service;
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    };
    const common = {
      store: o.store,
      getService,
      ...(o.now ? { now: o.now } : {}),
      ...(o.pendingMs !== undefined ? { pendingMs: o.pendingMs } : {}),
    };
    this.clusterIPs = new ClusterIPAllocator({ ...common, serviceCIDR: o.serviceCIDR });
    this.nodePorts = new NodePortAllocator({ ...common, nodePortRange: o.nodePortRange });
  }

  /** The `Admit` step: allocates for Services, passes everything else. */
  async admit(_op: 'create' | 'update', r: ResourceType, obj: KubeObject): Promise<void> {
    if (r.group !== '' || r.plural !== 'services') return;
    await this.allocate(obj as Service);
  }

  /** Fills in (or checks and records) the Service's cluster IP and node ports, in place. */
  async allocate(svc: Service): Promise<void> {
    const spec = svc.spec;
    if (!spec || spec.type === 'ExternalName') return;
    const meta = svc.metadata ?? {};
    const owner: ServiceOwner = {
      namespace: meta.namespace ?? '',
      name: meta.name ?? '',
      uid: meta.uid ?? '',
    };
    const fail = (errs: FieldError[]) => invalidStatus('Service', '', owner.name, errs);
    if (!isHeadless(spec)) {
      const errs = this.checkFamilies(spec);
      if (errs.length) throw fail(errs);
      const requested = spec.clusterIPs?.[0] ?? spec.clusterIP;
      if (!requested) {
        const ip = await this.clusterIPs.allocateNext(owner);
        if (!ip) throw internal('failed to allocate a serviceIP: range is full');
        spec.clusterIP = ip;
        spec.clusterIPs = [ip];
      } else {
        const r = await this.clusterIPs.allocate(requested, owner);
        if (!r.ok) {
          const detail = `failed to allocate IP ${requested}: ${r.reason}`;
          throw fail([invalid(SPEC.child('clusterIPs'), spec.clusterIPs ?? [requested], detail)]);
        }
      }
    }
    if (needsNodePorts(spec)) await this.allocateNodePorts(spec, owner, fail);
  }

  /** Single-stack IPv4: other families and dual-stack requirements are refused. */
  private checkFamilies(spec: ServiceSpec): FieldError[] {
    const errs: FieldError[] = [];
    if (spec.ipFamilyPolicy === 'RequireDualStack') {
      errs.push(
        invalid(
          SPEC.child('ipFamilyPolicy'),
          spec.ipFamilyPolicy,
          'this cluster is not configured for dual-stack services',
        ),
      );
    }
    (spec.ipFamilies ?? []).forEach((family, i) => {
      if (family !== 'IPv4')
        errs.push(invalid(SPEC.child('ipFamilies').index(i), family, 'not configured on this cluster'));
    });
    if ((spec.clusterIPs ?? []).length > 1) {
      errs.push(
        invalid(SPEC.child('clusterIPs').index(1), spec.clusterIPs, 'IPv6 is not configured on this cluster'),
      );
    }
    return errs;
  }

  private async allocateNodePorts(
    spec: ServiceSpec,
    owner: ServiceOwner,
    fail: (errs: FieldError[]) => Error,
  ): Promise<void> {
    const take = async (requested: number | undefined, path: FieldPath): Promise<number> => {
      if (requested) {
        const r = await this.nodePorts.allocate(requested, owner);
        if (!r.ok) throw fail([invalid(path, requested, r.reason)]);
        return requested;
      }
      const port = await this.nodePorts.allocateNext(owner);
      if (port === undefined) throw internal('failed to allocate a nodePort: range is full');
      return port;
    };
    // One service port number served over several protocols shares its node port, as upstream.
    const byServicePort = new Map<number, number>();
    for (const [i, port] of (spec.ports ?? []).entries()) {
      const shared = port.nodePort ? undefined : byServicePort.get(port.port);
      port.nodePort = shared ?? (await take(port.nodePort, SPEC.child('ports').index(i).child('nodePort')));
      byServicePort.set(port.port, port.nodePort);
    }
    if (spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local') {
      spec.healthCheckNodePort = await take(spec.healthCheckNodePort, SPEC.child('healthCheckNodePort'));
    }
  }
}
