/**
 * The root CA publisher (upstream `pkg/controller/certificates/rootcacertpublisher`): every
 * active namespace has a ConfigMap `kube-root-ca.crt` whose `ca.crt` is the cluster CA, made again
 * when deleted and put back when changed. The service account volume projects it as `ca.crt`.
 */
import type { ConfigMap } from 'kubernetes-types/core/v1.js';
import { isAlreadyExists, isNotFound } from '../apimachinery/errors.js';
import type { Api } from '../apiserver/api.js';
import { runWatch } from '../controllers/watch-loop.js';
import type { KubeObject } from '../registry/resource.js';
import type { Logger } from '../util/log.js';

export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';

export interface RootCAPublisherOptions {
  api: Api;
  logger: Logger;
  /** PEM of the cluster CA ('' for a plain-HTTP server: the file is then empty). */
  caCert: string;
}

export class RootCAPublisher {
  constructor(private readonly o: RootCAPublisherOptions) {}

  async start(signal: AbortSignal): Promise<void> {
    const namespaces = this.o.api.registry('', 'v1', 'namespaces');
    const configMaps = this.o.api.registry('', 'v1', 'configmaps');
    await runWatch(namespaces, signal, this.o.logger, (e) => {
      if (e.type !== 'DELETED' && !e.object.metadata?.deletionTimestamp)
        void this.sync(e.object.metadata?.name ?? '');
    });
    await runWatch(configMaps, signal, this.o.logger, (e) => {
      if (e.object.metadata?.name !== ROOT_CA_CONFIGMAP) return;
      const cm = e.object as ConfigMap;
      if (e.type === 'DELETED' || cm.data?.['ca.crt'] !== this.o.caCert)
        void this.sync(cm.metadata?.namespace ?? '');
    });
  }

  private desired(namespace: string): ConfigMap & KubeObject {
    return {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: ROOT_CA_CONFIGMAP,
        namespace,
        annotations: {
          [DESCRIPTION_ANNOTATION]:
            'The cluster CA bundle, for clients in pods to verify the API server (published by Cairn).',
        },
      },
      data: { 'ca.crt': this.o.caCert },
    };
  }

  private async sync(namespace: string): Promise<void> {
    const configMaps = this.o.api.registry('', 'v1', 'configmaps');
    try {
      const current = (await configMaps.get(namespace, ROOT_CA_CONFIGMAP)) as ConfigMap;
      if (current.data?.['ca.crt'] === this.o.caCert) return;
      await configMaps.guaranteedUpdate(namespace, ROOT_CA_CONFIGMAP, (obj) => ({
        ...obj,
        data: { ...(obj as ConfigMap).data, 'ca.crt': this.o.caCert },
      }));
    } catch (err) {
      if (!isNotFound(err)) {
        this.o.logger.warn({ namespace, err: String(err) }, 'updating kube-root-ca.crt');
        return;
      }
      try {
        await configMaps.create(namespace, this.desired(namespace));
      } catch (e) {
        // lost a race, or the namespace is going away
        if (!isAlreadyExists(e) && !isNotFound(e))
          this.o.logger.warn({ namespace, err: String(e) }, 'creating kube-root-ca.crt');
      }
    }
  }
}
