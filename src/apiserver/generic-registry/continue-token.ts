/**
 * List continuation tokens: the revision the first page was read at and the last key returned,
 * so every page of one list is served from the same snapshot (as upstream's etcd3 store does).
 */
import { badRequest } from '../../apimachinery/errors.js';

interface Token {
  v: 'cairn.io/v1';
  rv: number;
  start: string;
}

export function encodeContinue(revision: number, lastKey: string): string {
  const t: Token = { v: 'cairn.io/v1', rv: revision, start: lastKey };
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

export function decodeContinue(token: string): { revision: number; startAfter: string } {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<Token>;
    if (t.v === 'cairn.io/v1' && typeof t.rv === 'number' && typeof t.start === 'string') {
      return { revision: t.rv, startAfter: t.start };
    }
  } catch {
    // fall through to the error below
  }
  throw badRequest(
    'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
  );
}
