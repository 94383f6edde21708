/**
 * Where the agent serves cluster DNS: its bridge's gateway address (the first IP of the pod CIDR,
 * host-local IPAM's default gateway), reachable from every pod on the node without a ClusterIP
 * proxy. The CNI bridge plugin creates the bridge and its address only with the first pod, so the
 * agent creates them up front the way the plugin would (same name, `<gateway>/<prefix>`: the
 * plugin then finds both in place) and DNS is up before any pod asks.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { promisify } from 'node:util';
import { parseIPv4Cidr } from '../kubelet/network/index.js';

export type ExecFileFn = (file: string, args: string[]) => Promise<{ stdout: string; stderr: string }>;

/** The first address of an IPv4 CIDR: `10.244.0.0/24` → `10.244.0.1`. */
export function bridgeGatewayIP(podCIDR: string): { ip: string; prefix: number } {
  const { network, prefix } = parseIPv4Cidr(podCIDR);
  const octets = network.split('.').map(Number);
  const value = octets.reduce((acc, o) => acc * 256 + o, 0) + 1;
  const ip = [24, 16, 8, 0].map((s) => Math.floor(value / 2 ** s) % 256).join('.');
  return { ip, prefix };
}

export interface EnsureGatewayOptions {
  bridge: string;
  podCIDR: string;
  /** default: child_process.execFile */
  exec?: ExecFileFn;
  /** Whether the host has this address on some interface (default: os.networkInterfaces). */
  hasAddress?: (ip: string) => boolean;
  /** default /usr/sbin/ip, else `ip` from PATH */
  ipBinary?: string;
}

const hostHasAddress = (ip: string): boolean =>
  Object.values(networkInterfaces()).some((addrs) => (addrs ?? []).some((a) => a.address === ip));

/** Makes sure the bridge exists, is up and has the gateway address; returns the gateway IP. */
export async function ensureBridgeGateway(o: EnsureGatewayOptions): Promise<string> {
  const { ip, prefix } = bridgeGatewayIP(o.podCIDR);
  if ((o.hasAddress ?? hostHasAddress)(ip)) return ip;
  const exec = o.exec ?? promisify(execFile);
  const bin = o.ipBinary ?? (existsSync('/usr/sbin/ip') ? '/usr/sbin/ip' : 'ip');
  const tolerateExists = (err: Error & { stderr?: string }) => {
    if (!/exists/i.test(`${err.stderr ?? ''} ${err.message}`)) throw err;
  };
  await exec(bin, ['link', 'add', 'name', o.bridge, 'type', 'bridge']).catch(tolerateExists);
  await exec(bin, ['addr', 'add', `${ip}/${prefix}`, 'dev', o.bridge]).catch(tolerateExists);
  await exec(bin, ['link', 'set', o.bridge, 'up']);
  return ip;
}
