/**
 * Drives Cairn the way a user does: starts `cairn server` or `cairn up` (the built CLI) on loopback
 * with a free port and a temporary data dir, and runs the real kubectl against the kubeconfig it
 * writes. Everything started is stopped by pid.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findProcesses } from '../../src/kubelet/containerd/processes.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const cairnBin = join(repoRoot, 'bin', 'cairn.js');

/** kubectl versions on these machines: 1.32 is the default, the others sit beside it. */
export const kubectlPath = (version?: string): string =>
  version ? `/usr/lib/google-cloud-sdk/bin/kubectl.${version}` : '/usr/bin/kubectl';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CairnServer {
  pid: number;
  url: string;
  dataDir: string;
  kubeconfig: string;
  /** Everything the command printed on stdout so far. */
  output(): string;
  kubectl(
    args: string[],
    options?: { input?: string; version?: string; timeoutMs?: number },
  ): Promise<RunResult>;
  /** kubectl that must succeed: returns stdout, throws with stderr otherwise. */
  k(args: string[], options?: { input?: string; version?: string }): Promise<string>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface StartOptions {
  dataDir?: string;
  args?: string[];
}

export function run(
  cmd: string,
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    const child = execFile(
      cmd,
      args,
      { env: options.env ?? process.env, timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolvePromise({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

export function startCairn(options: StartOptions = {}): Promise<CairnServer> {
  return startCommand('server', options);
}

export interface UpOptions extends StartOptions {
  nodeName?: string;
  podCIDR?: string;
  /** CNI bridge of this run (default cairn0). */
  bridge?: string;
  /** `--self-hosted`: the control plane as the agent's static pods (slower to start: images). */
  selfHosted?: boolean;
}

export interface CairnUp extends CairnServer {
  nodeName: string;
  bridge: string;
}

/**
 * `cairn up --cleanup-on-exit` (server + agent, containerd under the data dir). `stop()` sends
 * SIGTERM (the agent removes every sandbox, stops containerd, deletes the bridge), then, as a
 * safety net, SIGKILLs by pid whatever still mentions the data dir (containerd, shims), unmounts
 * what is mounted under it, deletes the bridge and removes the data dir.
 */
export async function startCairnUp(options: UpOptions = {}): Promise<CairnUp> {
  const nodeName = options.nodeName ?? 'e2e-node';
  const bridge = options.bridge ?? 'cairn0';
  const server = await startCommand('up', {
    ...options,
    args: [
      '--cleanup-on-exit',
      '--no-install-deps',
      '--node-name',
      nodeName,
      '--cni-bridge',
      bridge,
      ...(options.podCIDR ? ['--pod-cidr', options.podCIDR] : []),
      ...(options.selfHosted ? ['--self-hosted'] : []),
      ...(options.args ?? []),
    ],
    startTimeoutMs: options.selfHosted ? 300_000 : 120_000,
    beforeRemove: async (dataDir) => {
      for (const p of await processesMentioning(dataDir)) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
      const mounts = (await run('/bin/cat', ['/proc/self/mounts'])).stdout
        .split('\n')
        .map((l) => l.split(' ')[1] ?? '')
        .filter((m) => m.startsWith(dataDir + '/'))
        .sort((a, b) => b.length - a.length);
      for (const m of mounts) await run('umount', ['-l', m]);
      if (existsSync(`/sys/class/net/${bridge}`)) await run('ip', ['link', 'delete', bridge]);
    },
  });
  return { ...server, nodeName, bridge };
}

/** Pids of processes whose command line mentions `needle` (this process excluded). */
export async function processesMentioning(needle: string): Promise<number[]> {
  return (await findProcesses(needle)).map((p) => p.pid);
}

interface CommandOptions extends StartOptions {
  startTimeoutMs?: number;
  beforeRemove?: (dataDir: string) => Promise<void>;
}

async function startCommand(command: 'server' | 'up', options: CommandOptions): Promise<CairnServer> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'cairn-e2e-')));
  const ownsDir = !options.dataDir;
  const child: ChildProcess = spawn(
    process.execPath,
    [
      cairnBin,
      command,
      '--data-dir',
      dataDir,
      '--port',
      '0',
      '--bind-address',
      '127.0.0.1',
      '--log-level',
      'warn',
      ...(options.args ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  let out = '';
  const { url, kubeconfig } = await new Promise<{ url: string; kubeconfig: string }>((ok, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`cairn ${command} did not start in time:\n${stderr}`)),
      options.startTimeoutMs ?? 30_000,
    );
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const u = /listening at (\S+)/.exec(out);
      const k = /kubeconfig: (\S+)/.exec(out);
      if (u?.[1] && k?.[1]) {
        clearTimeout(timer);
        ok({ url: u[1], kubeconfig: k[1] });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`cairn ${command} exited with ${code}:\n${stderr}`));
    });
  });
  const env = { ...process.env, KUBECONFIG: kubeconfig };
  const kubectl: CairnServer['kubectl'] = (args, o = {}) =>
    run(kubectlPath(o.version), args, {
      env,
      ...(o.input !== undefined ? { input: o.input } : {}),
      timeoutMs: o.timeoutMs ?? 60_000,
    });
  return {
    pid: child.pid ?? 0,
    url,
    dataDir,
    kubeconfig,
    output: () => out,
    kubectl,
    async k(args, o = {}) {
      const r = await kubectl(args, o);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
      return r.stdout;
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        process.kill(child.pid ?? 0, signal);
        await exited;
      }
      await options.beforeRemove?.(dataDir);
      if (ownsDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
