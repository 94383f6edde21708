/** The kubeconfig `cairn server` writes so that kubectl works with no other flags. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import YAML from 'yaml';

export interface KubeconfigOptions {
  server: string;
  token: string;
  /** PEM of the CA that signed the serving certificate (absent for plain HTTP). */
  caCert?: string;
  clusterName?: string;
}

export function kubeconfig(o: KubeconfigOptions): string {
  const name = o.clusterName ?? 'cairn';
  const cluster: Record<string, string> = { server: o.server };
  if (o.caCert) cluster['certificate-authority-data'] = Buffer.from(o.caCert).toString('base64');
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster }],
    users: [{ name: `${name}-admin`, user: { token: o.token } }],
    contexts: [{ name, context: { cluster: name, user: `${name}-admin`, namespace: 'default' } }],
    'current-context': name,
    preferences: {},
  });
}

export async function writeKubeconfig(path: string, o: KubeconfigOptions): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, kubeconfig(o), { mode: 0o600 });
}
