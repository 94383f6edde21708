/**
 * Service account token issuing and checking (upstream `pkg/serviceaccount` JWT issuer with the
 * bound-token claims): an EC P-256 key made once in the server's data dir (`sa.key`), tokens with
 *
 *   iss, sub = system:serviceaccount:<ns>:<name>, aud, iat, nbf, exp, jti,
 *   kubernetes.io: { namespace, serviceaccount {name, uid}, pod {name, uid}?, node {name, uid}? }
 *
 * and the reverse: a bearer token → the service account user, when signature, issuer, audience
 * and time check out.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  type KeyObject,
} from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { keyID, signJwt, verifyJwt } from './jwt.js';

export const DEFAULT_ISSUER = 'https://kubernetes.default.svc.cluster.local';
export const SERVICE_ACCOUNT_USER_PREFIX = 'system:serviceaccount:';
export const SERVICE_ACCOUNTS_GROUP = 'system:serviceaccounts';

export const serviceAccountUsername = (namespace: string, name: string): string =>
  `${SERVICE_ACCOUNT_USER_PREFIX}${namespace}:${name}`;

export interface BoundObject {
  name: string;
  uid: string;
}

export interface TokenClaims {
  namespace: string;
  serviceAccount: BoundObject;
  audiences: string[];
  expirationSeconds: number;
  pod?: BoundObject;
  node?: BoundObject;
}

export interface ServiceAccountUser {
  name: string;
  groups: string[];
  /** The bound pod, as upstream's authentication.kubernetes.io/pod-name extra. */
  extra: Record<string, string[]>;
}

/** Loads `path` (PEM, PKCS#8) or makes a new P-256 key there. */
export async function loadOrCreateSigningKey(path: string): Promise<KeyObject> {
  if (existsSync(path)) return createPrivateKey(await readFile(path, 'utf8'));
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return privateKey;
}

export interface TokenIssuerOptions {
  key: KeyObject;
  issuer?: string;
  /** Audiences accepted and used when a request names none (default: the issuer). */
  apiAudiences?: string[];
  now?: () => Date;
}

export class TokenIssuer {
  readonly issuer: string;
  readonly apiAudiences: string[];
  private readonly publicKey: KeyObject;
  private readonly kid: string;
  private readonly now: () => Date;

  constructor(private readonly o: TokenIssuerOptions) {
    this.issuer = o.issuer ?? DEFAULT_ISSUER;
    this.apiAudiences = o.apiAudiences ?? [this.issuer];
    this.publicKey = createPublicKey(o.key);
    this.kid = keyID(o.key);
    this.now = o.now ?? (() => new Date());
  }

  /** A signed token and when it expires. */
  issue(c: TokenClaims): { token: string; expirationTimestamp: Date } {
    const iat = Math.floor(this.now().getTime() / 1000);
    const exp = iat + c.expirationSeconds;
    const k8s: Record<string, unknown> = {
      namespace: c.namespace,
      serviceaccount: c.serviceAccount,
      ...(c.pod ? { pod: c.pod } : {}),
      ...(c.node ? { node: c.node } : {}),
    };
    const claims = {
      aud: c.audiences.length ? c.audiences : this.apiAudiences,
      exp,
      iat,
      iss: this.issuer,
      jti: randomUUID(),
      'kubernetes.io': k8s,
      nbf: iat,
      sub: serviceAccountUsername(c.namespace, c.serviceAccount.name),
    };
    return { token: signJwt(claims, this.o.key, this.kid), expirationTimestamp: new Date(exp * 1000) };
  }

  /** The service account user of a bearer token, or undefined when it is not a valid token of ours. */
  authenticate(token: string): ServiceAccountUser | undefined {
    const claims = verifyJwt(token, this.publicKey, this.kid);
    if (!claims || claims.iss !== this.issuer) return undefined;
    const now = this.now().getTime() / 1000;
    const exp = typeof claims.exp === 'number' ? claims.exp : 0;
    const nbf = typeof claims.nbf === 'number' ? claims.nbf : 0;
    if (now >= exp || now + 60 < nbf) return undefined;
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.some((a) => typeof a === 'string' && this.apiAudiences.includes(a))) return undefined;
    const sub = typeof claims.sub === 'string' ? claims.sub : '';
    const [namespace, name] = sub.startsWith(SERVICE_ACCOUNT_USER_PREFIX)
      ? sub.slice(SERVICE_ACCOUNT_USER_PREFIX.length).split(':')
      : [];
    if (!namespace || !name) return undefined;
    const k8s = (claims['kubernetes.io'] ?? {}) as { pod?: Partial<BoundObject> };
    const extra: Record<string, string[]> = {};
    if (k8s.pod?.name) extra['authentication.kubernetes.io/pod-name'] = [k8s.pod.name];
    if (k8s.pod?.uid) extra['authentication.kubernetes.io/pod-uid'] = [k8s.pod.uid];
    return {
      name: sub,
      groups: [SERVICE_ACCOUNTS_GROUP, `${SERVICE_ACCOUNTS_GROUP}:${namespace}`, 'system:authenticated'],
      extra,
    };
  }
}
