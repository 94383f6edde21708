/**
 * EndpointSlice controller (upstream's pkg/controller/endpointslice): every Service with a
 * selector gets discovery.k8s.io/v1 EndpointSlices (IPv4, up to 100 endpoints each) labelled
 * `kubernetes.io/service-name` and managed-by `endpointslice-controller.k8s.io`, owned by the
 * Service, with ready/serving/terminating per endpoint. Slices of a deleted Service are
 * deleted here too (not only by the garbage collector through the owner reference).
 */
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { isNotFound } from '../../apimachinery/errors.js';
import type { Api } from '../../apiserver/api.js';
import type { RegistryStore } from '../../apiserver/generic-registry/store.js';
import type { Logger } from '../../util/log.js';
import { deleteIfExists, getOrUndefined, selectedPods } from '../endpoint/controller.js';
import { selectorOf } from '../endpoint/pod-util.js';
import { ServiceQueue } from '../endpoint/service-queue.js';
import { desiredEndpoints } from './desired.js';
import {
  CONTROLLER_NAME,
  LABEL_MANAGED_BY,
  LABEL_SERVICE_NAME,
  MAX_ENDPOINTS_PER_SLICE,
  planSlices,
} from './reconciler.js';

export interface EndpointSliceControllerOptions {
  api: Api;
  logger: Logger;
  workers?: number;
  maxEndpointsPerSlice?: number;
}

const managedBy = (slice: EndpointSlice): boolean =>
  slice.metadata?.labels?.[LABEL_MANAGED_BY] === CONTROLLER_NAME;

export class EndpointSliceController {
  private readonly queue: ServiceQueue;

  constructor(private readonly o: EndpointSliceControllerOptions) {
    this.queue = new ServiceQueue({
      api: o.api,
      logger: o.logger,
      sync: (namespace, name) => this.sync(namespace, name),
      ...(o.workers ? { workers: o.workers } : {}),
    });
  }

  private get slices(): RegistryStore {
    return this.o.api.registry('discovery.k8s.io', 'v1', 'endpointslices');
  }

  async start(signal: AbortSignal): Promise<void> {
    await this.queue.start(signal);
    // Leftovers: slices of Services deleted while no controller was watching.
    for (const obj of (await this.slices.list('')).items) {
      const slice = obj as EndpointSlice;
      const service = slice.metadata?.labels?.[LABEL_SERVICE_NAME];
      if (managedBy(slice) && service) this.queue.add(slice.metadata?.namespace ?? '', service);
    }
  }

  /** This controller's slices of the Service `name`. */
  private async ownedSlices(namespace: string, name: string): Promise<EndpointSlice[]> {
    const list = await this.slices.list(namespace, {
      filter: (obj) => {
        const slice = obj as EndpointSlice;
        return managedBy(slice) && slice.metadata?.labels?.[LABEL_SERVICE_NAME] === name;
      },
    });
    return list.items as EndpointSlice[];
  }

  async sync(namespace: string, name: string): Promise<void> {
    const api = this.o.api;
    const svc = (await getOrUndefined(api.registry('', 'v1', 'services'), namespace, name)) as
      Service | undefined;
    const existing = await this.ownedSlices(namespace, name);
    const selector = svc && selectorOf(svc);
    if (!svc || !selector) {
      // Gone, or no selector (any more): the slices are no longer this controller's to keep.
      for (const s of existing) await deleteIfExists(this.slices, namespace, s.metadata?.name ?? '');
      return;
    }
    const desired = desiredEndpoints(svc, await selectedPods(api, namespace, selector));
    const plan = planSlices(svc, existing, desired, this.o.maxEndpointsPerSlice ?? MAX_ENDPOINTS_PER_SLICE);
    // Create before delete, so readers never see a Service with no slices mid-change.
    for (const s of plan.create) await this.slices.create(namespace, s);
    for (const s of plan.update) await this.slices.update(namespace, s.metadata?.name ?? '', s);
    for (const s of plan.delete) {
      try {
        await this.slices.delete(namespace, s.metadata?.name ?? '', {
          preconditions: { resourceVersion: s.metadata?.resourceVersion ?? '' },
        });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }
}
