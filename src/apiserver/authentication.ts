/**
 * Bearer-token authentication. Tokens live in `<data-dir>/server/tokens.json`; the first
 * start creates one for the cluster admin (group system:masters), whose kubeconfig carries it,
 * and a node join token (group system:nodes, also in `<data-dir>/server/node-token`, as k3s
 * does). An agent sends `<join token>:<node name>` and is `system:node:<node name>`.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { dirname } from 'node:path';

export interface UserInfo {
  name: string;
  groups: string[];
}

export interface TokenEntry extends UserInfo {
  token: string;
  /** A join token shared by the nodes: the bearer carries the node name after it. */
  node?: boolean;
}

export const NODES_GROUP = 'system:nodes';
export const NODE_USER_PREFIX = 'system:node:';

/** What an agent sends as its bearer token: the join token and its node name. */
export const nodeBearerToken = (joinToken: string, nodeName: string): string => `${joinToken}:${nodeName}`;

const nodeNamePattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const sameToken = (want: string, given: string): boolean => {
  const a = Buffer.from(want);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
};

export const anonymous: UserInfo = { name: 'system:anonymous', groups: ['system:unauthenticated'] };

export class TokenAuthenticator {
  constructor(private readonly entries: TokenEntry[]) {}

  /** The user a request's bearer token names, or undefined when it has none or an unknown one. */
  authenticate(req: IncomingMessage): UserInfo | undefined {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m?.[1]) return undefined;
    const given = m[1];
    const colon = given.indexOf(':');
    const [secret, nodeName] = colon < 0 ? [given, ''] : [given.slice(0, colon), given.slice(colon + 1)];
    for (const e of this.entries) {
      if (e.node) {
        if (nodeName.length <= 253 && nodeNamePattern.test(nodeName) && sameToken(e.token, secret)) {
          return { name: NODE_USER_PREFIX + nodeName, groups: [...e.groups, 'system:authenticated'] };
        }
      } else if (sameToken(e.token, given)) {
        return { name: e.name, groups: [...e.groups, 'system:authenticated'] };
      }
    }
    return undefined;
  }

  add(entry: TokenEntry): void {
    this.entries.push(entry);
  }
}

export const newToken = (): string => randomBytes(24).toString('hex');

/**
 * Loads the token file, creating it with an admin token the first time, and adding the node join
 * token when the file has none (data dirs made before nodes could join).
 */
export async function loadTokens(path: string): Promise<TokenEntry[]> {
  const entries: TokenEntry[] = existsSync(path)
    ? (JSON.parse(await readFile(path, 'utf8')) as TokenEntry[])
    : [{ token: newToken(), name: 'admin', groups: ['system:masters'] }];
  const complete = existsSync(path) && entries.some((e) => e.node);
  if (!entries.some((e) => e.node)) {
    entries.push({ token: newToken(), name: 'system:node', groups: [NODES_GROUP], node: true });
  }
  if (!complete) {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, JSON.stringify(entries, null, 2) + '\n', { mode: 0o600 });
  }
  return entries;
}

/** The node join token of a token list (what `cairn agent --token` takes). */
export function nodeJoinToken(entries: TokenEntry[]): string | undefined {
  return entries.find((e) => e.node)?.token;
}
