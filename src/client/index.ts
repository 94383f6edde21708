/**
 * A small typed client for the Kubernetes API, for the agent and out-of-process components:
 * `new Client({ server, token, caCert })` or `Client.fromKubeconfig(path)`, then typed verbs per
 * resource (`client.pods.get(...)`) and `Informer`s for list+watch caches.
 */
import type { Event, Node, Pod } from 'kubernetes-types/core/v1.js';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { fromKubeconfig } from './kubeconfig.js';
import { type KubeObject, ResourceClient, type ResourceRef, resources } from './resource.js';
import { RestClient, type RestClientOptions } from './rest-client.js';

export class Client {
  readonly rest: RestClient;
  readonly pods: ResourceClient<Pod>;
  readonly nodes: ResourceClient<Node>;
  readonly leases: ResourceClient<Lease>;
  readonly events: ResourceClient<Event>;

  constructor(options: RestClientOptions) {
    this.rest = new RestClient(options);
    this.pods = this.resource(resources.pods);
    this.nodes = this.resource(resources.nodes);
    this.leases = this.resource(resources.leases);
    this.events = this.resource(resources.events);
  }

  static async fromKubeconfig(path: string, context?: string): Promise<Client> {
    return new Client(await fromKubeconfig(path, context));
  }

  resource<T extends KubeObject>(ref: ResourceRef): ResourceClient<T> {
    return new ResourceClient<T>(this.rest, ref);
  }

  close(): void {
    this.rest.close();
  }
}

export { fromKubeconfig, KubeconfigError } from './kubeconfig.js';
export {
  Informer,
  objectKey,
  type InformerHandlers,
  type InformerOptions,
  type ListerWatcher,
} from './informer.js';
export {
  ResourceClient,
  resources,
  type DeleteOptions,
  type KubeObject,
  type ListOptions,
  type ObjectList,
  type PatchOptions,
  type PatchType,
  type ResourceRef,
  type WatchOptions,
} from './resource.js';
export {
  RestClient,
  encodeQuery,
  errorFromResponse,
  type Query,
  type RequestOptions,
  type RestClientOptions,
} from './rest-client.js';
export { decodeWatch, type WatchEvent } from './watch.js';
