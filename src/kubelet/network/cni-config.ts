/**
 * The pod network: one CNI conflist that containerd's CRI plugin runs for every sandbox — a Linux
 * bridge (`cairn0`) that is the pods' gateway and masquerades their traffic, host-local IPAM over
 * this node's pod CIDR, and portmap for hostPort. Cairn's own conf dir, bridge and subnet: the
 * host's /etc/cni/net.d (podman's `cni-podman0`, 10.88.0.0/16) is never read or touched.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface CniConfigOptions {
  /** This node's pod CIDR, e.g. `10.244.0.0/24` (IPv4). */
  subnet: string;
  /** Where host-local keeps its allocations (e.g. `<dataDir>/cni/ipam`). */
  ipamDataDir: string;
  /** Network name (default `cairn`). */
  name?: string;
  /** Linux bridge name (default `cairn0`, at most 15 characters). */
  bridge?: string;
  /** CNI spec version (default `1.0.0`, supported by containernetworking-plugins 1.1 and containerd 1.6). */
  cniVersion?: string;
  /** Interface MTU (default: the bridge plugin's, 1500). */
  mtu?: number;
}

export const DEFAULT_BRIDGE = 'cairn0';
export const DEFAULT_NETWORK = 'cairn';
/** File name in the conf dir: containerd (`max_conf_num = 1`) loads the first file in name order. */
export const CONFLIST_FILE = '10-cairn.conflist';

export class NetworkConfigError extends Error {
  readonly code = 'InvalidNetworkConfig';
  constructor(message: string) {
    super(message);
    this.name = 'NetworkConfigError';
  }
}

/** Parses `a.b.c.d/n` (IPv4) into its network address and prefix length; throws on anything else. */
export function parseIPv4Cidr(cidr: string): { network: string; prefix: number } {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const octets = m ? m.slice(1, 5).map(Number) : [];
  const prefix = Number(m?.[5]);
  if (!m || octets.some((o) => o > 255) || prefix > 30 || prefix < 8) {
    throw new NetworkConfigError(
      `pod subnet ${JSON.stringify(cidr)} is not an IPv4 CIDR with a /8–/30 prefix`,
    );
  }
  const value = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  const base = Math.floor(value / size) * size;
  const network = [24, 16, 8, 0].map((s) => Math.floor(base / 2 ** s) % 256).join('.');
  return { network, prefix };
}

/** The conflist as an object (stable key order, for tests and for writing). */
export function renderConflist(options: CniConfigOptions): Record<string, unknown> {
  const bridge = options.bridge ?? DEFAULT_BRIDGE;
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(bridge)) {
    throw new NetworkConfigError(`bridge name ${JSON.stringify(bridge)} is not a valid interface name`);
  }
  const { network, prefix } = parseIPv4Cidr(options.subnet);
  return {
    cniVersion: options.cniVersion ?? '1.0.0',
    name: options.name ?? DEFAULT_NETWORK,
    plugins: [
      {
        type: 'bridge',
        bridge,
        isGateway: true,
        ipMasq: true,
        hairpinMode: true,
        ...(options.mtu ? { mtu: options.mtu } : {}),
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet: `${network}/${prefix}` }]],
          routes: [{ dst: '0.0.0.0/0' }],
          dataDir: options.ipamDataDir,
        },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  };
}

/**
 * Writes the conflist into `confDir` (atomically: containerd watches the folder) and creates the
 * IPAM data dir. Returns the file's path.
 */
export async function writeCniConfig(confDir: string, options: CniConfigOptions): Promise<string> {
  const body = `${JSON.stringify(renderConflist(options), null, 2)}\n`;
  await mkdir(confDir, { recursive: true });
  await mkdir(options.ipamDataDir, { recursive: true });
  const file = join(confDir, CONFLIST_FILE);
  await writeFile(`${file}.tmp`, body);
  await rename(`${file}.tmp`, file);
  return file;
}
