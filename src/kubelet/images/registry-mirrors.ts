/**
 * `--registry-mirror HOST=URL` (repeatable): pulls of images named after HOST go to URL first,
 * through containerd's `certs.d/<HOST>/hosts.toml` (see registry-hosts.ts). Several mirrors of one
 * host are tried in the order given, then HOST itself. `docker.io=http://127.0.0.1:5000` is the
 * air-gapped setup: `busybox:1.28` is pulled from the local registry as
 * `library/busybox:1.28`.
 *
 * The set is declarative: a hosts.toml Cairn wrote earlier for a host no longer given is removed,
 * files written by hand are left alone.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { RegistryConfigError, writeRegistryHosts, type RegistryHostConfig } from './registry-hosts.js';

export interface RegistryMirrorFlag {
  /** The registry name as images spell it: `docker.io`, `registry.example:5000`. */
  host: string;
  /** `http://127.0.0.1:5000` */
  url: string;
}

/** Parses one `HOST=URL` flag value. */
export function parseRegistryMirror(value: string): RegistryMirrorFlag {
  const eq = value.indexOf('=');
  const host = value.slice(0, eq).trim();
  const url = value.slice(eq + 1).trim();
  if (eq <= 0 || !host || !url) {
    throw new RegistryConfigError(
      `--registry-mirror ${JSON.stringify(value)}: expected HOST=URL, e.g. docker.io=http://127.0.0.1:5000`,
    );
  }
  if (!/^https?:\/\/[^\s"/]+(\/[^\s"]*)?$/.test(url)) {
    throw new RegistryConfigError(`--registry-mirror ${JSON.stringify(value)}: ${url} is not an http(s) URL`);
  }
  return { host, url: url.replace(/\/+$/, '') };
}

/** One hosts.toml per host, its mirrors in flag order (duplicates dropped). */
export function registryHostConfigs(mirrors: RegistryMirrorFlag[]): RegistryHostConfig[] {
  const byHost = new Map<string, string[]>();
  for (const { host, url } of mirrors) {
    const urls = byHost.get(host) ?? [];
    if (!urls.includes(url)) urls.push(url);
    byHost.set(host, urls);
  }
  return [...byHost].map(([host, urls]) => ({ host, mirrors: urls.map((url) => ({ url })) }));
}

const WRITTEN_BY_CAIRN = '# Written by cairn';

/**
 * Writes `<certsDir>/<host>/hosts.toml` for every mirrored host and removes the ones Cairn wrote
 * for hosts not given any more. Returns the files written.
 */
export async function writeRegistryMirrors(
  certsDir: string,
  mirrors: RegistryMirrorFlag[],
): Promise<string[]> {
  const configs = registryHostConfigs(mirrors);
  const files: string[] = [];
  for (const config of configs) files.push(await writeRegistryHosts(certsDir, config));
  const wanted = new Set(configs.map((c) => c.host));
  const present = await readdir(certsDir).catch(() => [] as string[]);
  for (const host of present) {
    if (wanted.has(host)) continue;
    const file = join(certsDir, host, 'hosts.toml');
    const text = await readFile(file, 'utf8').catch(() => '');
    if (text.startsWith(WRITTEN_BY_CAIRN)) await rm(join(certsDir, host), { recursive: true, force: true });
  }
  return files;
}
