/**
 * `cairn server --etcd-endpoints`: the same kubectl experience with state in a real etcd, which
 * survives the server.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEtcd } from '../../src/storage/etcd/testing/etcd-process.js';
import { type CairnServer, repoRoot, startCairn } from './harness.js';

let etcd: Awaited<ReturnType<typeof startEtcd>>;
const servers: CairnServer[] = [];
beforeAll(async () => {
  etcd = await startEtcd();
});
afterAll(async () => {
  for (const s of servers) await s.stop();
  await etcd?.stop();
});

describe('cairn server on etcd', () => {
  it('keeps objects in etcd across server restarts', async () => {
    const args = ['--etcd-endpoints', etcd.endpoint, '--etcd-prefix', '/cairn-e2e'];
    const first = await startCairn({ args });
    servers.push(first);
    expect((await first.k(['apply', '-f', join(repoRoot, 'examples', 'pod-example.yaml')])).trim()).toBe(
      'pod/pod-example created',
    );
    const uid = await first.k(['get', 'pod', 'pod-example', '-o', 'jsonpath={.metadata.uid}']);
    await first.stop();

    const second = await startCairn({ args });
    servers.push(second);
    expect(await second.k(['get', 'pod', 'pod-example', '-o', 'jsonpath={.metadata.uid}'])).toBe(uid);
    expect(await second.k(['get', 'namespaces', '-o', 'name'])).toContain('namespace/kube-node-lease');
  });
});
