import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Starts a throwaway single-member etcd on loopback for tests: free ports, a temporary data
 * directory, stopped (and its directory removed) by `stop()`. The binary comes from the Debian
 * package `etcd-server` (installed by scripts/install-deps.sh); `CAIRN_ETCD_BIN` overrides it.
 */

export interface EtcdProcess {
  /** Client URL, e.g. `http://127.0.0.1:40123`. */
  endpoint: string;
  pid: number;
  dataDir: string;
  stop(): Promise<void>;
}

export interface StartEtcdOptions {
  /** Member name (default `cairn-test`). */
  name?: string;
  /** How long to wait for etcd to answer (default 30 s). */
  timeoutMs?: number;
}

const DEFAULT_BIN = '/usr/bin/etcd';

function etcdBinary(): string {
  const bin = process.env['CAIRN_ETCD_BIN'] ?? DEFAULT_BIN;
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    throw new Error(
      `etcd is not installed: ${bin} is missing or not executable. ` +
        'Run scripts/install-deps.sh as root (Debian package etcd-server) or set CAIRN_ETCD_BIN.',
    );
  }
  return bin;
}

/** A port that was free a moment ago (etcd cannot listen on port 0 and report it). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

async function healthy(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1000) });
    const body = (await res.json()) as { health?: unknown };
    return res.ok && body.health === 'true';
  } catch {
    return false;
  }
}

async function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

interface Member {
  name: string;
  clientPort: number;
  peerPort: number;
}

const clientUrl = (m: Member) => `http://127.0.0.1:${m.clientPort}`;
const peerUrl = (m: Member) => `http://127.0.0.1:${m.peerPort}`;

/** Starts one member of `cluster`; answers once it is spawned (not yet healthy). */
async function spawnMember(bin: string, member: Member, cluster: Member[], token: string) {
  const endpoint = clientUrl(member);
  const dataDir = await mkdtemp(join(tmpdir(), 'cairn-etcd-'));
  const child = spawn(
    bin,
    [
      `--name=${member.name}`,
      `--data-dir=${dataDir}`,
      `--listen-client-urls=${endpoint}`,
      `--advertise-client-urls=${endpoint}`,
      `--listen-peer-urls=${peerUrl(member)}`,
      `--initial-advertise-peer-urls=${peerUrl(member)}`,
      `--initial-cluster=${cluster.map((m) => `${m.name}=${peerUrl(m)}`).join(',')}`,
      '--initial-cluster-state=new',
      `--initial-cluster-token=${token}`,
      '--logger=zap',
      '--log-level=error',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let output = '';
  child.stderr?.on('data', (d: Buffer) => {
    output = (output + d.toString()).slice(-4000);
  });
  child.on('error', (err) => {
    output += `\n${err.message}`;
  });
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      process.removeListener('exit', killOnExit);
      child.kill('SIGTERM');
      if (!(await waitForExit(child, 5000))) {
        child.kill('SIGKILL');
        await waitForExit(child, 5000);
      }
      await rm(dataDir, { recursive: true, force: true });
    })());
  const failure = () => {
    const gone = child.exitCode !== null || child.signalCode !== null || child.pid === undefined;
    return gone ? `etcd ${member.name} exited with ${child.exitCode}: ${output.trim()}` : undefined;
  };
  return { endpoint, pid: child.pid ?? 0, dataDir, stop, failure, output: () => output.trim() };
}

/** Starts the members of one cluster and waits until every one of them is healthy. */
async function startOnce(bin: string, names: string[], options: StartEtcdOptions): Promise<EtcdProcess[]> {
  const members: Member[] = [];
  for (const name of names) members.push({ name, clientPort: await freePort(), peerPort: await freePort() });
  const token = `cairn-test-${members[0]?.clientPort ?? 0}`;
  const started = await Promise.all(members.map((m) => spawnMember(bin, m, members, token)));
  const stopAll = () => Promise.all(started.map((m) => m.stop()));
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (const m of started) {
    while (!(await healthy(m.endpoint))) {
      const failed = started.map((x) => x.failure()).find(Boolean);
      if (failed || Date.now() > deadline) {
        await stopAll();
        throw new Error(failed ?? `etcd did not become healthy: ${m.output()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return started.map(({ endpoint, pid, dataDir, stop }) => ({ endpoint, pid, dataDir, stop }));
}

/** Starts etcd, retrying with new ports if another process grabbed one in between. */
async function startRetrying(names: string[], options: StartEtcdOptions): Promise<EtcdProcess[]> {
  const bin = etcdBinary();
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(bin, names, options);
    } catch (err) {
      lastError = err;
      if (!String(err).includes('address already in use')) break;
    }
  }
  throw lastError;
}

/** Starts a single-member etcd. */
export async function startEtcd(options: StartEtcdOptions = {}): Promise<EtcdProcess> {
  const [member] = await startRetrying([options.name ?? 'cairn-test'], options);
  if (!member) throw new Error('etcd started no member');
  return member;
}

/** Starts an etcd cluster of `size` members on loopback (`cairn-test-0`, `-1`, …). */
export async function startEtcdCluster(size: number, options: StartEtcdOptions = {}): Promise<EtcdProcess[]> {
  const name = options.name ?? 'cairn-test';
  return startRetrying(
    Array.from({ length: size }, (_, i) => `${name}-${i}`),
    options,
  );
}
