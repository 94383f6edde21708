import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Sends `signal` to a child by its pid and waits for it to exit (at most `timeoutMs` when given);
 * a child that already exited is left alone.
 */
export async function stopProcess(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  timeoutMs?: number,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  process.kill(child.pid ?? 0, signal);
  await (timeoutMs === undefined ? exited : Promise.race([exited, sleep(timeoutMs)]));
}

/** Collects what a child writes on stdout and stderr, in the order it arrives. */
export function captureOutput(child: ChildProcess): () => string {
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return () => out;
}
