/**
 * Registry hosts for containerd's `certs.d` (`registry.config_path`): `<certsDir>/<host>/hosts.toml`,
 * read at every pull without a restart. This is how an air-gapped cluster points `docker.io` at
 * its own registry, and how a plain-HTTP registry under a name other than localhost is reached.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type RegistryCapability = 'pull' | 'resolve' | 'push';

export interface RegistryMirror {
  /** `http://10.0.0.5:5000` or `https://mirror.example`. */
  url: string;
  /** default pull + resolve */
  capabilities?: RegistryCapability[];
  /** Accept any TLS certificate. */
  skipVerify?: boolean;
}

export interface RegistryHostConfig {
  /** The registry name as images spell it: `docker.io`, `registry.local:5000`. */
  host: string;
  /** The upstream itself (containerd's fallback after the mirrors); omit to use the default. */
  server?: string;
  /** Tried in order before the server. */
  mirrors?: RegistryMirror[];
}

export class RegistryConfigError extends Error {
  readonly code = 'InvalidRegistryConfig';
  constructor(message: string) {
    super(message);
    this.name = 'RegistryConfigError';
  }
}

const str = (s: string): string => JSON.stringify(s);

function checkUrl(url: string): void {
  if (!/^https?:\/\/[^\s"]+$/.test(url))
    throw new RegistryConfigError(`registry URL ${str(url)} is not http(s)`);
}

export function renderHostsToml(config: RegistryHostConfig): string {
  const lines = [`# Written by cairn: registry hosts for ${config.host}`];
  if (config.server) {
    checkUrl(config.server);
    lines.push(`server = ${str(config.server)}`);
  }
  for (const mirror of config.mirrors ?? []) {
    checkUrl(mirror.url);
    const caps = mirror.capabilities ?? ['pull', 'resolve'];
    lines.push('', `[host.${str(mirror.url)}]`, `  capabilities = [${caps.map(str).join(', ')}]`);
    if (mirror.skipVerify) lines.push('  skip_verify = true');
  }
  return `${lines.join('\n')}\n`;
}

/** Writes `<certsDir>/<host>/hosts.toml` (atomically); returns its path. */
export async function writeRegistryHosts(certsDir: string, config: RegistryHostConfig): Promise<string> {
  if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(config.host) || config.host.startsWith('.')) {
    throw new RegistryConfigError(`registry host ${str(config.host)} is not a host[:port]`);
  }
  const dir = join(certsDir, config.host);
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'hosts.toml');
  await writeFile(`${file}.tmp`, renderHostsToml(config));
  await rename(`${file}.tmp`, file);
  return file;
}
