/**
 * Namespace controller: a namespace being deleted (phase Terminating) has all its content
 * deleted; once none is left its `kubernetes` finalizer is removed and the namespace goes.
 */
import type { Namespace } from 'kubernetes-types/core/v1.js';
import { isNotFound } from '../../apimachinery/errors.js';
import type { Api } from '../../apiserver/api.js';
import type { Logger } from '../../util/log.js';
import { runWatch } from '../watch-loop.js';

export interface NamespaceControllerOptions {
  api: Api;
  logger: Logger;
  /** How soon to look again while content remains (pods waiting for their grace period). */
  resyncMs?: number;
}

export class NamespaceController {
  private readonly pending = new Set<string>();

  constructor(private readonly o: NamespaceControllerOptions) {}

  async start(signal: AbortSignal): Promise<void> {
    const namespaces = this.o.api.registry('', 'v1', 'namespaces');
    await runWatch(namespaces, signal, this.o.logger, (e) => {
      const name = e.object.metadata?.name ?? '';
      if (e.type !== 'DELETED' && e.object.metadata?.deletionTimestamp) void this.sync(name, signal);
    });
  }

  private async sync(name: string, signal: AbortSignal): Promise<void> {
    if (this.pending.has(name) || signal.aborted) return;
    this.pending.add(name);
    try {
      const remaining = await this.deleteContent(name);
      if (remaining > 0) {
        setTimeout(() => void this.sync(name, signal), this.o.resyncMs ?? 2000).unref();
        return;
      }
      await this.o.api.registry('', 'v1', 'namespaces').guaranteedUpdate(
        '',
        name,
        (obj) => {
          const ns = obj as Namespace;
          if (ns.spec?.finalizers) ns.spec.finalizers = ns.spec.finalizers.filter((f) => f !== 'kubernetes');
          return ns;
        },
        { subresource: 'finalize' },
      );
    } catch (err) {
      if (!isNotFound(err)) this.o.logger.warn({ namespace: name, err: String(err) }, 'namespace cleanup');
    } finally {
      this.pending.delete(name);
    }
  }

  /** Deletes everything in the namespace; returns how many objects are still there. */
  private async deleteContent(namespace: string): Promise<number> {
    let remaining = 0;
    for (const registry of this.o.api.all()) {
      if (!registry.resource.namespaced) continue;
      const list = await registry.list(namespace);
      for (const obj of list.items) {
        if (obj.metadata?.deletionTimestamp) {
          remaining++;
          continue;
        }
        try {
          if (!(await registry.delete(namespace, obj.metadata?.name ?? '')).deleted) remaining++;
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
    }
    return remaining;
  }
}
