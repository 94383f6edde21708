/** Objects every cluster starts with: the four system namespaces. */
import { isAlreadyExists } from '../apimachinery/errors.js';
import type { Api } from '../apiserver/api.js';

export const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export async function bootstrap(api: Api): Promise<void> {
  const namespaces = api.registry('', 'v1', 'namespaces');
  for (const name of systemNamespaces) {
    try {
      await namespaces.create('', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }
}
