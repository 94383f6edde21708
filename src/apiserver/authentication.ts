/**
 * Bearer-token authentication. Tokens live in `<data-dir>/server/tokens.json`; the first
 * start creates one for the cluster admin (group system:masters), whose kubeconfig carries it.
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
}

export const anonymous: UserInfo = { name: 'system:anonymous', groups: ['system:unauthenticated'] };

export class TokenAuthenticator {
  constructor(private readonly entries: TokenEntry[]) {}

  /** The user a request's bearer token names, or undefined when it has none or an unknown one. */
  authenticate(req: IncomingMessage): UserInfo | undefined {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m?.[1]) return undefined;
    const given = Buffer.from(m[1]);
    for (const e of this.entries) {
      const want = Buffer.from(e.token);
      if (want.length === given.length && timingSafeEqual(want, given)) {
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

/** Loads the token file, creating it with an admin token the first time. */
export async function loadTokens(path: string): Promise<TokenEntry[]> {
  if (existsSync(path)) return JSON.parse(await readFile(path, 'utf8')) as TokenEntry[];
  const entries: TokenEntry[] = [{ token: newToken(), name: 'admin', groups: ['system:masters'] }];
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, JSON.stringify(entries, null, 2) + '\n', { mode: 0o600 });
  return entries;
}
