import type { Node } from 'kubernetes-types/core/v1.js';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Api } from '../../apiserver/api.js';
import { builtinResources } from '../../registry/all.js';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { NodeIpamController } from './controller.js';

const abort = new AbortController();
afterEach(() => abort.abort());

const node = (name: string, podCIDR?: string): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name },
  ...(podCIDR ? { spec: { podCIDR, podCIDRs: [podCIDR] } } : {}),
});

async function podCIDROf(api: Api, name: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const n = (await api.registry('', 'v1', 'nodes').get('', name)) as Node;
    if (n.spec?.podCIDR) return n.spec.podCIDR;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${name} got no pod CIDR`);
}

describe('NodeIpamController', () => {
  it('gives nodes free subnets, around the ones they brought, and frees a deleted node’s', async () => {
    const api = new Api({ store: new MemoryStore(), resources: builtinResources });
    const nodes = api.registry('', 'v1', 'nodes');
    await nodes.create('', node('own', '10.250.0.0/24'));
    await new NodeIpamController({
      api,
      logger: pino({ level: 'silent' }),
      clusterCIDR: '10.250.0.0/22',
    }).start(abort.signal);
    await nodes.create('', node('a'));
    expect(await podCIDROf(api, 'a')).toBe('10.250.1.0/24');
    await nodes.create('', node('b'));
    expect(await podCIDROf(api, 'b')).toBe('10.250.2.0/24');
    const b = (await nodes.get('', 'b')) as Node;
    expect(b.spec?.podCIDRs).toEqual(['10.250.2.0/24']);

    await nodes.delete('', 'a');
    await nodes.create('', node('c'));
    expect(await podCIDROf(api, 'c')).toBe('10.250.3.0/24');
    await nodes.create('', node('d'));
    expect(await podCIDROf(api, 'd')).toBe('10.250.1.0/24'); // a's, freed
    await nodes.create('', node('e'));
    await new Promise((r) => setTimeout(r, 100));
    expect(((await nodes.get('', 'e')) as Node).spec?.podCIDR).toBeUndefined(); // none left
  });
});
