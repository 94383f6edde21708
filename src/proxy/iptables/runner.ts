/**
 * Runs `iptables-save` and `iptables-restore`, the same variant for both (Debian 12's default
 * `iptables` is the nf_tables one; the legacy pair works the same way). Everything the proxier
 * does to the kernel goes through these two calls, so tests can swap them out.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Table } from './rules.js';

export interface IPTablesRunner {
  save(table: Table): Promise<string>;
  /** `iptables-restore --noflush`: changes only what the input names. */
  restore(input: string): Promise<void>;
}

export interface ExecIPTablesOptions {
  /** default: `/usr/sbin/iptables-save` if present, else from PATH */
  saveBinary?: string;
  restoreBinary?: string;
  /** Run inside this network namespace (`ip netns exec`), for tests. */
  netns?: string;
}

export class IPTablesError extends Error {
  readonly code = 'IPTablesFailed';
  constructor(message: string) {
    super(message);
    this.name = 'IPTablesError';
  }
}

const sbin = (name: string): string => (existsSync(`/usr/sbin/${name}`) ? `/usr/sbin/${name}` : name);

export function execIPTables(o: ExecIPTablesOptions = {}): IPTablesRunner {
  const cmd = (binary: string, args: string[]): [string, string[]] =>
    o.netns ? ['ip', ['netns', 'exec', o.netns, binary, ...args]] : [binary, args];
  return {
    save: (table) => exec(...cmd(o.saveBinary ?? sbin('iptables-save'), ['-t', table])),
    restore: async (input) => {
      // -w: wait for the xtables lock (legacy) instead of failing when another writer holds it
      await exec(...cmd(o.restoreBinary ?? sbin('iptables-restore'), ['--noflush', '-w', '5']), input);
    },
  };
}

function exec(file: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', (err) => reject(new IPTablesError(`${file}: ${err.message}`)));
    child.once('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new IPTablesError(`${file} ${args.join(' ')} exited with ${code}: ${stderr.trim()}`));
    });
    if (child.stdin) {
      // a restore that fails early closes its stdin: the exit code tells why, not EPIPE
      child.stdin.on('error', () => undefined);
      child.stdin.end(input);
    }
  });
}
