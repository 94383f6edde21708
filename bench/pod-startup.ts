/**
 * Pod startup latency, shaped like upstream's pod startup SLI: from the pod's create request to
 * the first watch event that shows it Running, with its image already on the node (stateless
 * pod, `localhost/busybox:latest`, `sleep 3600`). As root, the benchmark starts its own
 * `cairn up` (temporary data dir, free port, its own bridge and pod CIDR) and measures:
 *
 *   cairn      1 pod at a time (--runs, default 20), then 10 and 50 pods created at once
 *              (--concurrency), each pod from its own create to its own Running;
 *   cri floor  the same container straight on the same containerd over CRI with the project's
 *              client (RunPodSandbox → CreateContainer → StartContainer → ContainerStatus
 *              running), same counts: what the runtime alone costs;
 *   podman     `podman kube play` of the same pod (the whole CLI call), with runc through
 *              /work/shared/tools/runc-clamp, when podman is installed (`--with-podman` installs
 *              it with apt), else skipped with a note.
 *
 * For the one-pod case it also splits Cairn's time by the timestamps containerd logs:
 *   create → RunPodSandbox            API, scheduler, agent watch, pod worker, volumes
 *   RunPodSandbox                     netns, CNI, pause
 *   sandbox → CreateContainer         image check, container config
 *   CreateContainer → StartContainer  (returns)
 *   started → Running seen            runtime status, status write, API watch to the client
 * Printed as a table, then one JSON line. Everything started is stopped by pid.
 *
 *   npm run bench:pod-startup -- [--runs 20] [--concurrency 10,50] [--with-podman] [--no-podman]
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs, promisify } from 'node:util';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { Client } from '../src/client/index.js';
import type { ContainerConfig, PodSandboxConfig } from '../src/kubelet/container/runtime.js';
import { RemoteRuntime } from '../src/kubelet/cri/index.js';
import { BUSYBOX_IMAGE, buildBusyboxRootfs, writeDockerArchive } from '../src/kubelet/images/index.js';
import { type CairnUp, startCairnUp } from '../test/e2e/harness.js';

const exec = promisify(execFile);
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '10,50' },
    'with-podman': { type: 'boolean', default: false },
    'no-podman': { type: 'boolean', default: false },
    'timeout-seconds': { type: 'string', default: '120' },
  },
});
const RUNS = Number(values.runs);
const CONCURRENCY = values.concurrency
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const TIMEOUT_MS = Number(values['timeout-seconds']) * 1000;
const GOAL_P50_MS = 250;
const RUNC_CLAMP = '/work/shared/tools/runc-clamp';
const KUBE_NETWORK = 'podman-default-kube-network';
const PODMAN_PAUSE = 'localhost/podman-pause';
const suffix = randomBytes(2).toString('hex');
const LABEL = { 'cairn.bench/pod-startup': suffix };

interface Row {
  system: 'cairn' | 'cri-floor' | 'podman';
  pods: number;
  samples: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

const percentile = (sorted: number[], p: number): number =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;
const round = (n: number) => Math.round(n * 10) / 10;

function row(system: Row['system'], pods: number, latencies: number[]): Row {
  const s = [...latencies].sort((a, b) => a - b);
  return {
    system,
    pods,
    samples: s.length,
    p50: round(percentile(s, 50)),
    p90: round(percentile(s, 90)),
    p99: round(percentile(s, 99)),
    max: round(s.at(-1) ?? NaN),
  };
}

const median = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

async function waitUntil(what: string, fn: () => Promise<boolean>, timeoutMs = TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

// ---------------------------------------------------------------- cairn

const benchPod = (name: string): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels: LABEL },
  spec: {
    terminationGracePeriodSeconds: 0,
    containers: [{ name: 'c', image: BUSYBOX_IMAGE, command: ['sleep', '3600'] }],
  },
});

const isRunning = (pod: Pod) =>
  pod.status?.phase === 'Running' && pod.status.containerStatuses?.[0]?.state?.running !== undefined;

/** One watch over the bench's pods: when each was first seen Running, and when each was deleted. */
class PodWatch {
  readonly runningAt = new Map<string, number>();
  readonly deleted = new Set<string>();
  private readonly abort = new AbortController();
  private done: Promise<void> = Promise.resolve();

  constructor(private readonly client: Client) {}

  async start(): Promise<void> {
    const list = await this.client.pods.list({ namespace: 'default' });
    const events = await this.client.pods.watch({
      namespace: 'default',
      labelSelector: Object.entries(LABEL)
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
      resourceVersion: list.metadata?.resourceVersion ?? '0',
      signal: this.abort.signal,
    });
    this.done = (async () => {
      try {
        for await (const event of events) {
          if (event.type === 'ERROR' || event.type === 'BOOKMARK') continue;
          const name = event.object.metadata?.name ?? '';
          if (event.type === 'DELETED') this.deleted.add(name);
          else if (!this.runningAt.has(name) && isRunning(event.object))
            this.runningAt.set(name, performance.now());
        }
      } catch (err) {
        if (!this.abort.signal.aborted) throw err;
      }
    })();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.done.catch(() => undefined);
  }
}

interface CairnSample {
  name: string;
  /** performance.now() before the create request, and its wall-clock twin (for containerd's log). */
  createdAt: number;
  createdWall: number;
  latency: number;
}

async function createAndWait(client: Client, watch: PodWatch, names: string[]): Promise<CairnSample[]> {
  const started = names.map((name) => ({ name, createdAt: performance.now(), createdWall: Date.now() }));
  await Promise.all(started.map((s) => client.pods.create(benchPod(s.name), { namespace: 'default' })));
  await waitUntil(`${names.length} pod(s) Running`, async () => names.every((n) => watch.runningAt.has(n)));
  return started.map((s) => ({ ...s, latency: watch.runningAt.get(s.name)! - s.createdAt }));
}

async function deleteAndWait(client: Client, watch: PodWatch, runtime: RemoteRuntime, names: string[]) {
  await Promise.all(names.map((n) => client.pods.delete(n, { namespace: 'default', gracePeriodSeconds: 0 })));
  await waitUntil('the pods to be deleted', async () => names.every((n) => watch.deleted.has(n)));
  // the next measurement starts on an idle node: every sandbox stopped and removed
  await waitUntil('the sandboxes to be removed', async () => (await runtime.listPodSandbox()).length === 0);
}

// ---------------------------------------------------------------- containerd's log: where the time goes

interface Breakdown {
  toSandbox: number;
  sandbox: number;
  toCreate: number;
  createStart: number;
  toRunningSeen: number;
}

const logTime = (line: string) => Date.parse(/time="([^"]+)"/.exec(line)?.[1] ?? '');

async function breakdowns(
  containerdLog: string,
  samples: CairnSample[],
  watch: PodWatch,
): Promise<Breakdown[]> {
  const lines = (await readFile(containerdLog, 'utf8')).split('\n');
  const find = (re: RegExp) => lines.find((l) => re.test(l));
  const out: Breakdown[] = [];
  for (const s of samples) {
    const sbStart = find(new RegExp(`RunPodSandbox for &PodSandboxMetadata\\{Name:${s.name},.*\\}"$`));
    const sbEnd = find(
      new RegExp(`RunPodSandbox for &PodSandboxMetadata\\{Name:${s.name},.*returns sandbox id`),
    );
    const sandboxId = /returns sandbox id \\"([0-9a-f]+)\\"/.exec(sbEnd ?? '')?.[1];
    const createStart =
      sandboxId && find(new RegExp(`CreateContainer within sandbox \\\\"${sandboxId}\\\\" for container`));
    const createEnd =
      sandboxId &&
      find(new RegExp(`CreateContainer within sandbox \\\\"${sandboxId}\\\\".*returns container id`));
    const containerId = /returns container id \\"([0-9a-f]+)\\"/.exec(createEnd || '')?.[1];
    const startEnd =
      containerId && find(new RegExp(`StartContainer for \\\\"${containerId}\\\\" returns successfully`));
    if (!sbStart || !sbEnd || !createStart || !startEnd) continue;
    // wall clock of the Running event: its monotonic offset from the create, added to the create's wall time
    const runningWall = s.createdWall + (watch.runningAt.get(s.name)! - s.createdAt);
    out.push({
      toSandbox: logTime(sbStart) - s.createdWall,
      sandbox: logTime(sbEnd) - logTime(sbStart),
      toCreate: logTime(createStart) - logTime(sbEnd),
      createStart: logTime(startEnd) - logTime(createStart),
      toRunningSeen: runningWall - logTime(startEnd),
    });
  }
  return out;
}

// ---------------------------------------------------------------- CRI floor

async function criFloor(runtime: RemoteRuntime, logRoot: string, count: number): Promise<number[]> {
  const one = async (i: number): Promise<{ latency: number; sandboxId: string }> => {
    const name = `floor-${suffix}-${count}-${i}`;
    const logDirectory = join(logRoot, name);
    await mkdir(join(logDirectory, 'c'), { recursive: true });
    // no io.kubernetes.pod.uid label: the agent's PLEG leaves these sandboxes alone
    const sandboxConfig: PodSandboxConfig = {
      metadata: { name, uid: randomBytes(16).toString('hex'), namespace: 'bench', attempt: 0 },
      hostname: name,
      log_directory: logDirectory,
      dns_config: { servers: ['10.96.0.10'], searches: ['default.svc.cluster.local'], options: ['ndots:5'] },
      labels: {},
      linux: { security_context: { namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } } },
    };
    const config: ContainerConfig = {
      metadata: { name: 'c', attempt: 0 },
      image: { image: BUSYBOX_IMAGE },
      command: ['sleep', '3600'],
      log_path: 'c/0.log',
    };
    const t0 = performance.now();
    const sandboxId = await runtime.runPodSandbox(sandboxConfig);
    const id = await runtime.createContainer(sandboxId, config, sandboxConfig);
    await runtime.startContainer(id);
    const status = (await runtime.containerStatus(id)).status;
    if (status?.state !== 'CONTAINER_RUNNING') throw new Error(`floor container is ${status?.state}`);
    return { latency: performance.now() - t0, sandboxId };
  };
  const results = await Promise.all(Array.from({ length: count }, (_, i) => one(i)));
  for (const r of results) {
    await runtime.stopPodSandbox(r.sandboxId);
    await runtime.removePodSandbox(r.sandboxId);
  }
  return results.map((r) => r.latency);
}

// ---------------------------------------------------------------- podman kube play

async function hasPodman(): Promise<boolean> {
  return exec('podman', ['--version']).then(
    () => true,
    () => false,
  );
}

async function podmanRuns(work: string): Promise<{ rows: Row[]; note: string }> {
  if (values['no-podman']) return { rows: [], note: 'podman skipped (--no-podman)' };
  if (!(await hasPodman())) {
    if (!values['with-podman'])
      return { rows: [], note: 'podman not installed: skipped (--with-podman installs it with apt-get)' };
    process.stderr.write('pod-startup: installing podman (apt-get)\n');
    await exec('apt-get', ['install', '-y', '--no-install-recommends', 'podman'], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      maxBuffer: 64 << 20,
    });
  }
  if (!existsSync(RUNC_CLAMP)) return { rows: [], note: `podman skipped: ${RUNC_CLAMP} is missing` };
  const runtimeBin = await realpath(RUNC_CLAMP);
  const podman = (args: string[]) =>
    exec('podman', ['--runtime', runtimeBin, ...args], { maxBuffer: 64 << 20 });
  // the same busybox image, loaded under the same name; removed afterwards when the bench loaded it
  const succeeds = (args: string[]) =>
    podman(args).then(
      () => true,
      () => false,
    );
  const hadImage = await succeeds(['image', 'exists', BUSYBOX_IMAGE]);
  // what `kube play` creates on first use: its network (a CNI bridge) and its infra image
  const hadKubeNetwork = await succeeds(['network', 'exists', KUBE_NETWORK]);
  const pauseImages = async () =>
    (
      await podman([
        'images',
        '--format',
        '{{.Repository}}:{{.Tag}}',
        '--filter',
        `reference=${PODMAN_PAUSE}`,
      ])
    ).stdout
      .split('\n')
      .filter(Boolean);
  const hadPause = new Set(await pauseImages());
  if (!hadImage) {
    const rootfs = join(work, 'podman-rootfs');
    await buildBusyboxRootfs(rootfs);
    const archive = join(work, 'busybox.tar');
    await writeDockerArchive(rootfs, { name: BUSYBOX_IMAGE, cmd: ['sh'], createdBy: 'cairn bench' }, archive);
    await podman(['load', '-i', archive]);
  }
  const play = async (name: string): Promise<number> => {
    const file = join(work, `${name}.yaml`);
    const pod = benchPod(name);
    pod.spec!.containers[0]!.imagePullPolicy = 'Never';
    delete pod.metadata!.namespace;
    await writeFile(file, JSON.stringify(pod));
    const t0 = performance.now();
    await podman(['kube', 'play', file]);
    return performance.now() - t0;
  };
  const down = (names: string[]) => podman(['pod', 'rm', '-f', '-t', '0', ...names]);
  const rows: Row[] = [];
  try {
    const single: number[] = [];
    await down([`podman-${suffix}-warm`]).catch(() => undefined);
    await play(`podman-${suffix}-warm`);
    await down([`podman-${suffix}-warm`]);
    for (let i = 0; i < RUNS; i++) {
      const name = `podman-${suffix}-${i}`;
      single.push(await play(name));
      await down([name]);
    }
    rows.push(row('podman', 1, single));
    for (const n of CONCURRENCY) {
      const names = Array.from({ length: n }, (_, i) => `podman-${suffix}-c${n}-${i}`);
      try {
        rows.push(row('podman', n, await Promise.all(names.map(play))));
      } finally {
        await down(names).catch(() => undefined);
      }
    }
  } finally {
    if (!hadImage) await podman(['rmi', BUSYBOX_IMAGE]).catch(() => undefined);
    if (!hadKubeNetwork) await podman(['network', 'rm', '-f', KUBE_NETWORK]).catch(() => undefined);
    for (const image of await pauseImages().catch(() => []))
      if (!hadPause.has(image)) await podman(['rmi', image]).catch(() => undefined);
  }
  return { rows, note: `podman ${(await exec('podman', ['--version'])).stdout.trim()}, runc via runc-clamp` };
}

// ---------------------------------------------------------------- main

function table(rows: Row[]): void {
  const head = ['system', 'pods', 'samples', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'];
  const cells = rows.map((r) => [r.system, r.pods, r.samples, r.p50, r.p90, r.p99, r.max].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]?.length ?? 0)));
  const line = (c: string[]) =>
    c.map((x, i) => (i === 0 ? x.padEnd(widths[i] ?? 0) : x.padStart(widths[i] ?? 0))).join('  ');
  console.log(line(head));
  for (const c of cells) console.log(line(c));
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.error('pod-startup: run as root (cairn up starts containerd and sets up pod networking)');
    process.exit(1);
  }
  const work = await mkdtemp(join(tmpdir(), 'cairn-bench-ps-'));
  let up: CairnUp | undefined;
  let client: Client | undefined;
  let runtime: RemoteRuntime | undefined;
  let watch: PodWatch | undefined;
  const rows: Row[] = [];
  const notes: string[] = [];
  let split: Record<keyof Breakdown, number> | undefined;
  try {
    up = await startCairnUp({
      nodeName: 'bench-node',
      bridge: `cairn-bn-${suffix}`,
      podCIDR: `10.251.${parseInt(suffix, 16) % 200}.0/24`,
    });
    client = await Client.fromKubeconfig(up.kubeconfig);
    runtime = new RemoteRuntime({ socket: join(up.dataDir, 'containerd', 'containerd.sock') });
    await waitUntil('the node to be Ready', async () => {
      const node = await client!.nodes.get('bench-node').catch(() => undefined);
      return node?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    });
    watch = new PodWatch(client);
    await watch.start();

    // one unmeasured pod warms the path (first sandbox, CNI bridge, image unpack, code paths)
    await createAndWait(client, watch, [`ps-${suffix}-warm`]);
    await deleteAndWait(client, watch, runtime, [`ps-${suffix}-warm`]);

    const single: CairnSample[] = [];
    for (let i = 0; i < RUNS; i++) {
      const [sample] = await createAndWait(client, watch, [`ps-${suffix}-${i}`]);
      single.push(sample!);
      await deleteAndWait(client, watch, runtime, [sample!.name]);
    }
    rows.push(
      row(
        'cairn',
        1,
        single.map((s) => s.latency),
      ),
    );
    const parts = await breakdowns(join(up.dataDir, 'containerd', 'containerd.log'), single, watch);
    if (parts.length > 0) {
      const keys: (keyof Breakdown)[] = ['toSandbox', 'sandbox', 'toCreate', 'createStart', 'toRunningSeen'];
      split = Object.fromEntries(keys.map((k) => [k, round(median(parts.map((p) => p[k])))])) as Record<
        keyof Breakdown,
        number
      >;
    } else notes.push("no breakdown: containerd's log did not show the pods' CRI calls");

    for (const n of CONCURRENCY) {
      const names = Array.from({ length: n }, (_, i) => `ps-${suffix}-c${n}-${i}`);
      const samples = await createAndWait(client, watch, names);
      rows.push(
        row(
          'cairn',
          n,
          samples.map((s) => s.latency),
        ),
      );
      await deleteAndWait(client, watch, runtime, names);
    }

    const floorLogs = join(work, 'floor-logs');
    await criFloor(runtime, floorLogs, 1); // warm-up
    const floorSingle: number[] = [];
    for (let i = 0; i < RUNS; i++) floorSingle.push(...(await criFloor(runtime, floorLogs, 1)));
    rows.push(row('cri-floor', 1, floorSingle));
    for (const n of CONCURRENCY) rows.push(row('cri-floor', n, await criFloor(runtime, floorLogs, n)));
  } finally {
    await watch?.stop();
    runtime?.close();
    client?.close();
    await up?.stop();
  }
  try {
    const podman = await podmanRuns(work);
    rows.push(...podman.rows);
    notes.push(podman.note);
  } finally {
    await rm(work, { recursive: true, force: true });
  }

  rows.sort((a, b) => a.pods - b.pods || a.system.localeCompare(b.system));
  table(rows);
  const one = rows.find((r) => r.system === 'cairn' && r.pods === 1);
  const floor = rows.find((r) => r.system === 'cri-floor' && r.pods === 1);
  console.log(
    `\ngoal: cairn p50 for one pod <= ${GOAL_P50_MS} ms: ${one && one.p50 <= GOAL_P50_MS ? 'met' : 'not met'}` +
      (one && floor ? ` (${round(one.p50 - floor.p50)} ms above the CRI floor)` : ''),
  );
  if (split) {
    console.log('one pod, median ms by step (containerd log timestamps):');
    console.log(
      `  create → RunPodSandbox            ${split.toSandbox}  (API, scheduler, agent watch, worker, volumes)`,
    );
    console.log(`  RunPodSandbox                     ${split.sandbox}`);
    console.log(`  sandbox → CreateContainer         ${split.toCreate}  (image check, container config)`);
    console.log(`  CreateContainer → started         ${split.createStart}`);
    console.log(
      `  started → Running seen            ${split.toRunningSeen}  (runtime status, status write, watch)`,
    );
  }
  for (const n of notes) console.log(`note: ${n}`);
  console.log(
    JSON.stringify({
      benchmark: 'pod-startup',
      goalP50Ms: GOAL_P50_MS,
      runs: RUNS,
      rows,
      breakdownMs: split,
      notes,
    }),
  );
}

await main();
