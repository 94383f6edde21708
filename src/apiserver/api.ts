/**
 * The served API: one RegistryStore per resource over a shared Store, looked up by
 * group/version/plural, plus the admission every write passes (namespace lifecycle).
 */
import { forbidden, notFound } from '../apimachinery/errors.js';
import type { Definitions } from '../apimachinery/schema.js';
import { loadDefinitions } from '../openapi/definitions.js';
import type { KubeObject, ResourceType } from '../registry/resource.js';
import type { Store } from '../storage/interface.js';
import { type Admit, RegistryStore } from './generic-registry/store.js';
import { ServiceAllocators } from './service-ip/allocators.js';

export interface ApiOptions {
  store: Store;
  resources: ResourceType[];
  now?: () => Date;
  /** Cluster IPs are allocated from this IPv4 range (default `10.96.0.0/12`). */
  serviceCIDR?: string;
  /** Node ports are allocated from this range (default `30000-32767`). */
  serviceNodePortRange?: string;
}

export class Api {
  readonly resources: ResourceType[];
  readonly store: Store;
  private readonly registries = new Map<string, RegistryStore>();
  /** Cluster IP and node port allocation for Services (run in admission). */
  readonly serviceAllocators: ServiceAllocators;

  constructor(options: ApiOptions) {
    this.resources = options.resources;
    this.store = options.store;
    this.serviceAllocators = new ServiceAllocators({
      store: options.store,
      services: () => this.lookup('', 'v1', 'services'),
      ...(options.serviceCIDR ? { serviceCIDR: options.serviceCIDR } : {}),
      ...(options.serviceNodePortRange ? { nodePortRange: options.serviceNodePortRange } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
    const admit: Admit = async (op, r, obj) => {
      await this.admitNamespace(op, r, obj);
      await this.serviceAllocators.admit(op, r, obj);
    };
    for (const resource of options.resources) {
      const reg = new RegistryStore({
        store: options.store,
        resource,
        admit,
        ...(options.now ? { now: options.now } : {}),
      });
      this.registries.set(`${resource.group}/${resource.version}/${resource.plural}`, reg);
    }
  }

  lookup(group: string, version: string, plural: string): RegistryStore | undefined {
    return this.registries.get(`${group}/${version}/${plural}`);
  }

  /** The registry of a resource known to be served (throws otherwise: a programming error). */
  registry(group: string, version: string, plural: string): RegistryStore {
    const r = this.lookup(group, version, plural);
    if (!r) throw new Error(`resource ${plural}.${group}/${version} is not served`);
    return r;
  }

  /** The API type schemas (for patches, strict field validation and OpenAPI). */
  definitions(): Definitions {
    return loadDefinitions();
  }

  all(): RegistryStore[] {
    return [...this.registries.values()];
  }

  /** NamespaceLifecycle: no new content in a namespace that is missing or terminating. */
  private async admitNamespace(op: 'create' | 'update', r: ResourceType, obj: KubeObject): Promise<void> {
    if (op !== 'create' || !r.namespaced) return;
    const ns = obj.metadata?.namespace ?? '';
    const namespaces = this.registry('', 'v1', 'namespaces');
    let namespace: KubeObject;
    try {
      namespace = await namespaces.get('', ns);
    } catch {
      throw notFound({ group: '', resource: 'namespaces' }, ns);
    }
    if (namespace.metadata?.deletionTimestamp) {
      throw forbidden(
        { group: r.group, resource: r.plural },
        obj.metadata?.name ?? '',
        `unable to create new content in namespace ${ns} because it is being terminated`,
      );
    }
  }
}
