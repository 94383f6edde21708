/**
 * Static pods through `cairn up --pod-manifest-path DIR`, with the real kubectl: a manifest
 * dropped in the directory runs as `<name>-<node>` and shows up as a mirror pod; deleting the
 * mirror brings it back without touching the container; editing the manifest restarts the pod
 * with the change; removing it stops the pod and its mirror. The API refuses mirror pods from
 * anyone but a node.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteRuntime } from '../../src/kubelet/cri/remote-runtime.js';
import { type CairnUp, startCairnUp } from './harness.js';
import { isRoot } from './support/guards.js';
import { waiter } from './support/wait.js';

// this run's own bridge and subnet, apart from other e2e files and a real `cairn up`
const suffix = randomBytes(2).toString('hex');
const bridge = `cairn-sp-${suffix}`;
const podCIDR = `10.247.${100 + (parseInt(suffix, 16) % 100)}.0/24`;
const node = 'sp-node';

let up: CairnUp;
let manifests = '';

beforeAll(async () => {
  if (!isRoot) return;
  manifests = await mkdtemp(join(tmpdir(), 'cairn-manifests-'));
  up = await startCairnUp({ nodeName: node, podCIDR, bridge, args: ['--pod-manifest-path', manifests] });
}, 180_000);

afterAll(async () => {
  if (!isRoot) return;
  await up?.stop();
  await rm(manifests, { recursive: true, force: true });
}, 60_000);

const manifest = (message: string) => `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: { app: web }
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: localhost/busybox:latest
    command: ['sh', '-c', 'echo ${message}; exec sleep 3600']
`;

const getPod = (name: string): Promise<Pod | undefined> => up.tryJson<Pod>(['get', 'pod', name]);

const waitFor = waiter({ timeoutMs: 30_000, intervalMs: 300 });

const running = (pod: Pod | undefined) =>
  pod?.status?.phase === 'Running' && pod.status.containerStatuses?.[0]?.state?.running ? pod : undefined;

describe.skipIf(!isRoot)('static pods', () => {
  const name = `web-${node}`;

  it('a manifest in the directory runs as <name>-<node>, listed as a mirror pod', async () => {
    await writeFile(join(manifests, 'web.yaml'), manifest('one'));
    const pod = await waitFor('the mirror pod Running', async () => running(await getPod(name)));
    const annotations = pod.metadata?.annotations ?? {};
    expect(annotations['kubernetes.io/config.source']).toBe('file');
    expect(annotations['kubernetes.io/config.mirror']).toBe(annotations['kubernetes.io/config.hash']);
    expect(pod.metadata?.ownerReferences).toEqual([
      expect.objectContaining({ apiVersion: 'v1', kind: 'Node', name: node, controller: true }),
    ]);
    expect(pod.spec?.nodeName).toBe(node);
    expect(await up.k(['get', 'pods'])).toMatch(new RegExp(`${name}\\s+1/1\\s+Running`));
    expect(await up.k(['logs', name])).toBe('one\n');
  }, 60_000);

  // `kubectl delete --wait` reads the pod, then lists and watches it by name: a replacement made in
  // between would make it wait forever; the agent pauses before recreating (mirror-client.ts).
  it('deleting the mirror pod brings it back; the container keeps running', async () => {
    let before = running(await getPod(name));
    const containerID = before?.status?.containerStatuses?.[0]?.containerID;
    expect(containerID).toBeTruthy();
    for (let i = 0; i < 3; i++) {
      await up.k(['delete', 'pod', name, '--wait=true', '--timeout=20s']);
      const uid = before?.metadata?.uid;
      const after = await waitFor('the mirror back', async () => {
        const p = running(await getPod(name));
        return p && p.metadata?.uid !== uid ? p : undefined;
      });
      expect(after.status?.containerStatuses?.[0]?.containerID).toBe(containerID);
      expect(after.status?.containerStatuses?.[0]?.restartCount).toBe(0);
      before = after;
    }
  }, 120_000);

  it('editing the manifest restarts the pod with the change', async () => {
    const before = await getPod(name);
    await writeFile(join(manifests, 'web.yaml'), manifest('two'));
    const after = await waitFor('the new pod', async () => {
      const p = running(await getPod(name));
      const hash = p?.metadata?.annotations?.['kubernetes.io/config.mirror'];
      return p && hash !== before?.metadata?.annotations?.['kubernetes.io/config.mirror'] ? p : undefined;
    });
    expect(after.status?.containerStatuses?.[0]?.containerID).not.toBe(
      before?.status?.containerStatuses?.[0]?.containerID,
    );
    await waitFor('the new logs', async () =>
      (await up.kubectl(['logs', name])).stdout === 'two\n' ? true : undefined,
    );
  }, 60_000);

  it('removing the manifest stops the pod and its mirror', async () => {
    const uid = (await getPod(name))?.metadata?.annotations?.['kubernetes.io/config.hash'] ?? '';
    expect(uid).not.toBe('');
    const runtime = new RemoteRuntime({ socket: join(up.dataDir, 'containerd', 'containerd.sock') });
    try {
      const sandboxes = async () => (await runtime.listPodSandbox()).filter((s) => s.metadata?.uid === uid);
      expect((await sandboxes()).length).toBeGreaterThan(0);
      await unlink(join(manifests, 'web.yaml'));
      await waitFor('the mirror gone', async () => ((await getPod(name)) ? undefined : true));
      await waitFor('the sandbox gone', async () => ((await sandboxes()).length === 0 ? true : undefined));
    } finally {
      runtime.close();
    }
  }, 60_000);

  it('the API refuses a mirror-annotated pod from a non-node user (403)', async () => {
    const r = await up.kubectl(['create', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'fake-mirror', annotations: { 'kubernetes.io/config.mirror': 'x' } },
        spec: { nodeName: node, containers: [{ name: 'c', image: 'localhost/busybox:latest' }] },
      }),
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Forbidden.*pods "fake-mirror" is forbidden/);
  });
});
