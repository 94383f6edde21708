import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newLogger } from '../../util/log.js';
import { parseManifest, staticPodsOf, startFileSource, staticPodName } from './file.js';
import {
  CONFIG_HASH_ANNOTATION,
  CONFIG_SEEN_ANNOTATION,
  CONFIG_SOURCE_ANNOTATION,
  isStaticPod,
} from './sources.js';

const web = (image = 'busybox') => `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: c
    image: ${image}
`;

describe('parsing manifests', () => {
  it('reads one or many YAML documents and JSON, skipping empty ones', () => {
    expect(parseManifest(`${web()}---\n${web().replace('web', 'db')}---\n`, 'f')).toHaveLength(2);
    const json = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'j' },
      spec: { containers: [] },
    });
    expect(parseManifest(json, 'f.json')[0]?.metadata?.name).toBe('j');
  });

  it('refuses what is not a v1 Pod, naming the file', () => {
    expect(() => parseManifest('apiVersion: apps/v1\nkind: Deployment\n', '/m/d.yaml')).toThrow(
      /\/m\/d.yaml: expected a v1 Pod/,
    );
    expect(() => parseManifest('a: [', '/m/bad.yaml')).toThrow(/\/m\/bad.yaml/);
  });
});

describe('static pods', () => {
  it('are named <name>-<node>, defaulted, bound to the node and annotated with hash = uid', () => {
    const [pod] = staticPodsOf(web(), '/etc/m/web.yaml', 'node-a');
    expect(pod?.metadata?.name).toBe(staticPodName('web', 'node-a'));
    expect(pod?.metadata?.name).toBe('web-node-a');
    expect(pod?.metadata?.namespace).toBe('default');
    expect(pod?.spec?.nodeName).toBe('node-a');
    expect(pod?.spec?.restartPolicy).toBe('Always');
    expect(pod?.metadata?.uid).toMatch(/^[0-9a-f]{32}$/);
    expect(pod?.metadata?.annotations).toMatchObject({
      [CONFIG_HASH_ANNOTATION]: pod?.metadata?.uid,
      [CONFIG_SOURCE_ANNOTATION]: 'file',
    });
    expect(pod?.spec?.tolerations).toContainEqual({ operator: 'Exists', effect: 'NoExecute' });
    expect(pod && isStaticPod(pod)).toBe(true);
  });

  it('hash the content, the node and the file: same input, same uid; any change, another', () => {
    const uid = (text: string, node = 'n', file = '/m/a.yaml') =>
      staticPodsOf(text, file, node)[0]?.metadata?.uid;
    expect(uid(web())).toBe(uid(web()));
    expect(uid(web('nginx'))).not.toBe(uid(web()));
    expect(uid(web(), 'other')).not.toBe(uid(web()));
    expect(uid(web(), 'n', '/m/b.yaml')).not.toBe(uid(web()));
  });

  it('keep their namespace and reject invalid specs', () => {
    expect(
      staticPodsOf(web().replace('name: web', 'name: web\n  namespace: sys'), 'f', 'n')[0]?.metadata
        ?.namespace,
    ).toBe('sys');
    expect(() =>
      staticPodsOf('apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers: []\n', 'f', 'n'),
    ).toThrow(/spec.containers/);
  });
});

describe('the file source', () => {
  let dir = '';
  const abort = new AbortController();
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cairn-manifests-'));
  });
  afterEach(async () => {
    abort.abort();
    await rm(dir, { recursive: true, force: true });
  });

  it('adds, replaces on change and removes pods as the files do', async () => {
    await writeFile(join(dir, 'web.yaml'), web());
    await writeFile(join(dir, '.hidden.yaml'), web().replace('web', 'hidden'));
    const events: string[] = [];
    const seen: Pod[] = [];
    const source = await startFileSource(
      {
        dir,
        nodeName: 'n1',
        periodMs: 60_000,
        logger: newLogger('silent'),
        updates: {
          update: (p) => {
            seen.push(p);
            events.push(`+${p.metadata?.name}`);
          },
          remove: (p) => events.push(`-${p.metadata?.name}`),
        },
      },
      abort.signal,
    );
    expect(events).toEqual(['+web-n1']);
    expect(seen[0]?.metadata?.annotations?.[CONFIG_SEEN_ANNOTATION]).toMatch(/^\d{4}-/);
    await source.rescan();
    expect(events).toEqual(['+web-n1']);
    await writeFile(join(dir, 'web.yaml'), web('nginx'));
    await source.rescan();
    expect(events).toEqual(['+web-n1', '-web-n1', '+web-n1']);
    expect(seen[1]?.metadata?.uid).not.toBe(seen[0]?.metadata?.uid);
    await writeFile(join(dir, 'web.yaml'), 'a: [');
    await source.rescan();
    expect(events).toHaveLength(3); // a broken file keeps its last pods
    await writeFile(join(dir, 'web.yaml'), ''); // truncated while being rewritten: so does an empty one
    await source.rescan();
    expect(events).toHaveLength(3);
    await unlink(join(dir, 'web.yaml'));
    await source.rescan();
    expect(events).toEqual(['+web-n1', '-web-n1', '+web-n1', '-web-n1']);
    expect(source.pods()).toEqual([]);
  });
});
