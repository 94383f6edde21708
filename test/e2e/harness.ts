/**
 * Drives Cairn the way a user does: starts `cairn server` or `cairn up` (the built CLI) on loopback
 * with a free port and a temporary data dir, and runs the real kubectl against the kubeconfig it
 * writes. Everything started is stopped by pid.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanUpNodeDir } from './support/cleanup.js';
import { stopProcess } from './support/process.js';
import { run, type RunResult } from './support/run.js';

export { processesMentioning } from './support/cleanup.js';
export { run, type RunResult } from './support/run.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const cairnBin = join(repoRoot, 'bin', 'cairn.js');

/** kubectl versions on these machines: 1.32 is the default, the others sit beside it. */
export const kubectlPath = (version?: string): string =>
  version ? `/usr/lib/google-cloud-sdk/bin/kubectl.${version}` : '/usr/bin/kubectl';

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
  /** `kubectl <args> -o json` that must succeed, parsed. */
  json<T>(args: string[]): Promise<T>;
  /** `kubectl <args> -o json` parsed, or undefined when kubectl fails (not found, server down). */
  tryJson<T>(args: string[]): Promise<T | undefined>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface StartOptions {
  dataDir?: string;
  args?: string[];
}

/** The files a node joining the server at `dataDir` needs: the node token and the cluster CA. */
export function nodeJoinFiles(dataDir: string): { tokenFile: string; caCert: string } {
  return {
    tokenFile: join(dataDir, 'server', 'node-token'),
    caCert: join(dataDir, 'server', 'tls', 'ca.crt'),
  };
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
    beforeRemove: (dataDir) => cleanUpNodeDir(dataDir, bridge),
  });
  return { ...server, nodeName, bridge };
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
  const k: CairnServer['k'] = async (args, o = {}) => {
    const r = await kubectl(args, o);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r.stdout;
  };
  return {
    pid: child.pid ?? 0,
    url,
    dataDir,
    kubeconfig,
    output: () => out,
    kubectl,
    k,
    json: async (args) => JSON.parse(await k([...args, '-o', 'json'])),
    async tryJson(args) {
      const r = await kubectl([...args, '-o', 'json']);
      return r.code === 0 ? JSON.parse(r.stdout) : undefined;
    },
    async stop(signal = 'SIGTERM') {
      await stopProcess(child, signal);
      await options.beforeRemove?.(dataDir);
      if (ownsDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
