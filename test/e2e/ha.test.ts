/**
 * Three `cairn server`s on one three-member etcd (Debian `etcd-server`, all on loopback): they
 * share one CA and one set of tokens, the controllers and the scheduler each run on one server
 * at a time, and killing that server's process (SIGKILL, nothing released) moves both to a
 * survivor after the Lease expires. No write a server acknowledged is lost, and a client given
 * all three servers keeps watching through the failure.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { ConfigMap } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Informer } from '../../src/client/index.js';
import { type EtcdProcess, startEtcdCluster } from '../../src/storage/etcd/testing/etcd-process.js';
import { type CairnServer, startCairn } from './harness.js';
import { waiter } from './support/wait.js';

const prefix = `/ha-${randomBytes(3).toString('hex')}`;
let etcd: EtcdProcess[] = [];
const servers: CairnServer[] = [];

beforeAll(async () => {
  etcd = await startEtcdCluster(3);
  const endpoints = etcd.map((m) => m.endpoint).join(',');
  for (let i = 0; i < 3; i++) {
    servers.push(await startCairn({ args: ['--etcd-endpoints', endpoints, '--etcd-prefix', prefix] }));
  }
}, 120_000);

afterAll(async () => {
  for (const s of servers) await s.stop();
  for (const m of etcd) await m.stop();
}, 60_000);

const identityOf = (s: CairnServer) => /leader election identity: (\S+)/.exec(s.output())?.[1];

const until = waiter({ ignoreErrors: true });

const holder = async (s: CairnServer, lease: string) =>
  (await s.json<Lease>(['get', 'lease', '-n', 'kube-system', lease])).spec?.holderIdentity;

/** A schedulable fake Node (no agent): Ready, with room for pods. */
const node = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
});
const nodeStatus = {
  status: {
    capacity: { cpu: '8', memory: '16Gi', pods: '110' },
    allocatable: { cpu: '8', memory: '16Gi', pods: '110' },
    conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'ready' }],
  },
};

const deployment = (name: string, replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: 'c', image: 'localhost/busybox:latest' }] },
    },
  },
});

/** How many of the deployment's pods exist and are bound to a node, as `s` sees them. */
async function boundPods(s: CairnServer, app: string): Promise<number> {
  const out = await s.k(['get', 'pods', '-l', `app=${app}`, '-o', 'jsonpath={.items[*].spec.nodeName}']);
  return out.split(/\s+/).filter(Boolean).length;
}

describe('three servers on one etcd', () => {
  it('share the CA and the tokens: one kubeconfig reaches every server', async () => {
    const [first, ...others] = servers as [CairnServer, ...CairnServer[]];
    const ca = await readFile(join(first.dataDir, 'server', 'tls', 'ca.crt'), 'utf8');
    for (const s of others) {
      expect(await readFile(join(s.dataDir, 'server', 'tls', 'ca.crt'), 'utf8')).toBe(ca);
      expect(await readFile(join(s.dataDir, 'server', 'node-token'), 'utf8')).toBe(
        await readFile(join(first.dataDir, 'server', 'node-token'), 'utf8'),
      );
      // the first server's kubeconfig (its CA, its admin token), pointed at another server
      const r = await first.kubectl(['--server', s.url, 'get', 'namespace', 'kube-system', '-o', 'name']);
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe('namespace/kube-system');
    }
  });

  it('move the controllers and the scheduler off a killed leader, losing no acknowledged write', async () => {
    const [first] = servers as [CairnServer];
    for (const name of ['ha-node-a', 'ha-node-b']) {
      await first.k(['apply', '-f', '-'], { input: JSON.stringify(node(name)) });
      await first.k([
        'patch',
        'node',
        name,
        '--subresource=status',
        '--type=merge',
        '-p',
        JSON.stringify(nodeStatus),
      ]);
    }
    await first.k(['apply', '-f', '-'], { input: JSON.stringify(deployment('before', 2)) });
    await until(
      'the first deployment’s pods bound',
      async () => ((await boundPods(first, 'before')) === 2 ? true : undefined),
      30_000,
    );

    const cm = await holder(first, 'kube-controller-manager');
    const leader = servers.find((s) => identityOf(s) === cm);
    if (!leader) throw new Error(`no server has identity ${cm}`);
    const survivors = servers.filter((s) => s !== leader);
    const survivor = survivors[0] as CairnServer;

    // a client of all three servers, watching config maps through the failure
    const client = new Client({
      server: [leader, ...survivors].map((s) => s.url).join(','),
      token: /token: (\S+)/.exec(await readFile(leader.kubeconfig, 'utf8'))?.[1] ?? '',
      caCert: await readFile(join(leader.dataDir, 'server', 'tls', 'ca.crt'), 'utf8'),
    });
    const seen = new Set<string>();
    const informer = new Informer<ConfigMap>({
      client: client.resource<ConfigMap>({
        group: '',
        version: 'v1',
        plural: 'configmaps',
        namespaced: true,
      }),
      namespace: 'default',
      handlers: { onAdd: (c) => seen.add(c.metadata?.name ?? '') },
      backoff: { initialMs: 100, maxMs: 1000 },
    });
    const watching = new AbortController();
    await informer.start(watching.signal);

    // writes to the leader, up to and through its death: every acknowledged one must survive
    const acknowledged: string[] = [];
    const writing = (async () => {
      for (let i = 0; ; i++) {
        const name = `write-${i}`;
        const r = await leader.kubectl(['create', 'configmap', name, '--from-literal=i=' + i], {
          timeoutMs: 5000,
        });
        if (r.code !== 0) return;
        acknowledged.push(name);
      }
    })();
    await until(
      'some writes acknowledged',
      async () => (acknowledged.length >= 5 ? true : undefined),
      30_000,
    );
    const killedAt = Date.now();
    await leader.stop('SIGKILL');
    await writing;

    // controllers: a new Deployment gets its ReplicaSet and pods; scheduler: they are bound
    await survivor.k(['apply', '-f', '-'], { input: JSON.stringify(deployment('after', 3)) });
    await until(
      'the new deployment’s pods bound by a survivor',
      async () => ((await boundPods(survivor, 'after')) === 3 ? true : undefined),
      40_000,
    );
    const resumedMs = Date.now() - killedAt;
    const newHolder = await holder(survivor, 'kube-controller-manager');
    expect(survivors.map(identityOf)).toContain(newHolder);
    expect(survivors.map(identityOf)).toContain(await holder(survivor, 'kube-scheduler'));
    // the Lease lasts 15 s after its last renewal, and candidates look every 2 s (jittered)
    expect(resumedMs).toBeLessThan(25_000);
    process.stdout.write(`controllers and scheduler resumed ${resumedMs} ms after the leader was killed\n`);

    const names = (await survivor.k(['get', 'configmaps', '-o', 'jsonpath={.items[*].metadata.name}'])).split(
      /\s+/,
    );
    for (const name of acknowledged) expect(names).toContain(name);

    // the watching client went on through another server
    await survivor.k(['create', 'configmap', 'after-failover']);
    await until(
      'the watch to deliver a write made after the failure',
      async () => (seen.has('after-failover') ? true : undefined),
      15_000,
    );
    for (const name of acknowledged) expect(seen.has(name)).toBe(true);
    watching.abort();
    client.close();
  }, 120_000);
});
