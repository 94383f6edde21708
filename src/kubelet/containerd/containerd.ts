/**
 * The agent's containerd: either one it is given (`--containerd-socket`, nothing started or
 * stopped), or its own, started from Debian's /usr/bin/containerd with config, root, state and
 * socket under `<dataDir>/containerd/`.
 *
 * Start, in a straight line: adopt the instance a previous agent left running (pid file + its
 * command line) or write config.toml and spawn one (detached, logging to containerd.log) → wait
 * until CRI `Version` answers. Stop: SIGTERM by pid, SIGKILL after a grace period, then delete the
 * CNI bridge once no shim of ours is left (shims and their containers outlive containerd).
 *
 * While it runs, our own containerd is supervised (as systemd would): one that dies is started
 * again on the same config and socket, and the CRI client reconnects to it; the shims, and with
 * them the pods' containers, keep running meanwhile and containerd finds them again.
 */
import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { accessSync, constants, closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { VersionResponse } from '../container/runtime.js';
import { RemoteRuntime } from '../cri/remote-runtime.js';
import { teardownBridge, type TeardownBridgeOptions } from '../network/bridge.js';
import {
  containerdPaths,
  renderContainerdConfig,
  type ContainerdPaths,
  type RuntimeHandlerConfig,
} from './config.js';
import { findProcesses, isAlive, processArgv } from './processes.js';

export type ContainerdErrorCode = 'NotInstalled' | 'Exited' | 'Timeout';

export class ContainerdError extends Error {
  constructor(
    readonly code: ContainerdErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ContainerdError';
  }
}

export interface Containerd {
  socket: string;
  /** The containerd process this handle stops (the latest, once restarted); null for a given socket. */
  readonly pid: number | null;
  /** Paths under the data dir; null for a given socket. */
  paths: ContainerdPaths | null;
  runtime: RemoteRuntime;
  version: VersionResponse;
  /** Closes the client; for our own containerd also stops it and deletes the CNI bridge. */
  stop(): Promise<void>;
}

interface CommonOptions {
  /** How long to wait for CRI Version to answer (default 20 s). */
  startTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface StartContainerdOptions extends CommonOptions {
  dataDir: string;
  /** default /usr/bin/containerd */
  binary?: string;
  /** Streaming server port (default: a free loopback port chosen now). */
  streamPort?: number;
  runtimes?: RuntimeHandlerConfig[];
  sandboxImage?: string;
  /** Reuse a containerd that a previous agent started for this data dir (default true). */
  adopt?: boolean;
  /** SIGTERM → SIGKILL grace on stop (default 10 s). */
  stopTimeoutMs?: number;
  /** The CNI bridge to delete on stop (default cairn0); `false` keeps it. */
  bridge?: string | false;
  spawn?: (command: string, args: string[], options: SpawnOptions) => ChildProcess;
  teardown?: (options: TeardownBridgeOptions) => Promise<boolean>;
  /** How often to check that our containerd still runs, restarting it when not (default 1 s; 0: never). */
  superviseIntervalMs?: number;
  /** Told when our containerd was found dead and started again (or could not be). */
  onRestart?: (event: { previousPid: number; pid: number | null; error?: string }) => void;
}

export const DEFAULT_CONTAINERD = '/usr/bin/containerd';

/** A loopback TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

async function logTail(file: string, lines = 15): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Polls CRI Version until it answers; `exited()` (when given) returns a reason to give up early.
 */
export async function waitForRuntime(
  runtime: RemoteRuntime,
  socket: string,
  options: CommonOptions & { exited?: () => Promise<string | null> } = {},
): Promise<VersionResponse> {
  const deadline = Date.now() + (options.startTimeoutMs ?? 20_000);
  let last: unknown = null;
  while (Date.now() < deadline) {
    options.signal?.throwIfAborted();
    const gone = await options.exited?.();
    if (gone) throw new ContainerdError('Exited', gone);
    if (socket.startsWith('unix:') || existsSync(socket)) {
      try {
        return await runtime.version('v1', { timeoutMs: 2000, signal: options.signal });
      } catch (err) {
        last = err;
      }
    }
    await sleep(25);
  }
  const why = last instanceof Error ? `: ${last.message}` : '';
  throw new ContainerdError('Timeout', `containerd at ${socket} did not answer CRI Version in time${why}`);
}

/** Uses a containerd someone else runs: waits until it answers, never starts or stops it. */
export async function useContainerd(socket: string, options: CommonOptions = {}): Promise<Containerd> {
  const runtime = new RemoteRuntime({ socket });
  try {
    const version = await waitForRuntime(runtime, socket, options);
    return { socket, pid: null, paths: null, runtime, version, stop: async () => runtime.close() };
  } catch (err) {
    runtime.close();
    throw err;
  }
}

async function adoptable(paths: ContainerdPaths): Promise<number | null> {
  const pid = Number((await readFile(paths.pidFile, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0 || !(await isAlive(pid))) return null;
  const argv = await processArgv(pid);
  return argv?.includes(paths.config) ? pid : null;
}

async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await isAlive(pid))) return true;
    await sleep(20);
  }
  return !(await isAlive(pid));
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** Starts (or adopts) the agent's own containerd under `<dataDir>/containerd/`. */
export async function startContainerd(options: StartContainerdOptions): Promise<Containerd> {
  const paths = containerdPaths(options.dataDir);
  const binary = options.binary ?? DEFAULT_CONTAINERD;
  let pid = options.adopt === false ? null : await adoptable(paths);
  let exitReason: string | null = null;

  const spawnOne = (): number | null => {
    const logFd = openSync(paths.log, 'a');
    let child: ChildProcess;
    try {
      const args = ['--config', paths.config, '--root', paths.root, '--state', paths.state];
      child = (options.spawn ?? nodeSpawn)(binary, [...args, '--address', paths.socket], {
        stdio: ['ignore', logFd, logFd],
        detached: true, // its own process group: a Ctrl-C to the agent does not reach it
      });
    } finally {
      closeSync(logFd);
    }
    child.once('exit', (code, sig) => (exitReason = `containerd exited (${sig ?? `code ${code}`})`));
    child.once('error', (err) => (exitReason = `containerd failed to start: ${err.message}`));
    child.unref();
    return child.pid ?? null;
  };

  if (pid === null) {
    try {
      accessSync(binary, constants.X_OK);
    } catch {
      throw new ContainerdError(
        'NotInstalled',
        `containerd is not installed: ${binary} is missing. Run scripts/install-deps.sh as root ` +
          '(Debian packages containerd, runc, containernetworking-plugins, iptables).',
      );
    }
    for (const dir of [paths.base, paths.root, paths.state, paths.certsDir, paths.cniConfDir]) {
      await mkdir(dir, { recursive: true, mode: 0o711 });
    }
    const streamPort = options.streamPort ?? (await freePort());
    await writeFile(paths.config, renderContainerdConfig({ paths, streamPort, ...pick(options) }));
    pid = spawnOne();
    if (pid !== null) await writeFile(paths.pidFile, `${pid}\n`);
  }

  const runtime = new RemoteRuntime({ socket: paths.socket });
  let ourPid = pid;
  let supervisor: ReturnType<typeof setInterval> | null = null;
  let restarting: Promise<void> | null = null;
  const supervise = () => {
    if (restarting || ourPid === null || supervisor === null) return;
    const previousPid = ourPid;
    restarting = (async () => {
      if (await isAlive(previousPid)) return;
      exitReason = null;
      const next = spawnOne();
      ourPid = next;
      if (next !== null) await writeFile(paths.pidFile, `${next}\n`).catch(() => undefined);
      try {
        await waitForRuntime(runtime, paths.socket, {
          ...options,
          signal: undefined,
          exited: async () => exitReason,
        });
        options.onRestart?.({ previousPid, pid: next });
      } catch (err) {
        options.onRestart?.({ previousPid, pid: next, error: (err as Error).message });
      }
    })().finally(() => (restarting = null));
  };
  const stop = async (): Promise<void> => {
    if (supervisor) clearInterval(supervisor);
    supervisor = null;
    await restarting;
    runtime.close();
    if (ourPid !== null) {
      kill(ourPid, 'SIGTERM');
      if (!(await waitGone(ourPid, options.stopTimeoutMs ?? 10_000))) {
        kill(ourPid, 'SIGKILL');
        await waitGone(ourPid, 5_000);
      }
    }
    await rm(paths.pidFile, { force: true });
    const bridge = options.bridge ?? undefined;
    if (bridge !== false && (await findProcesses(paths.base)).length === 0) {
      await (options.teardown ?? teardownBridge)({ bridge });
    }
  };

  try {
    const exited = async (): Promise<string | null> =>
      exitReason ??
      (ourPid === null ? 'containerd did not start' : (await isAlive(ourPid)) ? null : 'containerd exited');
    const version = await waitForRuntime(runtime, paths.socket, { ...options, exited });
    const interval = options.superviseIntervalMs ?? 1000;
    if (interval > 0 && ourPid !== null) {
      supervisor = setInterval(supervise, interval);
      supervisor.unref();
    }
    return {
      socket: paths.socket,
      get pid() {
        return ourPid;
      },
      paths,
      runtime,
      version,
      stop,
    };
  } catch (err) {
    await stop().catch(() => undefined);
    if (err instanceof ContainerdError) {
      err.message += `\n--- ${paths.log} (last lines) ---\n${await logTail(paths.log)}`;
    }
    throw err;
  }
}

function pick(options: StartContainerdOptions): { runtimes?: RuntimeHandlerConfig[]; sandboxImage?: string } {
  return {
    ...(options.runtimes ? { runtimes: options.runtimes } : {}),
    ...(options.sandboxImage ? { sandboxImage: options.sandboxImage } : {}),
  };
}
