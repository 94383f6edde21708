/** A `cairn agent` process of its own (beside a `cairn server`), stopped by pid. */
import { type ChildProcess, spawn } from 'node:child_process';
import { cairnBin } from '../harness.js';
import { captureOutput, stopProcess } from './process.js';

export interface AgentOptions {
  /** The API server's URL. */
  server: string;
  /** `--token-file`, or `token` for `--token`. */
  tokenFile?: string;
  token?: string;
  caCert: string;
  dataDir: string;
  nodeName: string;
  bridge: string;
  podCIDR?: string;
  /** More flags (`--pod-manifest-path DIR`, …). */
  args?: string[];
  /** Run it in this network namespace (`nsenter --net=/run/netns/NAME`). */
  netns?: string;
}

export interface AgentProcess {
  child: ChildProcess;
  /** What it wrote on stdout and stderr so far. */
  log(): string;
  /** Throws (with the log) once the process has exited. */
  assertRunning(): void;
  /** SIGTERM (or `signal`) by pid; waits for the exit, at most `timeoutMs` when given. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<void>;
}

export function spawnAgent(o: AgentOptions): AgentProcess {
  const argv = [
    cairnBin,
    'agent',
    '--server',
    o.server,
    ...(o.token !== undefined ? ['--token', o.token] : ['--token-file', o.tokenFile ?? '']),
    '--ca-cert',
    o.caCert,
    '--data-dir',
    o.dataDir,
    '--node-name',
    o.nodeName,
    ...(o.podCIDR ? ['--pod-cidr', o.podCIDR] : []),
    '--cni-bridge',
    o.bridge,
    ...(o.args ?? []),
    '--log-level',
    'warn',
  ];
  const child = o.netns
    ? spawn('nsenter', [`--net=/run/netns/${o.netns}`, process.execPath, ...argv], {
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    : spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = captureOutput(child);
  return {
    child,
    log,
    assertRunning() {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(
          `cairn agent ${o.nodeName} exited (${child.exitCode ?? child.signalCode}):\n${log()}`,
        );
    },
    stop: (signal = 'SIGTERM', timeoutMs) => stopProcess(child, signal, timeoutMs),
  };
}
