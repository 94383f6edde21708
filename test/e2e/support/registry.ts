/**
 * A local image registry for one e2e file: `scripts/local-registry.sh` (Debian's docker-registry,
 * access log on, the Pods example's images pushed) on a free loopback port with a temporary dir,
 * stopped by its pid file and removed afterwards.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../harness.js';
import { freePort } from './free-port.js';
import { run } from './run.js';

const SCRIPT = join(repoRoot, 'scripts/local-registry.sh');

export interface LocalRegistry {
  port: number;
  /** `127.0.0.1:PORT`, the registry's host in image names. */
  host: string;
  dir: string;
  /** The registry's log so far (its access log included). */
  log(): Promise<string>;
  stop(): Promise<void>;
}

export async function startLocalRegistry(): Promise<LocalRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-e2e-registry-'));
  const port = await freePort();
  const stop = async () => {
    await run('bash', [SCRIPT, 'stop', '--dir', dir]);
    await rm(dir, { recursive: true, force: true });
  };
  const started = await run('bash', [SCRIPT, 'start', '--port', String(port), '--dir', dir], {
    timeoutMs: 240_000,
  });
  if (started.code !== 0) {
    await stop();
    throw new Error(`local-registry.sh start failed:\n${started.stderr}`);
  }
  return {
    port,
    host: `127.0.0.1:${port}`,
    dir,
    log: () => readFile(join(dir, 'registry.log'), 'utf8'),
    stop,
  };
}
