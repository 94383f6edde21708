/**
 * Client options from a kubeconfig file (its current context): server, CA (inline data or file)
 * and bearer token (inline or `tokenFile`). Client certificates and exec plugins are refused by name.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import YAML from 'yaml';
import type { RestClientOptions } from './rest-client.js';

interface Named<T> {
  name: string;
  [key: string]: unknown;
  value?: T;
}

interface KubeconfigFile {
  'current-context'?: string;
  clusters?: Array<Named<never> & { cluster?: Record<string, unknown> }>;
  users?: Array<Named<never> & { user?: Record<string, unknown> }>;
  contexts?: Array<Named<never> & { context?: { cluster?: string; user?: string } }>;
}

export class KubeconfigError extends Error {
  readonly code = 'InvalidKubeconfig';
  constructor(path: string, message: string) {
    super(`kubeconfig ${path}: ${message}`);
    this.name = 'KubeconfigError';
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export async function fromKubeconfig(path: string, contextName?: string): Promise<RestClientOptions> {
  const doc = YAML.parse(await readFile(path, 'utf8')) as KubeconfigFile | null;
  const fail = (message: string) => new KubeconfigError(path, message);
  const name = contextName ?? doc?.['current-context'];
  if (!name) throw fail('no current-context');
  const context = doc?.contexts?.find((c) => c.name === name)?.context;
  if (!context) throw fail(`context ${JSON.stringify(name)} not found`);
  const cluster = doc?.clusters?.find((c) => c.name === context.cluster)?.cluster;
  const server = str(cluster?.server);
  if (!cluster || !server) throw fail(`cluster ${JSON.stringify(context.cluster)} has no server`);
  const user = doc?.users?.find((u) => u.name === context.user)?.user ?? {};
  const rel = (f: string) => (isAbsolute(f) ? f : resolve(dirname(path), f));

  const options: RestClientOptions = { server };
  const caData = str(cluster['certificate-authority-data']);
  const caFile = str(cluster['certificate-authority']);
  if (caData) options.caCert = Buffer.from(caData, 'base64').toString('utf8');
  else if (caFile) options.caCert = await readFile(rel(caFile), 'utf8');
  if (cluster['insecure-skip-tls-verify'] === true) options.insecureSkipTLSVerify = true;

  const token = str(user.token);
  const tokenFile = str(user.tokenFile);
  if (token) options.token = token;
  else if (tokenFile) options.token = (await readFile(rel(tokenFile), 'utf8')).trim();
  else if (
    user['client-certificate-data'] ||
    user['client-certificate'] ||
    user.exec ||
    user['auth-provider']
  ) {
    throw fail('only bearer tokens are supported (client certificates, exec and auth-provider are not)');
  }
  return options;
}
