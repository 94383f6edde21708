/**
 * Scheduler throughput in pods/s, shaped like upstream's scheduler_perf: simulated nodes (Node
 * objects only, `node-default.yaml`: 4 CPU, 32Gi, 110 pods, labelled with a hostname and one of
 * three zones moon-1..3), some unmeasured pods first (`--init-pods`, pod-default: 100m/500Mi),
 * then the measured pods of each workload:
 *
 *   SchedulingBasic             pod-default
 *   TopologySpreading           + zone constraint, maxSkew 5, DoNotSchedule (color=blue)
 *   PreferredTopologySpreading  + zone constraint, maxSkew 5, ScheduleAnyway (color=blue)
 *
 * Each is measured twice, from the first measured create to the last binding seen by a watch:
 *   in-process  the `Scheduler` over an in-process `Api` on a `MemoryStore`, pods created through
 *               the registry (the algorithm with the API machinery it cannot do without);
 *   api         a started `cairn server` (SQLite, HTTPS, bearer token), pods POSTed with a
 *               keep-alive agent, bindings seen by an HTTP watch (what a user gets).
 * Printed beside upstream's published floors and Cairn's goals, then one JSON line.
 *
 *   npm run bench:scheduler -- [--nodes 5000] [--pods 10000] [--init-pods 1000]
 *     [--workloads SchedulingBasic,TopologySpreading,PreferredTopologySpreading]
 *     [--modes in-process,api] [--concurrency 32]
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import YAML from 'yaml';
import type { KubeObject } from '../src/registry/resource.js';
import { repoRoot, startCairn } from '../test/e2e/harness.js';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '5000' },
    pods: { type: 'string', default: '10000' },
    'init-pods': { type: 'string', default: '1000' },
    workloads: { type: 'string', default: 'SchedulingBasic,TopologySpreading,PreferredTopologySpreading' },
    modes: { type: 'string', default: 'in-process,api' },
    concurrency: { type: 'string', default: '32' },
    /** Give up on a run when no pod got bound for this long. */
    'stall-seconds': { type: 'string', default: '60' },
    /**
     * Where the in-process scheduler's code comes from: `dist` (default) runs what `npm run build`
     * compiled, as `cairn server` does; `src` runs the sources through tsx, whose transform wraps
     * every closure the hot loops create (esbuild keepNames) and is several times slower.
     */
    source: { type: 'string', default: 'dist' },
  },
});
const NODES = Number(values.nodes);
const PODS = Number(values.pods);
const INIT_PODS = Number(values['init-pods']);
const C = Number(values.concurrency);
const STALL_MS = Number(values['stall-seconds']) * 1000;
const MODES = values.modes.split(',').filter(Boolean) as Mode[];

type Mode = 'in-process' | 'api';

interface Workload {
  name: string;
  /** scheduler_perf's published floor for the workload at 5,000 nodes, pods/s. */
  upstreamFloor: number;
  /** Cairn's goal from the scheduler issue, pods/s. */
  goal: number;
  measuredPod: (i: number) => Pod;
}

const zoneKey = 'topology.kubernetes.io/zone';

const node = (i: number): Node => {
  const name = `scheduler-perf-${i}`;
  const resources = { cpu: '4', memory: '32Gi', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: { 'kubernetes.io/hostname': name, [zoneKey]: `moon-${(i % 3) + 1}` },
    },
    status: {
      capacity: resources,
      allocatable: resources,
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }],
      phase: 'Running',
    },
  };
};

const defaultPod = (name: string, labels: Record<string, string> = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels },
  spec: {
    containers: [
      {
        name: 'pause',
        image: 'registry.k8s.io/pause:3.10',
        ports: [{ containerPort: 80 }],
        resources: {
          limits: { cpu: '100m', memory: '500Mi' },
          requests: { cpu: '100m', memory: '500Mi' },
        },
      },
    ],
  },
});

const spreadingPod = (name: string, whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway'): Pod => {
  const p = defaultPod(name, { color: 'blue' });
  return {
    ...p,
    spec: {
      containers: p.spec?.containers ?? [],
      topologySpreadConstraints: [
        {
          maxSkew: 5,
          topologyKey: zoneKey,
          whenUnsatisfiable,
          labelSelector: { matchLabels: { color: 'blue' } },
        },
      ],
    },
  };
};

const allWorkloads: Workload[] = [
  { name: 'SchedulingBasic', upstreamFloor: 680, goal: 2000, measuredPod: (i) => defaultPod(`pod-${i}`) },
  {
    name: 'TopologySpreading',
    upstreamFloor: 460,
    goal: 1000,
    measuredPod: (i) => spreadingPod(`spreading-pod-${i}`, 'DoNotSchedule'),
  },
  {
    name: 'PreferredTopologySpreading',
    upstreamFloor: 340,
    goal: 1000,
    measuredPod: (i) => spreadingPod(`spreading-pod-${i}`, 'ScheduleAnyway'),
  },
];
const wanted = new Set(values.workloads.split(','));
const workloads = allWorkloads.filter((w) => wanted.has(w.name));

interface Row {
  workload: string;
  mode: Mode;
  nodes: number;
  pods: number;
  bound: number;
  seconds: number;
  podsPerSecond: number;
  /** create sent → binding seen, per pod. */
  p50ms: number;
  p99ms: number;
  upstreamFloor: number;
  goal: number;
}

/**
 * Bindings as a watch reports them: `seen(name)` the first time a pod shows a nodeName, and
 * `until(n)` resolves once n pods are bound in all (or rejects after STALL_MS without progress).
 */
class BindTracker {
  readonly boundAt = new Map<string, number>();
  private waiter: { n: number; resolve: () => void } | undefined;

  seen(name: string): void {
    if (this.boundAt.has(name)) return;
    this.boundAt.set(name, performance.now());
    if (this.waiter && this.boundAt.size >= this.waiter.n) this.waiter.resolve();
  }

  async until(n: number): Promise<boolean> {
    while (this.boundAt.size < n) {
      const before = this.boundAt.size;
      const reached = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), STALL_MS);
        this.waiter = {
          n,
          resolve: () => {
            clearTimeout(timer);
            resolve(true);
          },
        };
      });
      this.waiter = undefined;
      if (!reached && this.boundAt.size === before) return false;
    }
    return true;
  }
}

/** Runs `n` calls with `c` in flight; returns each call's start time by index. */
async function createAll(n: number, c: number, op: (i: number) => Promise<void>): Promise<number[]> {
  const sentAt = new Array<number>(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(c, n) }, async () => {
      while (next < n) {
        const i = next++;
        sentAt[i] = performance.now();
        await op(i);
      }
    }),
  );
  return sentAt;
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** Creates the init pods and waits for them, then the measured pods: one row. */
async function measure(
  w: Workload,
  mode: Mode,
  tracker: BindTracker,
  createPod: (p: Pod) => Promise<void>,
  listPods: () => Promise<Pod[]>,
): Promise<Row> {
  await createAll(INIT_PODS, C, (i) => createPod(defaultPod(`init-pod-${i}`)));
  if (!(await tracker.until(INIT_PODS))) throw new Error(`${w.name}/${mode}: init pods not all bound`);
  const names = Array.from({ length: PODS }, (_, i) => w.measuredPod(i).metadata?.name ?? '');
  const t0 = performance.now();
  const sentAt = await createAll(PODS, C, (i) => createPod(w.measuredPod(i)));
  const complete = await tracker.until(INIT_PODS + PODS);
  const times = names.map((n) => tracker.boundAt.get(n)).filter((t): t is number => t !== undefined);
  const last = Math.max(...times);
  const seconds = (last - t0) / 1000;
  const lat = names
    .map((n, i) => (tracker.boundAt.get(n) ?? NaN) - (sentAt[i] ?? NaN))
    .filter((x) => !Number.isNaN(x))
    .sort((a, b) => a - b);
  if (!complete) {
    const pending = (await listPods()).filter((p) => !p.spec?.nodeName);
    const why = new Map<string, number>();
    for (const p of pending) {
      const c = p.status?.conditions?.find((x) => x.type === 'PodScheduled');
      const key = c ? `${c.reason}: ${c.message}` : 'never attempted (no PodScheduled condition)';
      why.set(key, (why.get(key) ?? 0) + 1);
    }
    console.error(`${w.name}/${mode}: only ${times.length}/${PODS} measured pods bound; pending:`);
    for (const [reason, n] of why) console.error(`  ${n} × ${reason}`);
  }
  return {
    workload: w.name,
    mode,
    nodes: NODES,
    pods: PODS,
    bound: times.length,
    seconds: +seconds.toFixed(3),
    podsPerSecond: Math.round(times.length / seconds),
    p50ms: +pct(lat, 50).toFixed(1),
    p99ms: +pct(lat, 99).toFixed(1),
    upstreamFloor: w.upstreamFloor,
    goal: w.goal,
  };
}

/** The in-process modules, typed from src, loaded from `--source` (see the flag). */
async function inProcessModules() {
  const from = (path: string) =>
    values.source === 'src'
      ? `../src/${path}.ts`
      : pathToFileURL(join(repoRoot, 'dist/src', `${path}.js`)).href;
  return {
    ...((await import(from('apiserver/api'))) as typeof import('../src/apiserver/api.js')),
    ...((await import(from('controlplane/bootstrap'))) as typeof import('../src/controlplane/bootstrap.js')),
    ...((await import(from('registry/all'))) as typeof import('../src/registry/all.js')),
    ...((await import(
      from('scheduler/plugins/registry')
    )) as typeof import('../src/scheduler/plugins/registry.js')),
    ...((await import(from('scheduler/scheduler'))) as typeof import('../src/scheduler/scheduler.js')),
    ...((await import(
      from('storage/memory/memory-store')
    )) as typeof import('../src/storage/memory/memory-store.js')),
  };
}

async function inProcess(w: Workload): Promise<Row> {
  const { Api, MemoryStore, Scheduler, bootstrap, builtinResources, inTreeRegistry } =
    await inProcessModules();
  const api = new Api({ store: new MemoryStore(), resources: builtinResources });
  await bootstrap(api);
  const nodes = api.registry('', 'v1', 'nodes');
  const pods = api.registry('', 'v1', 'pods');
  for (let i = 0; i < NODES; i++) await nodes.create('', node(i) as KubeObject);
  const abort = new AbortController();
  try {
    const tracker = new BindTracker();
    await pods.watch('', { signal: abort.signal }, (e) => {
      const p = e.object as Pod;
      if (p.spec?.nodeName) tracker.seen(p.metadata?.name ?? '');
    });
    const scheduler = new Scheduler({
      api,
      logger: pino({ level: 'silent' }),
      registry: inTreeRegistry,
      host: 'bench',
    });
    await scheduler.start(abort.signal);
    return await measure(
      w,
      'in-process',
      tracker,
      async (p) => {
        await pods.create('default', p as KubeObject);
      },
      async () => (await pods.list('default')).items as Pod[],
    );
  } finally {
    abort.abort();
  }
}

async function throughApi(w: Workload): Promise<Row> {
  // Simulated nodes renew no Lease: without a long grace period the node lifecycle controller
  // would taint them unreachable after 40 s (scheduler_perf runs no such controller).
  const server = await startCairn({ args: ['--log-level', 'error', '--node-monitor-grace-period', '24h'] });
  const kc = YAML.parse(await readFile(server.kubeconfig, 'utf8')) as {
    clusters: { cluster: { 'certificate-authority-data': string } }[];
    users: { user: { token: string } }[];
  };
  const ca = Buffer.from(kc.clusters[0]?.cluster['certificate-authority-data'] ?? '', 'base64');
  const token = kc.users[0]?.user.token ?? '';
  const agent = new Agent({ keepAlive: true, maxSockets: C + 2, ca });
  const base = new URL(server.url);
  const options = (method: string, path: string) => ({
    agent,
    host: base.hostname,
    port: base.port,
    method,
    path,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  });
  const call = (method: string, path: string, body?: string) =>
    new Promise<string>((resolve, reject) => {
      const req = request(options(method, path), (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if ((res.statusCode ?? 0) >= 300) reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`));
          else resolve(text);
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  const podsPath = '/api/v1/namespaces/default/pods';
  let watch: ReturnType<typeof request> | undefined;
  try {
    await createAll(NODES, C, (i) => call('POST', '/api/v1/nodes', JSON.stringify(node(i))).then(() => {}));
    const rv = (
      JSON.parse(await call('GET', `${podsPath}?limit=1`)) as { metadata: { resourceVersion: string } }
    ).metadata.resourceVersion;
    const tracker = new BindTracker();
    await new Promise<void>((ready, fail) => {
      watch = request(options('GET', `${podsPath}?watch=1&resourceVersion=${rv}`), (res) => {
        ready();
        let buf = '';
        res.on('data', (d: Buffer) => {
          buf += d.toString();
          let i;
          while ((i = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, i);
            buf = buf.slice(i + 1);
            const e = JSON.parse(line) as { object: Pod };
            if (e.object.spec?.nodeName) tracker.seen(e.object.metadata?.name ?? '');
          }
        });
      });
      watch.on('error', fail);
      watch.end();
    });
    return await measure(
      w,
      'api',
      tracker,
      (p) => call('POST', podsPath, JSON.stringify(p)).then(() => {}),
      async () => (JSON.parse(await call('GET', podsPath)) as { items: Pod[] }).items,
    );
  } finally {
    watch?.destroy();
    agent.destroy();
    await server.stop();
  }
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const w of workloads) {
    for (const mode of MODES) {
      const t = performance.now();
      const row = mode === 'api' ? await throughApi(w) : await inProcess(w);
      rows.push(row);
      console.error(
        `${w.name} ${mode}: ${row.podsPerSecond} pods/s (${((performance.now() - t) / 1000).toFixed(1)} s with setup)`,
      );
    }
  }
  const head = [
    'workload',
    'mode',
    'nodes',
    'pods',
    'bound',
    'seconds',
    'pods/s',
    'p50 ms',
    'p99 ms',
    'upstream floor',
    'goal',
    'vs goal',
  ];
  const cells = rows.map((r) =>
    [
      r.workload,
      r.mode,
      r.nodes,
      r.pods,
      r.bound,
      r.seconds,
      r.podsPerSecond,
      r.p50ms,
      r.p99ms,
      r.upstreamFloor,
      r.goal,
      r.podsPerSecond >= r.goal ? 'met' : `${Math.round((100 * r.podsPerSecond) / r.goal)}%`,
    ].map(String),
  );
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]?.length ?? 0)));
  const line = (c: string[]) =>
    c.map((x, i) => (i <= 1 ? x.padEnd(widths[i] ?? 0) : x.padStart(widths[i] ?? 0))).join('  ');
  console.log(line(head));
  for (const c of cells) console.log(line(c));
  console.log(
    JSON.stringify({
      benchmark: 'scheduler',
      nodes: NODES,
      pods: PODS,
      initPods: INIT_PODS,
      concurrency: C,
      rows,
    }),
  );
}

await main();
