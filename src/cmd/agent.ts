/** `cairn agent`: joins a server as a node and runs its pods until SIGINT/SIGTERM. */
import { readFile } from 'node:fs/promises';
import { startAgent, type Agent } from '../kubelet/agent.js';
import { parseRegistryMirror, type RegistryMirrorFlag } from '../kubelet/images/index.js';
import { newLogger, type Logger } from '../util/log.js';

export interface AgentFlags {
  server: string;
  token?: string;
  tokenFile?: string;
  caCert?: string;
  nodeName?: string;
  containerdSocket?: string;
  dataDir: string;
  podCidr?: string;
  cniBridge: string;
  /** Comma-separated nameservers for pods (default: the agent's own DNS on the bridge gateway). */
  clusterDns?: string;
  clusterDomain: string;
  busyboxAs?: string[];
  /** `HOST=URL` values of the repeatable `--registry-mirror`. */
  registryMirror?: string[];
  podManifestPath?: string;
  logLevel: string;
}

/** `--registry-mirror HOST=URL…` as agent options (throws on a malformed value, naming it). */
export function mirrorOptions(flags: { registryMirror?: string[] }): {
  registryMirrors?: RegistryMirrorFlag[];
} {
  const mirrors = (flags.registryMirror ?? []).map(parseRegistryMirror);
  return mirrors.length > 0 ? { registryMirrors: mirrors } : {};
}

/** `--cluster-dns`/`--cluster-domain` as agent options. */
export function dnsOptions(flags: { clusterDns?: string; clusterDomain: string }): {
  clusterDomain: string;
  clusterDNS?: { nameservers: string[]; domain: string };
} {
  const nameservers = (flags.clusterDns ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    clusterDomain: flags.clusterDomain,
    ...(nameservers.length > 0 ? { clusterDNS: { nameservers, domain: flags.clusterDomain } } : {}),
  };
}

export async function runAgent(flags: AgentFlags): Promise<void> {
  const logger = newLogger(flags.logLevel);
  const mirrors = mirrorOptions(flags);
  const token = flags.token ?? (flags.tokenFile ? (await readFile(flags.tokenFile, 'utf8')).trim() : '');
  if (!token)
    throw new Error(
      'cairn agent needs --token (or --token-file): the server writes it to <data-dir>/server/node-token',
    );
  const agent = await startAgent({
    server: flags.server,
    token,
    ...(flags.caCert ? { caCert: await readFile(flags.caCert, 'utf8') } : {}),
    ...(flags.nodeName ? { nodeName: flags.nodeName } : {}),
    ...(flags.containerdSocket ? { containerdSocket: flags.containerdSocket } : {}),
    dataDir: flags.dataDir,
    ...(flags.podCidr ? { podCIDR: flags.podCidr } : {}),
    bridge: flags.cniBridge,
    ...dnsOptions(flags),
    ...(flags.busyboxAs?.length ? { busyboxAs: flags.busyboxAs } : {}),
    ...mirrors,
    ...(flags.podManifestPath ? { podManifestPath: flags.podManifestPath } : {}),
    logger,
  });
  // static pods already run; stopping works while it still joins
  stopOnSignals(logger, () => agent.stop());
  const joined = await agent.connected.catch(async (err: unknown) => {
    await agent.stop();
    throw err;
  });
  process.stdout.write(`Cairn node ${agent.nodeName} joined ${flags.server} (pod CIDR ${joined.podCIDR})\n`);
}

/** SIGINT/SIGTERM: run `stop` once, then exit. */
export function stopOnSignals(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    try {
      await stop();
    } catch (err) {
      logger.error({ err: (err as Error).message }, 'error while stopping');
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void onSignal('SIGINT'));
  process.on('SIGTERM', () => void onSignal('SIGTERM'));
}

export type { Agent };
