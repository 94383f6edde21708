/**
 * ServiceAccount controller: every active namespace has a `default` ServiceAccount; it is
 * made again if deleted.
 */
import { isAlreadyExists, isNotFound } from '../../apimachinery/errors.js';
import type { Api } from '../../apiserver/api.js';
import type { Logger } from '../../util/log.js';
import { runWatch } from '../watch-loop.js';

export interface ServiceAccountControllerOptions {
  api: Api;
  logger: Logger;
}

export class ServiceAccountController {
  constructor(private readonly o: ServiceAccountControllerOptions) {}

  async start(signal: AbortSignal): Promise<void> {
    const namespaces = this.o.api.registry('', 'v1', 'namespaces');
    const accounts = this.o.api.registry('', 'v1', 'serviceaccounts');
    await runWatch(namespaces, signal, this.o.logger, (e) => {
      if (e.type !== 'DELETED' && !e.object.metadata?.deletionTimestamp)
        void this.ensure(e.object.metadata?.name ?? '');
    });
    await runWatch(accounts, signal, this.o.logger, (e) => {
      if (e.type === 'DELETED' && e.object.metadata?.name === 'default')
        void this.ensure(e.object.metadata.namespace ?? '');
    });
  }

  private async ensure(namespace: string): Promise<void> {
    const accounts = this.o.api.registry('', 'v1', 'serviceaccounts');
    try {
      await accounts.get(namespace, 'default');
      return;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    try {
      await accounts.create(namespace, {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'default', namespace },
      });
    } catch (err) {
      // Lost a race, or the namespace went away meanwhile.
      if (!isAlreadyExists(err) && !isNotFound(err))
        this.o.logger.warn({ namespace, err: String(err) }, 'creating default service account');
    }
  }
}
