import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../apiserver/api.js';
import { nodeBearerToken, type TokenEntry } from '../apiserver/authentication.js';
import { ApiServer } from '../apiserver/server.js';
import { builtinSubresources } from '../apiserver/subresources.js';
import { bootstrap } from '../controlplane/bootstrap.js';
import { builtinResources } from '../registry/all.js';
import { admitServiceAccount, SERVICE_ACCOUNT_MOUNT_PATH } from '../registry/core/pod/admission.js';
import { MemoryStore } from '../storage/memory/memory-store.js';
import { ROOT_CA_CONFIGMAP, startServiceAccounts, TokenIssuer } from './index.js';

const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const claims = {
  namespace: 'ns',
  serviceAccount: { name: 'robot', uid: 'sa-uid' },
  audiences: [],
  expirationSeconds: 600,
  pod: { name: 'p', uid: 'pod-uid' },
};

describe('token issuer', () => {
  it('issues tokens that authenticate as the service account', () => {
    const issuer = new TokenIssuer({ key });
    const { token, expirationTimestamp } = issuer.issue(claims);
    expect(token.split('.')).toHaveLength(3);
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    expect(payload).toMatchObject({
      iss: 'https://kubernetes.default.svc.cluster.local',
      sub: 'system:serviceaccount:ns:robot',
      aud: ['https://kubernetes.default.svc.cluster.local'],
      'kubernetes.io': { namespace: 'ns', pod: { name: 'p', uid: 'pod-uid' } },
    });
    expect(expirationTimestamp.getTime() / 1000).toBe(payload.exp);
    expect(issuer.authenticate(token)).toEqual({
      name: 'system:serviceaccount:ns:robot',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:ns', 'system:authenticated'],
      extra: {
        'authentication.kubernetes.io/pod-name': ['p'],
        'authentication.kubernetes.io/pod-uid': ['pod-uid'],
      },
    });
  });

  it('rejects tampered, foreign, expired and other-audience tokens', () => {
    const issuer = new TokenIssuer({ key });
    const { token } = issuer.issue(claims);
    const [h, , s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'system:serviceaccount:kube-system:admin' })).toString(
      'base64url',
    );
    expect(issuer.authenticate(`${h}.${forged}.${s}`)).toBeUndefined();
    const other = new TokenIssuer({ key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey });
    expect(other.authenticate(token)).toBeUndefined();
    const later = new TokenIssuer({ key, now: () => new Date(Date.now() + 601_000) });
    expect(later.authenticate(token)).toBeUndefined();
    expect(issuer.authenticate(issuer.issue({ ...claims, audiences: ['vault'] }).token)).toBeUndefined();
    expect(issuer.authenticate('not-a-token')).toBeUndefined();
  });
});

describe('ServiceAccount admission', () => {
  it('mounts the kube-api-access volume unless the pod opts out', () => {
    const pod: Pod = { spec: { containers: [{ name: 'a' }], initContainers: [{ name: 'i' }] } };
    admitServiceAccount(pod, { suffix: () => 'abcde' });
    expect(pod.spec?.volumes?.[0]?.name).toBe('kube-api-access-abcde');
    expect(pod.spec?.containers[0]?.volumeMounts).toEqual([
      { name: 'kube-api-access-abcde', mountPath: SERVICE_ACCOUNT_MOUNT_PATH, readOnly: true },
    ]);
    expect(pod.spec?.initContainers?.[0]?.volumeMounts).toHaveLength(1);
    const off: Pod = { spec: { automountServiceAccountToken: false, containers: [{ name: 'a' }] } };
    admitServiceAccount(off);
    expect(off.spec?.volumes).toBeUndefined();
  });
});

describe('serviceaccounts/token on the API server', () => {
  const abort = new AbortController();
  let dir = '';
  let server: ApiServer;
  let api: Api;
  const entries: TokenEntry[] = [
    { token: 'admin-token', name: 'admin', groups: ['system:masters'] },
    { token: 'join', name: 'system:node', groups: ['system:nodes'], node: true },
  ];
  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await fetch(server.url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cairn-sa-'));
    const store = new MemoryStore();
    api = new Api({ store, resources: builtinResources });
    await bootstrap(api);
    const sa = await startServiceAccounts({
      api,
      serverDir: dir,
      caCert: 'CA-PEM',
      logger: pino({ level: 'silent' }),
      signal: abort.signal,
    });
    server = new ApiServer({
      api,
      logger: pino({ level: 'silent' }),
      subresources: sa.withTokenRequest(builtinSubresources()),
      authenticator: sa.authenticator(entries),
    });
    await server.listen();
    await api
      .registry('', 'v1', 'serviceaccounts')
      .create('default', { metadata: { name: 'default', namespace: 'default' } });
  });
  afterAll(async () => {
    abort.abort();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('publishes kube-root-ca.crt', async () => {
    const cms = api.registry('', 'v1', 'configmaps');
    for (let i = 0; i < 50; i++) {
      const cm = await cms.get('default', ROOT_CA_CONFIGMAP).catch(() => undefined);
      if (cm) return expect((cm as { data?: Record<string, string> }).data).toEqual({ 'ca.crt': 'CA-PEM' });
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('kube-root-ca.crt not published');
  });

  it('issues a pod-bound token to the pod’s node, which then authenticates', async () => {
    const pod = (await api.registry('', 'v1', 'pods').create('default', {
      metadata: { name: 'p1', namespace: 'default' },
      spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }] },
    } as Pod)) as Pod;
    const req = {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: {
        expirationSeconds: 3600,
        boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'p1', uid: pod.metadata?.uid },
      },
    };
    const path = '/api/v1/namespaces/default/serviceaccounts/default/token';
    const other = await call('POST', path, nodeBearerToken('join', 'n2'), req);
    expect(other.status).toBe(403);
    const got = await call('POST', path, nodeBearerToken('join', 'n1'), req);
    expect(got.status).toBe(201);
    const status = got.json.status as { token: string; expirationTimestamp: string };
    expect(status.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const asSA = await call('GET', '/api/v1/namespaces/default/pods', status.token);
    expect(asSA.status).toBe(200);
    expect((await call('GET', '/api/v1/namespaces/default/pods', 'bogus.bogus.bogus')).status).toBe(401);

    const short = await call('POST', path, 'admin-token', { ...req, spec: { expirationSeconds: 60 } });
    expect(short.status).toBe(422);
    const wrongUid = {
      ...req,
      spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p1', uid: 'x' } },
    };
    expect((await call('POST', path, 'admin-token', wrongUid)).status).toBe(409);
    expect(
      (await call('POST', '/api/v1/namespaces/default/serviceaccounts/nope/token', 'admin-token', req))
        .status,
    ).toBe(404);
  });
});
