/**
 * Drives Cairn the way a user does: starts `cairn server` (the built CLI) on loopback with a
 * free port and a temporary data dir, and runs the real kubectl against the kubeconfig it
 * writes. Everything started is stopped by pid.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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

export async function startCairn(options: StartOptions = {}): Promise<CairnServer> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'cairn-e2e-')));
  const ownsDir = !options.dataDir;
  const child: ChildProcess = spawn(
    process.execPath,
    [
      cairnBin,
      'server',
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
  const { url, kubeconfig } = await new Promise<{ url: string; kubeconfig: string }>((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`cairn server did not start in time:\n${stderr}`)), 30_000);
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
      fail(new Error(`cairn server exited with ${code}:\n${stderr}`));
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
      if (ownsDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
