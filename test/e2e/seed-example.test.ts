/**
 * The Pods example closing the seed, applied as written (root): the manifest is read out of the
 * seed document itself, its images come from a registry (`scripts/local-registry.sh` on a free
 * loopback port, docker.io mirrored to it with `cairn up --registry-mirror`), and kubectl shows
 * what upstream would: `Init:0/1` while `myservice` does not resolve, the init container's failed
 * lookups in its log, Initialized once `kubectl create service clusterip myservice` made the name,
 * `Hello World` from the app container, then — restartPolicy Always, and echo exits 0 — restarts:
 * the first at once, the next ones in CrashLoopBackOff after a back-off that doubles (10 s, 20 s).
 *
 * Beside it, a pod whose image tag does not exist (`busybox:no-such-tag`, through the same
 * mirror): a retried pull leaves ErrImagePull in its status until the next sync, then
 * ImagePullBackOff, because the agent's own status write coming back on its watch does not sync
 * the pod again (upstream's pod config treats a status-only change as no update).
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerStatus, Event, Pod } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Client } from '../../src/client/index.js';
import { type CairnUp, repoRoot, run, startCairnUp } from './harness.js';
import { hasPodLifecycle, isRoot } from './support/guards.js';
import { type LocalRegistry, startLocalRegistry } from './support/registry.js';
import { waiter } from './support/wait.js';

const SEED = '/work/shared/seed/000_481b9506cfe8fdc7.txt';
const suffix = randomBytes(2).toString('hex');
const bridge = `cairn-seed-${suffix}`;
const podCIDR = `10.249.${100 + (parseInt(suffix, 16) % 100)}.0/24`;
const UNPULLABLE = 'busybox:no-such-tag';

let up: CairnUp | undefined;
let registry: LocalRegistry | undefined;
let port = 0;
let client: Client | undefined;
const watching = new AbortController();
/** Every version of every pod in `default`, as the watch delivered it, with the time seen. */
const timeline: { at: number; pod: Pod }[] = [];

const waitFor = waiter({ timeoutMs: 30_000 });

/** The YAML of the seed's "Example" section: the reStructuredText code block, dedented. */
function seedExample(text: string): string {
  const lines = text.split('\n');
  const heading = lines.findIndex((l, i) => l.trim() === 'Example' && /^\*{3,}$/.test(lines[i + 1] ?? ''));
  const start = lines.findIndex((l, i) => i > heading && l.trim() === '.. code-block:: yaml');
  if (heading < 0 || start < 0) throw new Error('no Example code block in the seed');
  const body: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() !== '' && !/^\s/.test(line)) break;
    body.push(line);
  }
  while (body.length && body[0]!.trim() === '') body.shift();
  const indent = Math.min(...body.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return body
    .map((l) => l.slice(indent))
    .join('\n')
    .trimEnd()
    .concat('\n');
}

const seedManifest = async (): Promise<string> => seedExample(await readFile(SEED, 'utf8'));

const getPod = (name: string): Promise<Pod> => up!.json<Pod>(['get', 'pod', name]);

/** kubectl's STATUS and RESTARTS columns. */
async function columns(name: string): Promise<{ status: string; restarts: string }> {
  const line = (await up!.k(['get', 'pod', name, '--no-headers'])).trim();
  const [, , status = '', restarts = ''] = line.split(/\s+/);
  return { status, restarts };
}

const versions = (name: string) => timeline.filter((v) => v.pod.metadata?.name === name);

async function registryDigest(ref: string): Promise<string> {
  const r = await run('/usr/bin/skopeo', [
    'inspect',
    '--tls-verify=false',
    `docker://127.0.0.1:${port}/${ref}`,
  ]);
  if (r.code !== 0) throw new Error(`skopeo inspect ${ref}: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { Digest: string }).Digest;
}

beforeAll(async () => {
  if (!isRoot || !hasPodLifecycle) return;
  registry = await startLocalRegistry();
  port = registry.port;
  up = await startCairnUp({
    nodeName: 'seed-node',
    podCIDR,
    bridge,
    args: ['--registry-mirror', `docker.io=http://127.0.0.1:${port}`],
  });
  client = await Client.fromKubeconfig(up.kubeconfig);
  const events = await client.pods.watch({ namespace: 'default', signal: watching.signal });
  void (async () => {
    try {
      for await (const event of events) {
        if (event.type === 'ADDED' || event.type === 'MODIFIED')
          timeline.push({ at: Date.now(), pod: event.object });
      }
    } catch {
      // the watch ends with the test
    }
  })();
}, 300_000);

afterAll(async () => {
  watching.abort();
  client?.close();
  await up?.stop();
  await registry?.stop();
}, 60_000);

describe.skipIf(!isRoot || !hasPodLifecycle)("the seed's Pods example, verbatim, through a registry", () => {
  it('is the manifest of the seed, and examples/pod-example.yaml is the same', async () => {
    const pod = parse(await seedManifest()) as Pod;
    expect(pod.metadata?.name).toBe('pod-example');
    expect(pod.spec?.containers.map((c) => c.image)).toEqual(['ubuntu:trusty']);
    expect(pod.spec?.initContainers?.map((c) => c.image)).toEqual(['busybox:1.28']);
    expect(pod.spec?.initContainers?.[0]?.command?.[2]).toContain(
      'nslookup myservice.$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace).svc.cluster.local',
    );
    expect(parse(await readFile(join(repoRoot, 'examples/pod-example.yaml'), 'utf8'))).toEqual(pod);
  });

  it('pulls busybox:1.28 from the registry and stays Init:0/1 while myservice does not resolve', async () => {
    expect(await up!.k(['apply', '-f', '-'], { input: await seedManifest() })).toContain(
      'pod/pod-example created',
    );
    // the unpullable pod runs beside it (checked in the last case)
    await up!.k(['run', 'unpullable', `--image=${UNPULLABLE}`, '--restart=Never']);

    const init = await waitFor('the init container to run', async () => {
      const s = (await getPod('pod-example')).status?.initContainerStatuses?.[0];
      return s?.state?.running ? s : undefined;
    });
    expect(init.image).toBe('busybox:1.28');
    expect(init.imageID).toBe(`docker.io/library/busybox@${await registryDigest('library/busybox:1.28')}`);
    const pulled = await up!.json<{ items: Event[] }>([
      'get',
      'events',
      '--field-selector',
      'involvedObject.name=pod-example',
    ]);
    expect(pulled.items.map((e) => e.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Successfully pulled image "busybox:1\.28" in /)]),
    );

    // several seconds later: still Init:0/1, the lookups failing in the init container's log
    const first = Date.now();
    for (;;) {
      expect(await columns('pod-example')).toEqual({ status: 'Init:0/1', restarts: '0' });
      if (Date.now() - first > 6_000) break;
      await sleep(1_500);
    }
    const log = await up!.k(['logs', 'pod-example', '-c', 'init-myservice']);
    expect(log.match(/waiting for myservice/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
    expect(log).toMatch(/server can't find myservice\.default\.svc\.cluster\.local: NXDOMAIN/);
    const pod = await getPod('pod-example');
    expect(pod.status?.phase).toBe('Pending');
    expect(pod.status?.conditions?.find((c) => c.type === 'Initialized')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotInitialized',
    });
  }, 90_000);

  it('initializes once myservice exists; the app container pulls ubuntu:trusty and says Hello World', async () => {
    await up!.k(['create', 'service', 'clusterip', 'myservice', '--tcp=80:80']);
    const pod = await waitFor(
      'Initialized',
      async () => {
        const p = await getPod('pod-example');
        return p.status?.conditions?.some((c) => c.type === 'Initialized' && c.status === 'True')
          ? p
          : undefined;
      },
      20_000,
    );
    expect(pod.status?.initContainerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
    });
    const log = await waitFor('Hello World', async () => {
      const r = await up!.kubectl(['logs', 'pod-example']);
      return r.code === 0 && r.stdout !== '' ? r.stdout : undefined;
    });
    expect(log).toBe('Hello World\n');
    const app = await waitFor('the app container image ID', async () => {
      const s = (await getPod('pod-example')).status?.containerStatuses?.[0];
      return s?.imageID ? s : undefined;
    });
    expect(app.imageID).toBe(`docker.io/library/ubuntu@${await registryDigest('library/ubuntu:trusty')}`);
    expect(await up!.k(['logs', 'pod-example', '-c', 'init-myservice'])).toMatch(
      /Name:\s+myservice\.default\.svc\.cluster\.local/,
    );
  }, 60_000);

  it('restartPolicy Always: echo exits 0 and is restarted — at once, then after 10 s, then 20 s (CrashLoopBackOff)', async () => {
    const app = (p: Pod): ContainerStatus | undefined => p.status?.containerStatuses?.[0];
    // the start of each run, from every status the watch delivered
    const runStarts = (): number[] => {
      const starts = new Set<string>();
      for (const { pod: p } of versions('pod-example')) {
        const s = app(p);
        for (const t of [
          s?.state?.running?.startedAt,
          s?.state?.terminated?.startedAt,
          s?.lastState?.terminated?.startedAt,
        ])
          if (t) starts.add(t);
      }
      return [...starts].map((t) => Date.parse(t)).sort((a, b) => a - b);
    };
    const pod = await waitFor(
      'three restarts',
      async () => {
        const p = await getPod('pod-example');
        timeline.push({ at: Date.now(), pod: p }); // in case the watch fell behind on a loaded machine
        return (app(p)?.restartCount ?? 0) >= 3 && runStarts().length >= 4 ? p : undefined;
      },
      110_000,
    );
    expect(app(pod)?.lastState?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(pod.status?.phase).toBe('Running');
    expect(await up!.k(['logs', 'pod-example', '--previous'])).toBe('Hello World\n');

    // as upstream: the first exit is restarted right away and starts the back-off, 10 s, then doubled
    const runs = runStarts();
    const gaps = runs.slice(1, 4).map((t, i) => (t - runs[i]!) / 1000);
    expect(gaps[0]).toBeLessThan(9);
    expect(gaps[1]).toBeGreaterThanOrEqual(9);
    expect(gaps[2]).toBeGreaterThanOrEqual(19);
    expect(gaps[2]).toBeGreaterThan(gaps[1]! + 5);
    const messages = versions('pod-example')
      .map((v) => app(v.pod)?.state?.waiting)
      .filter((w) => w?.reason === 'CrashLoopBackOff')
      .map(
        (w) =>
          /^back-off (\S+) restarting failed container=ubuntu pod=pod-example_default\(/.exec(
            w?.message ?? '',
          )?.[1],
      );
    expect([...new Set(messages)].slice(0, 2)).toEqual(['10s', '20s']);
    // and kubectl says so while the third run's back-off lasts
    await waitFor('STATUS CrashLoopBackOff', async () => {
      const { status, restarts } = await columns('pod-example');
      return status === 'CrashLoopBackOff' && restarts === '3' ? true : undefined;
    });
  }, 150_000);

  it('an image that cannot be pulled: ErrImagePull stays until the next sync, then ImagePullBackOff', async () => {
    // episodes of one waiting reason, in the order the watch saw them
    const episodes: { reason: string; from: number; to: number | null }[] = [];
    for (const { at, pod } of versions('unpullable')) {
      const reason = pod.status?.containerStatuses?.[0]?.state?.waiting?.reason ?? '-';
      const last = episodes.at(-1);
      if (last?.reason === reason) continue;
      if (last) last.to = at;
      episodes.push({ reason, from: at, to: null });
    }
    const shown = episodes.map((e) => `${e.reason} ${e.to === null ? '…' : `${e.to - e.from}ms`}`);
    expect(episodes.map((e) => e.reason)).toEqual(
      expect.arrayContaining(['ErrImagePull', 'ImagePullBackOff']),
    );
    // a pull retried when its back-off ran out: ErrImagePull is written, and since the write coming
    // back on the agent's watch syncs nothing, it stays until the next sync (the 10 s resync) — not
    // the few milliseconds an immediate re-sync would leave it
    const longest = Math.max(
      ...episodes.filter((e) => e.reason === 'ErrImagePull' && e.to !== null).map((e) => e.to! - e.from),
    );
    expect(longest, shown.join(', ')).toBeGreaterThanOrEqual(5_000);
    expect((await columns('unpullable')).status).toMatch(/^(ErrImagePull|ImagePullBackOff)$/);
  });
});
