/** A `cairn sim` process against a `cairn server`, stopped by pid. */
import { type ChildProcess, spawn } from 'node:child_process';
import { type CairnServer, cairnBin, nodeJoinFiles } from '../harness.js';
import { stopProcess } from './process.js';

export interface SimOptions {
  nodes: number;
  /** `--zones`, `--node-prefix`, `--pod-profile`, … */
  args?: string[];
  /** How long to wait for the ready line (default 60 s). */
  readyTimeoutMs?: number;
}

export interface SimProcess {
  child: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `cairn sim` and resolves once it prints that its nodes are ready. */
export async function startSim(server: CairnServer, o: SimOptions): Promise<SimProcess> {
  const { tokenFile, caCert } = nodeJoinFiles(server.dataDir);
  const child = spawn(
    process.execPath,
    [
      cairnBin,
      'sim',
      '--server',
      server.url,
      '--token-file',
      tokenFile,
      '--ca-cert',
      caCert,
      '--nodes',
      String(o.nodes),
      ...(o.args ?? []),
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const sim = { child, stop: (signal: NodeJS.Signals = 'SIGTERM') => stopProcess(child, signal) };
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const name = `cairn sim ${o.args?.join(' ') ?? ''}`.trim();
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`${name} did not get ready:\n${stderr}`)),
      o.readyTimeoutMs ?? 60_000,
    );
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(`cairn sim: ${o.nodes} nodes ready`)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${stderr}`));
    });
  }).catch(async (err: unknown) => {
    await sim.stop('SIGKILL');
    throw err;
  });
  return sim;
}
