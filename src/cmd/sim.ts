/**
 * `cairn sim`: runs N simulated nodes against a server until SIGINT/SIGTERM.
 *
 * Credentials are the agent's: the node join token. Every simulated node's writes (Node, Lease,
 * pod status, pod deletes) go through one client, authenticated as `system:node:<prefix>sim`
 * (group system:nodes), since one connection pool serves all of them.
 */
import { readFile } from 'node:fs/promises';
import { nodeBearerToken } from '../apiserver/authentication.js';
import { StatusError } from '../apimachinery/errors.js';
import { Client } from '../client/index.js';
import { loadProfile, startSimNodes } from '../sim/index.js';
import { newLogger } from '../util/log.js';
import { stopOnSignals } from './agent.js';

export interface SimFlags {
  server: string;
  token?: string;
  tokenFile?: string;
  caCert?: string;
  nodes: number;
  zones?: number;
  nodePrefix: string;
  podProfile: string;
  logLevel: string;
}

export async function runSim(flags: SimFlags): Promise<void> {
  const logger = newLogger(flags.logLevel);
  const token = flags.token ?? (flags.tokenFile ? (await readFile(flags.tokenFile, 'utf8')).trim() : '');
  if (!token)
    throw new Error(
      'cairn sim needs --token (or --token-file): the server writes it to <data-dir>/server/node-token',
    );
  const podProfile = await loadProfile(flags.podProfile);
  const client = new Client({
    server: flags.server,
    token: nodeBearerToken(token, `${flags.nodePrefix}sim`),
    ...(flags.caCert ? { caCert: await readFile(flags.caCert, 'utf8') } : {}),
    userAgent: `cairn-sim/${flags.nodePrefix}`,
    timeoutMs: 60_000,
  });
  try {
    // /version is public: list one node to check the token as well
    await client.nodes.list({ limit: 1 });
  } catch (err) {
    client.close();
    if (err instanceof StatusError && err.code === 401)
      throw new Error(`${flags.server} rejected the node token (use <data-dir>/server/node-token)`, {
        cause: err,
      });
    throw new Error(`cannot reach the API server at ${flags.server}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const sim = await startSimNodes({
    client,
    nodes: flags.nodes,
    ...(flags.zones ? { zones: flags.zones } : {}),
    namePrefix: flags.nodePrefix,
    podProfile,
    logger,
  });
  process.stdout.write(`cairn sim: ${sim.nodeNames.length} nodes ready\n`);
  stopOnSignals(logger, async () => {
    await sim.stop();
    client.close();
  });
}
