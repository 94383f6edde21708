/**
 * Endpoints controller (upstream's pkg/controller/endpoint): every Service with a selector
 * gets an Endpoints object of the same name listing its pods — Ready ones in `addresses`,
 * the others in `notReadyAddresses` — kept up to date as the Service and its pods change.
 * Services without a selector are left alone (their Endpoints are the user's); the Endpoints
 * of a deleted Service are deleted, also when the deletion happened while this was down.
 */
import type { Endpoints, Pod, Service } from 'kubernetes-types/core/v1.js';
import { isNotFound } from '../../apimachinery/errors.js';
import type { Api } from '../../apiserver/api.js';
import type { RegistryStore } from '../../apiserver/generic-registry/store.js';
import { semanticEqual } from '../../apis/meta/equality.js';
import type { KubeObject } from '../../registry/resource.js';
import type { Logger } from '../../util/log.js';
import { HEADLESS_LABEL, isHeadlessService, selectorMatches, selectorOf } from './pod-util.js';
import { ServiceQueue } from './service-queue.js';
import { computeEndpointSubsets } from './subsets.js';

export interface EndpointControllerOptions {
  api: Api;
  logger: Logger;
  workers?: number;
}

/** The object, or undefined when it does not exist. */
export async function getOrUndefined(registry: RegistryStore, namespace: string, name: string) {
  try {
    return await registry.get(namespace, name);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export async function deleteIfExists(registry: RegistryStore, namespace: string, name: string) {
  try {
    await registry.delete(namespace, name);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/** The pods in `namespace` the selector matches. */
export async function selectedPods(
  api: Api,
  namespace: string,
  selector: Record<string, string>,
): Promise<Pod[]> {
  const list = await api.registry('', 'v1', 'pods').list(namespace, {
    filter: (p: KubeObject) => selectorMatches(selector, p.metadata?.labels),
  });
  return list.items as Pod[];
}

/** The Endpoints' labels: the Service's, plus the headless marker when it is headless. */
function endpointsLabels(svc: Service): Record<string, string> {
  const labels: Record<string, string> = { ...svc.metadata?.labels };
  if (isHeadlessService(svc)) labels[HEADLESS_LABEL] = '';
  else delete labels[HEADLESS_LABEL];
  return labels;
}

export class EndpointController {
  private readonly queue: ServiceQueue;

  constructor(private readonly o: EndpointControllerOptions) {
    this.queue = new ServiceQueue({
      api: o.api,
      logger: o.logger,
      sync: (namespace, name) => this.sync(namespace, name),
      ...(o.workers ? { workers: o.workers } : {}),
    });
  }

  async start(signal: AbortSignal): Promise<void> {
    await this.queue.start(signal);
    // Leftovers: Endpoints whose Service went away while no controller was watching.
    const existing = await this.o.api.registry('', 'v1', 'endpoints').list('');
    for (const ep of existing.items) this.queue.add(ep.metadata?.namespace ?? '', ep.metadata?.name ?? '');
  }

  async sync(namespace: string, name: string): Promise<void> {
    const api = this.o.api;
    const endpoints = api.registry('', 'v1', 'endpoints');
    const svc = (await getOrUndefined(api.registry('', 'v1', 'services'), namespace, name)) as
      Service | undefined;
    if (!svc) {
      await deleteIfExists(endpoints, namespace, name);
      return;
    }
    const selector = selectorOf(svc);
    if (!selector) return;
    const subsets = computeEndpointSubsets(svc, await selectedPods(api, namespace, selector));
    const labels = endpointsLabels(svc);
    const current = (await getOrUndefined(endpoints, namespace, name)) as Endpoints | undefined;
    const desired: Endpoints = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { ...current?.metadata, name, namespace, labels },
      ...(subsets.length ? { subsets } : {}),
    };
    if (!current) {
      await endpoints.create(namespace, desired);
      return;
    }
    const same =
      semanticEqual(current.subsets ?? [], subsets) && semanticEqual(current.metadata?.labels ?? {}, labels);
    // An update carries the resourceVersion read: a concurrent writer makes it fail and retry.
    if (!same) await endpoints.update(namespace, name, desired);
  }
}
