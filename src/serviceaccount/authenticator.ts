/**
 * The server's bearer-token authenticator extended with service account tokens (upstream's
 * union of token authenticators): static tokens first, then JWTs from our issuer.
 */
import type { IncomingMessage } from 'node:http';
import { TokenAuthenticator, type TokenEntry, type UserInfo } from '../apiserver/authentication.js';
import type { TokenIssuer } from './issuer.js';

export class ServiceAccountTokenAuthenticator extends TokenAuthenticator {
  constructor(
    entries: TokenEntry[],
    private readonly issuer: TokenIssuer,
  ) {
    super(entries);
  }

  override authenticate(req: IncomingMessage): UserInfo | undefined {
    const user = super.authenticate(req);
    if (user) return user;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!m?.[1] || m[1].split('.').length !== 3) return undefined;
    const sa = this.issuer.authenticate(m[1]);
    return sa ? { name: sa.name, groups: sa.groups } : undefined;
  }
}
