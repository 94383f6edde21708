/**
 * Scale benchmark: a started `cairn server` (HTTPS, SQLite, scheduler and controllers) with
 * simulated nodes in this process (`startSimNodes`, the node join token as `cairn sim` uses it),
 * then bare pods created through the API for the scheduler to bind and the nodes to run.
 * Measures node registration, pod creation and scheduling rates, time until every pod is
 * Running, pod startup latency, LIST latencies, the heartbeat load in the steady state and the
 * server's RSS and CPU. Prints a table and JSON, with upstream's scale envelope and kwok's claim
 * as reference rows.
 *
 *   npm run bench:scale -- [--nodes 5000] [--pods 150000] [--zones 3] [--concurrency 64]
 *                          [--steady 30] [--pod-profile default]
 *
 * Needs `npx tsc -p tsconfig.build.json` first (the server runs from dist/).
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { pino } from 'pino';
import YAML from 'yaml';
import { nodeBearerToken } from '../src/apiserver/authentication.js';
import { Client } from '../src/client/index.js';
import { loadProfile, startSimNodes, type SimStats } from '../src/sim/index.js';
import { startCairn } from '../test/e2e/harness.js';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '5000' },
    pods: { type: 'string', default: '150000' },
    zones: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '64' },
    steady: { type: 'string', default: '30' },
    'pod-profile': { type: 'string', default: 'default' },
  },
});
const NODES = Number(values.nodes);
const PODS = Number(values.pods);
const ZONES = Number(values.zones);
const C = Number(values.concurrency);
const STEADY_S = Number(values.steady);

interface Row {
  metric: string;
  value: string;
  note?: string;
}
const rows: Row[] = [];
const result: Record<string, unknown> = { nodes: NODES, pods: PODS, zones: ZONES, concurrency: C };
const row = (metric: string, value: string, note?: string) =>
  rows.push({ metric, value, ...(note ? { note } : {}) });
const secs = (ms: number) => +(ms / 1000).toFixed(2);
const mib = (bytes: number) => Math.round(bytes / 1024 / 1024);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** RSS (bytes) and CPU time (ms, user+system) of a process, from /proc. */
async function procUsage(pid: number): Promise<{ rss: number; cpuMs: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const rss = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
  // fields 14 and 15 (utime, stime) in clock ticks of 10 ms
  const cpuMs = (Number(stat[11]) + Number(stat[12])) * 10;
  return { rss, cpuMs };
}

/** Runs `n` tasks with at most `c` in flight; a failed task is retried up to 3 times. */
async function pool(n: number, c: number, task: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  let failures = 0;
  await Promise.all(
    Array.from({ length: Math.min(c, n) }, async () => {
      while (next < n) {
        const i = next++;
        for (let attempt = 1; ; attempt++) {
          try {
            await task(i);
            break;
          } catch (err) {
            failures++;
            if (attempt >= 3) throw err;
            await sleep(1000);
          }
        }
      }
    }),
  );
  return failures;
}

const podBody = (i: number): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: `scale-${i}`, namespace: 'scale', labels: { app: `app-${i % 100}` } },
  spec: {
    containers: [
      {
        name: 'app',
        image: 'localhost/busybox:latest',
        command: ['sleep', 'infinity'],
        resources: { requests: { cpu: '10m', memory: '16Mi' } },
      },
    ],
  },
});

async function main(): Promise<void> {
  // the server child inherits this: 150,000 pods need more than the default heap
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=8192`.trim();
  const server = await startCairn({ args: ['--log-level', 'error'] });
  const sampler = { peakRss: 0, stop: false };
  const sampling = (async () => {
    while (!sampler.stop) {
      const u = await procUsage(server.pid).catch(() => undefined);
      if (u) sampler.peakRss = Math.max(sampler.peakRss, u.rss);
      await sleep(1000);
    }
  })();
  const kc = YAML.parse(await readFile(server.kubeconfig, 'utf8')) as {
    clusters: { cluster: { 'certificate-authority-data': string } }[];
    users: { user: { token: string } }[];
  };
  const caCert = Buffer.from(
    kc.clusters[0]?.cluster['certificate-authority-data'] ?? '',
    'base64',
  ).toString();
  const nodeToken = (await readFile(`${server.dataDir}/server/node-token`, 'utf8')).trim();
  const admin = new Client({
    server: server.url,
    token: kc.users[0]?.user.token ?? '',
    caCert,
    timeoutMs: 300_000,
  });
  const nodeClient = new Client({
    server: server.url,
    token: nodeBearerToken(nodeToken, 'sim-sim'),
    caCert,
    timeoutMs: 120_000,
  });
  const logger = pino({ level: 'warn' }, pino.destination({ fd: 2, sync: false }));
  let sim: Awaited<ReturnType<typeof startSimNodes>> | undefined;
  try {
    // ── nodes ────────────────────────────────────────────────────────────────────────────────
    let t = performance.now();
    sim = await startSimNodes({
      client: nodeClient,
      nodes: NODES,
      zones: ZONES,
      podProfile: await loadProfile(values['pod-profile']),
      logger,
    });
    const registerMs = performance.now() - t;
    row('register nodes', `${secs(registerMs)} s`, `${Math.round(NODES / (registerMs / 1000))} nodes/s`);
    result.registerSeconds = secs(registerMs);
    console.error(`${NODES} nodes registered in ${secs(registerMs)} s`);

    // ── pods ─────────────────────────────────────────────────────────────────────────────────
    await admin.resource({ group: '', version: 'v1', plural: 'namespaces', namespaced: false }).create({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'scale' },
    });
    const bound: { at: number; count: number }[] = [];
    let watching = true;
    const t0 = performance.now();
    let allRunningAt = 0;
    const progress = (async () => {
      let lastLog = 0;
      while (watching) {
        const count = sim?.podCount() ?? 0;
        bound.push({ at: performance.now(), count });
        const running = sim?.podPhases().Running ?? 0;
        if (!allRunningAt && running >= PODS && (sim?.pendingRequests() ?? 1) === 0)
          allRunningAt = performance.now();
        if (performance.now() - lastLog > 10_000) {
          lastLog = performance.now();
          const u = await procUsage(server.pid).catch(() => ({ rss: 0, cpuMs: 0 }));
          console.error(
            `t=${secs(performance.now() - t0)}s bound=${count} running=${running} ` +
              `pending writes=${sim?.pendingRequests()} server rss=${mib(u.rss)}MiB`,
          );
        }
        await sleep(250);
      }
    })();
    t = performance.now();
    const createFailures = await pool(PODS, C, async (i) => {
      await admin.pods.create(podBody(i));
    });
    const createMs = performance.now() - t;
    row(
      'create pods',
      `${secs(createMs)} s`,
      `${Math.round(PODS / (createMs / 1000))} pods/s, ${createFailures} retried`,
    );
    result.createSeconds = secs(createMs);
    result.createFailures = createFailures;

    while (!allRunningAt) await sleep(250);
    watching = false;
    await progress;
    const firstBound = bound.find((b) => b.count > 0)?.at ?? t0;
    const allBound = bound.find((b) => b.count >= PODS)?.at ?? allRunningAt;
    const bindRate = PODS / ((allBound - firstBound) / 1000 || 1);
    row(
      'schedule (bind) pods',
      `${Math.round(bindRate)} pods/s`,
      `all bound ${secs(allBound - t0)} s after the first create`,
    );
    row('all pods Running', `${secs(allRunningAt - t0)} s`, 'after the first create, status writes flushed');
    result.bindPerSecond = Math.round(bindRate);
    result.allBoundSeconds = secs(allBound - t0);
    result.allRunningSeconds = secs(allRunningAt - t0);

    // ── LIST latencies, pod startup latency ───────────────────────────────────────────────────
    const timeIt = async (n: number, fn: () => Promise<unknown>) => {
      const lat: number[] = [];
      for (let i = 0; i < n; i++) {
        const s = performance.now();
        await fn();
        lat.push(performance.now() - s);
      }
      return lat.sort((a, b) => a - b);
    };
    const nodesLat = await timeIt(5, () => admin.nodes.list());
    row(
      `LIST nodes (${NODES})`,
      `${pct(nodesLat, 50).toFixed(0)} ms`,
      `p50 of 5, max ${nodesLat.at(-1)?.toFixed(0)} ms`,
    );
    const oneNodeLat = await timeIt(10, () => admin.pods.list({ fieldSelector: 'spec.nodeName=sim-0' }));
    row(
      'LIST pods on one node',
      `${pct(oneNodeLat, 50).toFixed(0)} ms`,
      `fieldSelector spec.nodeName, p50 of 10`,
    );
    const startup: number[] = [];
    let pages = 0;
    const pagedLat = await timeIt(1, async () => {
      let cont = '';
      do {
        const page = await admin.pods.list({ limit: 500, ...(cont ? { continue: cont } : {}) });
        pages++;
        for (const p of page.items) {
          const ready = p.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');
          const created = Date.parse(p.metadata?.creationTimestamp ?? '');
          if (ready?.lastTransitionTime) startup.push(Date.parse(ready.lastTransitionTime) - created);
        }
        cont = page.metadata.continue ?? '';
      } while (cont);
    });
    row(
      `LIST pods, all namespaces, pages of 500`,
      `${pagedLat[0]?.toFixed(0)} ms`,
      `${pages} pages (kubectl's chunking)`,
    );
    let fullList = 'n/a';
    try {
      const full = await timeIt(1, () => admin.pods.list());
      fullList = `${full[0]?.toFixed(0)} ms`;
    } catch (err) {
      fullList = `failed: ${(err as Error).message.slice(0, 80)}`;
    }
    row('LIST pods, all namespaces, one response', fullList);
    startup.sort((a, b) => a - b);
    row(
      'pod startup latency (create → Ready)',
      `p50 ${secs(pct(startup, 50))} s, p99 ${secs(pct(startup, 99))} s`,
      `${startup.length} pods, second precision; includes the ${values['pod-profile']} profile's start delay and queueing`,
    );
    result.list = {
      nodesP50Ms: +pct(nodesLat, 50).toFixed(1),
      podsOneNodeP50Ms: +pct(oneNodeLat, 50).toFixed(1),
      podsPagedMs: +(pagedLat[0] ?? 0).toFixed(1),
      podsFull: fullList,
    };
    result.podStartupSeconds = { p50: secs(pct(startup, 50)), p99: secs(pct(startup, 99)) };

    // ── steady state: heartbeats only ─────────────────────────────────────────────────────────
    const before: SimStats = { ...sim.stats };
    const cpu0 = await procUsage(server.pid);
    const simCpu0 = process.cpuUsage();
    const w0 = performance.now();
    await sleep(STEADY_S * 1000);
    const wall = performance.now() - w0;
    const cpu1 = await procUsage(server.pid);
    const simCpu = process.cpuUsage(simCpu0);
    const after = sim.stats;
    const perS = (k: keyof SimStats) => (after[k] - before[k]) / (wall / 1000);
    const heartbeatRps = perS('leaseRenewals') + perS('nodeStatusUpdates');
    const serverShare = (cpu1.cpuMs - cpu0.cpuMs) / wall;
    row(
      'steady heartbeat load',
      `${heartbeatRps.toFixed(1)} req/s`,
      `leases ${perS('leaseRenewals').toFixed(1)}/s, node status ${perS('nodeStatusUpdates').toFixed(2)}/s, ` +
        `pod status ${perS('podStatusUpdates').toFixed(2)}/s, skipped renewals ${after.leaseSkipped - before.leaseSkipped}`,
    );
    row(
      'server CPU in the steady state',
      `${(serverShare * 100).toFixed(1)} % of a core`,
      `sim process ${(((simCpu.user + simCpu.system) / 1000 / wall) * 100).toFixed(1)} % of a core`,
    );
    row('server RSS', `${mib(cpu1.rss)} MiB`, `peak ${mib(sampler.peakRss)} MiB`);
    row('sim process RSS', `${mib(process.memoryUsage().rss)} MiB`, `${sim.podCount()} pods held`);
    result.steady = {
      seconds: secs(wall),
      heartbeatRequestsPerSecond: +heartbeatRps.toFixed(1),
      leaseRenewalsPerSecond: +perS('leaseRenewals').toFixed(1),
      serverCpuShare: +serverShare.toFixed(3),
      simCpuShare: +((simCpu.user + simCpu.system) / 1000 / wall).toFixed(3),
      leaseFailures: after.leaseFailures - before.leaseFailures,
    };
    result.serverRssMiB = mib(cpu1.rss);
    result.serverPeakRssMiB = mib(sampler.peakRss);
    result.simRssMiB = mib(process.memoryUsage().rss);
    result.simStats = after;

    row(
      'reference: upstream scale envelope',
      '5,000 nodes / 150,000 pods',
      'SLO: pod startup p99 ≤ 5 s; LIST ≤ 30 s cluster-wide',
    );
    row(
      'reference: kwok',
      '1,000 nodes / 100,000 pods',
      '"reliably maintains"; creates 20 nodes or pods per second',
    );
    row('this run', `${NODES.toLocaleString('en')} nodes / ${PODS.toLocaleString('en')} pods`);
  } finally {
    sampler.stop = true;
    await sampling;
    await sim?.stop();
    admin.close();
    nodeClient.close();
    await server.stop();
  }

  const w = Math.max(...rows.map((r) => r.metric.length));
  const v = Math.max(...rows.map((r) => r.value.length));
  console.log(`${'metric'.padEnd(w)}  ${'value'.padEnd(v)}  note`);
  for (const r of rows) console.log(`${r.metric.padEnd(w)}  ${r.value.padEnd(v)}  ${r.note ?? ''}`);
  console.log(JSON.stringify(result, null, 2));
}

await main();
