/**
 * Image pulls from a real registry (root): `scripts/local-registry.sh` (Debian's docker-registry)
 * on a free loopback port with a temporary dir, images pushed into it with skopeo (built by the project's image builder
 * from busybox-static), and `cairn up` with `--registry-mirror` for a made-up host and for
 * docker.io. Pods pull through containerd for real (Pulling/Pulled events, imageID the registry's
 * manifest digest), `imagePullPolicy: Always` pulls a moved tag again, a missing tag gives
 * ErrImagePull then ImagePullBackOff with upstream's messages, and mirrored names reach the
 * registry through certs.d (containerd adds `?ns=<host>` to mirror requests, which the registry's
 * access log shows). The registry is stopped by pid.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Event, Pod } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../src/client/index.js';
import { containerdPaths } from '../../src/kubelet/containerd/index.js';
import { buildBusyboxRootfs, writeDockerArchive } from '../../src/kubelet/images/index.js';
import { type CairnUp, run, startCairnUp } from './harness.js';
import { isRoot } from './support/guards.js';
import { type LocalRegistry, startLocalRegistry } from './support/registry.js';
import { waiter } from './support/wait.js';

const hasTools = ['/usr/bin/docker-registry', '/usr/bin/skopeo'].every((p) => existsSync(p));
const suffix = randomBytes(2).toString('hex');
const bridge = `cairn-img-${suffix}`;
const podCIDR = `10.250.${parseInt(suffix, 16) % 200}.0/24`;
const MADE_UP_HOST = 'registry.example:5000';

let up: CairnUp | undefined;
let registry: LocalRegistry | undefined;
let workDir = '';
let port = 0;

const waitFor = waiter({ intervalMs: 200 });

async function skopeo(args: string[]): Promise<string> {
  const r = await run('/usr/bin/skopeo', args, { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`skopeo ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Pushes a docker-archive to the test registry as `repo:tag`; returns the manifest digest. */
async function push(archive: string, ref: string): Promise<string> {
  await skopeo([
    'copy',
    '--quiet',
    '--dest-tls-verify=false',
    `docker-archive:${archive}`,
    `docker://127.0.0.1:${port}/${ref}`,
  ]);
  const info = JSON.parse(
    await skopeo(['inspect', '--tls-verify=false', `docker://127.0.0.1:${port}/${ref}`]),
  );
  return info.Digest as string;
}

const archive = (variant: string) => join(workDir, `busybox-${variant}.tar`);

beforeAll(async () => {
  if (!isRoot || !hasTools) return;
  workDir = await mkdtemp(join(tmpdir(), 'cairn-images-e2e-'));
  registry = await startLocalRegistry();
  port = registry.port;

  // two images with the same busybox layer and different configs (so different digests)
  const rootfs = join(workDir, 'rootfs');
  await buildBusyboxRootfs(rootfs);
  for (const variant of ['a', 'b', 'c', 'd']) {
    await writeDockerArchive(
      rootfs,
      { name: `e2e/busybox:${variant}`, cmd: ['sh'], labels: { variant }, createdBy: 'cairn e2e' },
      archive(variant),
    );
  }

  up = await startCairnUp({
    nodeName: 'images-node',
    podCIDR,
    bridge,
    args: [
      '--registry-mirror',
      `${MADE_UP_HOST}=http://127.0.0.1:${port}`,
      '--registry-mirror',
      `docker.io=http://127.0.0.1:${port}`,
    ],
  });
}, 300_000);

afterAll(async () => {
  await up?.stop();
  await registry?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
}, 60_000);

const podYaml = (name: string, image: string, pullPolicy: string) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      terminationGracePeriodSeconds: 0,
      containers: [{ name: 'c', image, imagePullPolicy: pullPolicy, command: ['sleep', '3600'] }],
    },
  });

const getPod = (name: string): Promise<Pod> => up!.json<Pod>(['get', 'pod', name]);

async function runPod(name: string, image: string, pullPolicy = 'IfNotPresent'): Promise<Pod> {
  await up!.k(['apply', '-f', '-'], { input: podYaml(name, image, pullPolicy) });
  return waitFor(`pod ${name} to run`, async () => {
    const pod = await getPod(name);
    const waiting = pod.status?.containerStatuses?.[0]?.state?.waiting;
    if (waiting && waiting.reason !== 'ContainerCreating')
      throw new Error(`${name}: ${waiting.reason}: ${waiting.message}`);
    return pod.status?.phase === 'Running' ? pod : undefined;
  });
}

/** Registry access-log lines for manifest requests of `repo` (by containerd, not skopeo). */
const manifestRequests = async (repo: string) =>
  (await registry!.log())
    .split('\n')
    .filter((l) => l.includes(`/v2/${repo}/manifests/`) && l.includes('containerd') && /" 200 /.test(l));

describe.skipIf(!isRoot || !hasTools)('image pulls from a local registry', () => {
  let digestA = '';

  it('pulls a 127.0.0.1:PORT image: Running, imageID is the registry digest', async () => {
    digestA = await push(archive('a'), 'e2e/busybox:v1');
    const image = `127.0.0.1:${port}/e2e/busybox:v1`;
    const before = (await manifestRequests('e2e/busybox')).length;
    const pod = await runPod('pulled', image);
    const status = pod.status?.containerStatuses?.[0];
    expect(status?.image).toBe(image);
    expect(status?.imageID).toBe(`127.0.0.1:${port}/e2e/busybox@${digestA}`);
    expect(status?.state?.running?.startedAt).toBeTruthy();
    expect((await manifestRequests('e2e/busybox')).length).toBeGreaterThan(before);
    // the kubelet's events say so: Pulling, then Pulled with the time it took
    const messages = await waitFor('the Pulling and Pulled events', async () => {
      const list = await up!.json<{ items: Event[] }>([
        'get',
        'events',
        '--field-selector',
        'involvedObject.name=pulled',
      ]);
      const byReason = new Map(list.items.map((e) => [e.reason ?? '', e.message ?? '']));
      return byReason.has('Pulling') && byReason.has('Pulled') ? byReason : undefined;
    });
    expect(messages.get('Pulling')).toBe(`Pulling image "${image}"`);
    expect(messages.get('Pulled')).toMatch(
      new RegExp(`^Successfully pulled image "${image.replace(/[.]/g, '\\.')}" in [0-9.]+m?s `),
    );
  }, 90_000);

  it('IfNotPresent keeps the node copy of a moved tag; Always pulls it again', async () => {
    const image = `127.0.0.1:${port}/e2e/busybox:v1`;
    const digestB = await push(archive('b'), 'e2e/busybox:v1');
    expect(digestB).not.toBe(digestA);
    const cached = await runPod('if-not-present', image, 'IfNotPresent');
    expect(cached.status?.containerStatuses?.[0]?.imageID).toBe(`127.0.0.1:${port}/e2e/busybox@${digestA}`);
    const always = await runPod('always', image, 'Always');
    expect(always.status?.containerStatuses?.[0]?.imageID).toBe(`127.0.0.1:${port}/e2e/busybox@${digestB}`);
  }, 90_000);

  it('a missing tag: ErrImagePull with the runtime error, then ImagePullBackOff; the pod stays Pending', async () => {
    const image = `127.0.0.1:${port}/e2e/busybox:missing`;
    await up!.k(['apply', '-f', '-'], { input: podYaml('missing', image, 'IfNotPresent') });
    // every status the agent writes, through a watch (a poll could miss a short-lived one)
    const client = await Client.fromKubeconfig(up!.kubeconfig);
    const abort = new AbortController();
    const seen = new Map<string, { phase: string; message: string }>();
    try {
      const events = await client.pods.watch({
        namespace: 'default',
        fieldSelector: 'metadata.name=missing',
        signal: abort.signal,
      });
      const timer = setTimeout(() => abort.abort(), 45_000);
      for await (const event of events) {
        if (event.type !== 'ADDED' && event.type !== 'MODIFIED') continue;
        const pod = event.object;
        const waiting = pod.status?.containerStatuses?.[0]?.state?.waiting;
        if (waiting?.reason && !seen.has(waiting.reason))
          seen.set(waiting.reason, { phase: pod.status?.phase ?? '', message: waiting.message ?? '' });
        if (seen.has('ErrImagePull') && seen.has('ImagePullBackOff')) break;
      }
      clearTimeout(timer);
    } finally {
      abort.abort();
      client.close();
    }
    expect([...seen.keys()]).toEqual(expect.arrayContaining(['ErrImagePull', 'ImagePullBackOff']));
    const pullError = seen.get('ErrImagePull')?.message ?? '';
    const escaped = image.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(pullError).toMatch(
      new RegExp(
        `^rpc error: code = NotFound desc = failed to pull and unpack image "${escaped}": ` +
          `failed to resolve reference "${escaped}": ${escaped}: not found$`,
      ),
    );
    expect(seen.get('ImagePullBackOff')?.message).toBe(
      `Back-off pulling image "${image}": ErrImagePull: ${pullError}`,
    );
    expect([...seen.values()].map((s) => s.phase)).toEqual([...seen.values()].map(() => 'Pending'));
    expect(await up!.k(['get', 'pod', 'missing'])).toMatch(
      /\nmissing\s+0\/1\s+(ErrImagePull|ImagePullBackOff)\s+0\s+/,
    );
  }, 90_000);

  it('a mirror for a made-up host and for docker.io: pulled from the registry through certs.d', async () => {
    const certsDir = containerdPaths(up!.dataDir).certsDir;
    expect(await readFile(join(certsDir, MADE_UP_HOST, 'hosts.toml'), 'utf8')).toContain(
      `[host."http://127.0.0.1:${port}"]`,
    );
    // images of their own (a digest the node has under another name would show that name)
    const digestC = await push(archive('c'), 'e2e/mirrored:v1');
    const madeUp = await runPod('made-up-host', `${MADE_UP_HOST}/e2e/mirrored:v1`);
    expect(madeUp.status?.containerStatuses?.[0]?.imageID).toBe(`${MADE_UP_HOST}/e2e/mirrored@${digestC}`);
    expect((await manifestRequests('e2e/mirrored')).join('\n')).toContain(
      `ns=${encodeURIComponent(MADE_UP_HOST)}`,
    );

    // the short name of the Pods example's kind: busybox:TAG is docker.io/library/busybox:TAG
    const digestD = await push(archive('d'), 'library/busybox:e2e-mirror');
    const hub = await runPod('docker-hub-name', 'busybox:e2e-mirror');
    expect(hub.status?.containerStatuses?.[0]?.image).toBe('busybox:e2e-mirror');
    expect(hub.status?.containerStatuses?.[0]?.imageID).toBe(`docker.io/library/busybox@${digestD}`);
    expect((await manifestRequests('library/busybox')).join('\n')).toContain('ns=docker.io');
  }, 90_000);
});
