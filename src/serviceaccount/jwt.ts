/**
 * Compact JWS (RFC 7515) with ES256 over node:crypto: what service account tokens are. Signing
 * and verification only; claim checks live in the issuer.
 */
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

export interface JwtHeader {
  alg: 'ES256';
  kid: string;
  typ?: string;
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

const jsonPart = (part: string | undefined): unknown => {
  if (!part) throw new Error('malformed token');
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
};

/** The key id: base64url SHA-256 of the public key's DER (SubjectPublicKeyInfo), as upstream derives it. */
export function keyID(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return b64url(
    createHash('sha256')
      .update(pub.export({ type: 'spki', format: 'der' }))
      .digest(),
  );
}

export function signJwt(claims: object, key: KeyObject, kid: string): string {
  const header: JwtHeader = { alg: 'ES256', kid };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const sig = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64url(sig)}`;
}

/** The claims of a token signed by `key`, or undefined when it is not one (malformed, other key, bad signature). */
export function verifyJwt(token: string, key: KeyObject, kid: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const header = jsonPart(parts[0]) as Partial<JwtHeader>;
    if (header.alg !== 'ES256' || (header.kid !== undefined && header.kid !== kid)) return undefined;
    const ok = verify(
      'sha256',
      Buffer.from(`${parts[0]}.${parts[1]}`),
      { key, dsaEncoding: 'ieee-p1363' },
      Buffer.from(parts[2] ?? '', 'base64url'),
    );
    if (!ok) return undefined;
    const claims = jsonPart(parts[1]);
    return claims && typeof claims === 'object' ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
