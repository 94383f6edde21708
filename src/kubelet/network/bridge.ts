/**
 * Teardown of what the bridge plugin leaves behind: the bridge itself stays after the last pod's
 * CNI DEL, so the agent deletes it when it stops its containerd.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { DEFAULT_BRIDGE } from './cni-config.js';

export type ExecFileFn = (file: string, args: string[]) => Promise<{ stdout: string; stderr: string }>;

export const defaultExecFile: ExecFileFn = promisify(execFile);

export interface TeardownBridgeOptions {
  bridge?: string;
  /** Runs `ip` (default: child_process.execFile). */
  exec?: ExecFileFn;
  /** Tells whether the link exists (default: /sys/class/net/<name>). */
  linkExists?: (name: string) => boolean;
  /** Path of iproute2's `ip` (default `/usr/sbin/ip`, else `ip` from PATH). */
  ipBinary?: string;
}

/** Deletes the bridge if it exists; returns whether it deleted one. */
export async function teardownBridge(options: TeardownBridgeOptions = {}): Promise<boolean> {
  const bridge = options.bridge ?? DEFAULT_BRIDGE;
  const exists = options.linkExists ?? ((name: string) => existsSync(`/sys/class/net/${name}`));
  if (!exists(bridge)) return false;
  const ip = options.ipBinary ?? (existsSync('/usr/sbin/ip') ? '/usr/sbin/ip' : 'ip');
  await (options.exec ?? defaultExecFile)(ip, ['link', 'delete', bridge, 'type', 'bridge']);
  return true;
}
