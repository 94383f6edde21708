/**
 * Facts about the host the node status is made of (upstream cAdvisor's MachineInfo plus the
 * kubelet's own look-ups): CPU count, MemTotal, the data dir's filesystem size, machine-id,
 * product_uuid, boot_id, kernel, /etc/os-release, and the address of the default route's interface.
 * Every read is injectable; a fact that cannot be read is empty rather than an error.
 */
import { readFile as fsReadFile, statfs as fsStatfs } from 'node:fs/promises';
import os from 'node:os';

export interface HostInfo {
  hostname: string;
  numCores: number;
  memoryCapacityBytes: number;
  /** Size of the filesystem holding the data dir (nodefs). */
  ephemeralStorageBytes: number;
  machineID: string;
  systemUUID: string;
  bootID: string;
  kernelVersion: string;
  osImage: string;
  /** IPv4 of the default route's interface (else the first non-loopback IPv4), '' when none. */
  internalIP: string;
}

export interface HostInfoOptions {
  /** The directory whose filesystem is the node's ephemeral storage (the data dir). */
  dataDir: string;
  readFile?: (path: string) => Promise<string>;
  statfs?: (path: string) => Promise<{ blocks: number; bsize: number }>;
  cpus?: () => number;
  hostname?: () => string;
  release?: () => string;
  networkInterfaces?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>;
}

/** MemTotal from /proc/meminfo, in bytes. */
export function parseMemTotal(meminfo: string): number {
  const m = /^MemTotal:\s+(\d+)\s*kB$/m.exec(meminfo);
  return m ? Number(m[1]) * 1024 : 0;
}

/** PRETTY_NAME from /etc/os-release (quotes removed), as upstream reports `osImage`. */
export function parseOsRelease(text: string): string {
  const m = /^PRETTY_NAME=(.*)$/m.exec(text);
  return m?.[1] ? m[1].trim().replace(/^"(.*)"$/, '$1') : '';
}

/** The interface of the IPv4 default route in /proc/net/route (destination and mask 0), or ''. */
export function defaultRouteInterface(routes: string): string {
  for (const line of routes.split('\n').slice(1)) {
    const [iface, destination, , , , , , mask] = line.trim().split(/\s+/);
    if (iface && destination === '00000000' && mask === '00000000') return iface;
  }
  return '';
}

export function pickInternalIP(
  interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]>,
  defaultIface: string,
): string {
  const v4 = (name: string) =>
    (interfaces[name] ?? []).find((a) => a.family === 'IPv4' && !a.internal)?.address ?? '';
  const preferred = defaultIface ? v4(defaultIface) : '';
  if (preferred) return preferred;
  for (const name of Object.keys(interfaces)) {
    const address = v4(name);
    if (address) return address;
  }
  return '';
}

export async function readHostInfo(options: HostInfoOptions): Promise<HostInfo> {
  const read = options.readFile ?? ((p: string) => fsReadFile(p, 'utf8'));
  const tryRead = async (...paths: string[]): Promise<string> => {
    for (const p of paths) {
      try {
        return (await read(p)).trim();
      } catch {
        // next candidate
      }
    }
    return '';
  };
  const fs = await (options.statfs ?? fsStatfs)(options.dataDir).catch(() => ({ blocks: 0, bsize: 0 }));
  const ifaces = (options.networkInterfaces ?? os.networkInterfaces)();
  return {
    hostname: (options.hostname ?? os.hostname)(),
    numCores: (options.cpus ?? os.availableParallelism)(),
    memoryCapacityBytes: parseMemTotal(await tryRead('/proc/meminfo')),
    ephemeralStorageBytes: fs.blocks * fs.bsize,
    machineID: await tryRead('/etc/machine-id', '/var/lib/dbus/machine-id'),
    systemUUID: (await tryRead('/sys/class/dmi/id/product_uuid')).toLowerCase(),
    bootID: await tryRead('/proc/sys/kernel/random/boot_id'),
    kernelVersion: (options.release ?? os.release)(),
    osImage: parseOsRelease(await tryRead('/etc/os-release', '/usr/lib/os-release')),
    internalIP: pickInternalIP(ifaces, defaultRouteInterface(await tryRead('/proc/net/route'))),
  };
}
