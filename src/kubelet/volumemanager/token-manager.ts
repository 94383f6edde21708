/**
 * Service account tokens for projected volumes (upstream kubelet `token.Manager`): one
 * TokenRequest per (pod, service account, audiences, lifetime), reused until 80 % of its lifetime
 * or 24 h have passed, then requested again (the next resync writes the new token).
 */
import type { TokenRequest } from 'kubernetes-types/authentication/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ObjectSource } from './object-source.js';

const MAX_TTL_MS = 24 * 3600 * 1000;

interface Cached {
  token: string;
  issuedAt: number;
  expiresAt: number;
}

export interface TokenManager {
  getToken(pod: Pod, audiences: string[], expirationSeconds: number): Promise<string>;
  /** Drops the pod's tokens (pod cleanup). */
  forgetPod(uid: string): void;
}

export function createTokenManager(objects: ObjectSource, now: () => number = Date.now): TokenManager {
  const cache = new Map<string, Cached>();
  const stale = (c: Cached) => {
    const t = now();
    return (
      t >= c.expiresAt || t - c.issuedAt > (c.expiresAt - c.issuedAt) * 0.8 || t - c.issuedAt > MAX_TTL_MS
    );
  };
  return {
    async getToken(pod, audiences, expirationSeconds) {
      const ns = pod.metadata?.namespace ?? 'default';
      const sa = pod.spec?.serviceAccountName || 'default';
      const uid = pod.metadata?.uid ?? '';
      const key = `${uid}|${ns}|${sa}|${audiences.join(',')}|${expirationSeconds}`;
      for (const [k, c] of cache) if (now() >= c.expiresAt) cache.delete(k);
      const hit = cache.get(key);
      if (hit && !stale(hit)) return hit.token;
      if (!objects.requestToken) throw new Error('service account tokens are not available on this node');
      const request: TokenRequest = {
        spec: {
          audiences,
          expirationSeconds,
          boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata?.name ?? '', uid },
        },
      };
      const issuedAt = now();
      const got = await objects.requestToken(ns, sa, request);
      const token = got.status?.token;
      if (!token) throw new Error(`TokenRequest for ${ns}/${sa} returned no token`);
      const exp = Date.parse(got.status?.expirationTimestamp ?? '');
      cache.set(key, {
        token,
        issuedAt,
        expiresAt: Number.isFinite(exp) ? exp : issuedAt + expirationSeconds * 1000,
      });
      return token;
    },
    forgetPod(uid) {
      for (const key of cache.keys()) if (key.startsWith(`${uid}|`)) cache.delete(key);
    },
  };
}
