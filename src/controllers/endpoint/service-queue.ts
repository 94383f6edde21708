/**
 * The event plumbing both endpoint controllers share: a Service's key is queued when the
 * Service changes or when a pod its selector matches (before or after the change) does; a
 * worker pool hands each key to the controller's `sync`, retrying failures with backoff.
 * Level-triggered: `sync` reads the current Service and pods, whatever the event was.
 */
import type { Service } from 'kubernetes-types/core/v1.js';
import type { Api } from '../../apiserver/api.js';
import type { Logger } from '../../util/log.js';
import { WorkQueue } from '../garbagecollector/work-queue.js';
import { runWatch } from '../watch-loop.js';
import { selectorMatches, selectorOf } from './pod-util.js';

export interface ServiceQueueOptions {
  api: Api;
  logger: Logger;
  /** Brings the objects of one Service up to date (throw to retry later). */
  sync: (namespace: string, name: string) => Promise<void>;
  workers?: number;
  /** Backoff of a failing key: first delay and cap (ms). */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export const serviceKey = (namespace: string, name: string): string => `${namespace}/${name}`;

export class ServiceQueue {
  /** Selector of every Service seen, by key (undefined: selects nothing). */
  private readonly selectors = new Map<string, Record<string, string> | undefined>();
  /** Labels of every pod seen, by key: a label change must reach the Services it left. */
  private readonly podLabels = new Map<string, Record<string, string> | undefined>();
  private readonly queue: WorkQueue;

  constructor(private readonly o: ServiceQueueOptions) {
    this.queue = new WorkQueue({ baseDelayMs: o.baseDelayMs ?? 50, maxDelayMs: o.maxDelayMs ?? 30_000 });
  }

  add(namespace: string, name: string): void {
    this.queue.add(serviceKey(namespace, name));
  }

  /** Starts the workers and the watches; resolves once both watches are established. */
  async start(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    signal.addEventListener('abort', () => this.queue.shutDown(), { once: true });
    for (let i = 0; i < (this.o.workers ?? 4); i++) void this.work();
    const { api, logger } = this.o;
    await runWatch(api.registry('', 'v1', 'services'), signal, logger, (e) => {
      const meta = e.object.metadata ?? {};
      const key = serviceKey(meta.namespace ?? '', meta.name ?? '');
      if (e.type === 'DELETED') this.selectors.delete(key);
      else this.selectors.set(key, selectorOf(e.object as Service));
      this.queue.add(key);
    });
    await runWatch(api.registry('', 'v1', 'pods'), signal, logger, (e) => {
      const meta = e.object.metadata ?? {};
      const namespace = meta.namespace ?? '';
      const podKey = serviceKey(namespace, meta.name ?? '');
      const before = this.podLabels.get(podKey);
      if (e.type === 'DELETED') this.podLabels.delete(podKey);
      else this.podLabels.set(podKey, meta.labels);
      const prefix = `${namespace}/`;
      for (const [key, selector] of this.selectors) {
        if (!selector || !key.startsWith(prefix)) continue;
        if (selectorMatches(selector, meta.labels) || (before && selectorMatches(selector, before))) {
          this.queue.add(key);
        }
      }
    });
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      const slash = key.indexOf('/');
      try {
        await this.o.sync(key.slice(0, slash), key.slice(slash + 1));
        this.queue.forget(key);
      } catch (err) {
        this.o.logger.warn({ service: key, err: String(err) }, 'endpoints sync failed; retrying');
        this.queue.addRateLimited(key);
      } finally {
        this.queue.done(key);
      }
    }
  }
}
