/**
 * API benchmark: create / get / list / watch against a started `cairn server` (HTTPS, bearer
 * token, SQLite store — what a user runs), next to the same operations on the raw SQLite store
 * in-process as the floor the API layer adds to. Prints a table and JSON.
 *
 *   npm run bench:api -- [--pods 10000] [--concurrency 32] [--watchers 10] [--updates 500]
 */
import { Agent, request } from 'node:https';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import YAML from 'yaml';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import { startCairn } from '../test/e2e/harness.js';

const { values } = parseArgs({
  options: {
    pods: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '32' },
    watchers: { type: 'string', default: '10' },
    updates: { type: 'string', default: '500' },
  },
});
const N = Number(values.pods);
const C = Number(values.concurrency);
const W = Number(values.watchers);
const U = Number(values.updates);

interface Row {
  operation: string;
  count: number;
  seconds: number;
  perSecond: number;
  p50ms: number;
  p90ms: number;
  p99ms: number;
}

const rows: Row[] = [];
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

function record(operation: string, latencies: number[], seconds: number): void {
  const s = [...latencies].sort((a, b) => a - b);
  rows.push({
    operation,
    count: latencies.length,
    seconds: +seconds.toFixed(3),
    perSecond: Math.round(latencies.length / seconds),
    p50ms: +pct(s, 50).toFixed(2),
    p90ms: +pct(s, 90).toFixed(2),
    p99ms: +pct(s, 99).toFixed(2),
  });
}

/** Runs `n` operations with `c` in flight, recording each one's latency. */
async function timed(
  operation: string,
  n: number,
  c: number,
  op: (i: number) => Promise<void>,
): Promise<void> {
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(c, n) }, async () => {
      while (next < n) {
        const i = next++;
        const s = performance.now();
        await op(i);
        lat.push(performance.now() - s);
      }
    }),
  );
  record(operation, lat, (performance.now() - t0) / 1000);
}

const podBody = (i: number) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `bench-${i}`, labels: { app: `app-${i % 10}`, bench: 'api' } },
    spec: { containers: [{ name: 'app', image: 'busybox:1.36', command: ['sleep', '3600'] }] },
  });

async function main(): Promise<void> {
  const server = await startCairn({ args: ['--log-level', 'error'] });
  try {
    const kc = YAML.parse(await readFile(server.kubeconfig, 'utf8')) as {
      clusters: { cluster: { 'certificate-authority-data': string } }[];
      users: { user: { token: string } }[];
    };
    const ca = Buffer.from(kc.clusters[0]?.cluster['certificate-authority-data'] ?? '', 'base64');
    const token = kc.users[0]?.user.token ?? '';
    const agent = new Agent({ keepAlive: true, maxSockets: C + W + 4, ca });
    const base = new URL(server.url);
    const call = (method: string, path: string, body?: string, contentType = 'application/json') =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          {
            agent,
            host: base.hostname,
            port: base.port,
            method,
            path,
            headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (d: Buffer) => chunks.push(d));
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
            );
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    const must = async (method: string, path: string, body?: string, ct?: string) => {
      const r = await call(method, path, body, ct);
      if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.body.slice(0, 200)}`);
      return r;
    };
    const pods = '/api/v1/namespaces/default/pods';

    await timed('API create pod', N, C, (i) => must('POST', pods, podBody(i)).then(() => {}));
    await timed('API get pod', N, C, (i) => must('GET', `${pods}/bench-${(i * 7919) % N}`).then(() => {}));
    await timed(`API list ${N} pods`, 5, 1, () => must('GET', pods).then(() => {}));
    await timed(`API list ${N} pods, pages of 500`, 3, 1, async () => {
      let cont = '';
      do {
        const r = await must('GET', `${pods}?limit=500${cont ? `&continue=${cont}` : ''}`);
        cont = (JSON.parse(r.body) as { metadata: { continue?: string } }).metadata.continue ?? '';
      } while (cont);
    });
    await timed('API list by label (1/10)', 10, 1, () =>
      must('GET', `${pods}?labelSelector=app%3Dapp-3`).then(() => {}),
    );

    // Watch fan-out: W watchers, U updates; latency = update sent → event received.
    const sentAt = new Map<string, number>();
    const watchLat: number[] = [];
    const watchReqs: ReturnType<typeof request>[] = [];
    let delivered = 0;
    const rv = (
      JSON.parse((await must('GET', `${pods}?limit=1`)).body) as { metadata: { resourceVersion: string } }
    ).metadata.resourceVersion;
    await Promise.all(
      Array.from(
        { length: W },
        () =>
          new Promise<void>((ready) => {
            const req = request(
              {
                agent,
                host: base.hostname,
                port: base.port,
                path: `${pods}?watch=1&resourceVersion=${rv}`,
                headers: { authorization: `Bearer ${token}` },
              },
              (res) => {
                ready();
                let buf = '';
                res.on('data', (d: Buffer) => {
                  buf += d.toString();
                  let i;
                  while ((i = buf.indexOf('\n')) >= 0) {
                    const line = buf.slice(0, i);
                    buf = buf.slice(i + 1);
                    const e = JSON.parse(line) as {
                      object: { metadata: { labels?: Record<string, string> } };
                    };
                    const t = sentAt.get(e.object.metadata.labels?.seq ?? '');
                    if (t !== undefined) {
                      watchLat.push(performance.now() - t);
                      delivered++;
                    }
                  }
                });
              },
            );
            req.end();
            watchReqs.push(req);
          }),
      ),
    );
    const t0 = performance.now();
    await timed(`API update pod (${W} watchers open)`, U, C, async (i) => {
      const seq = String(i);
      sentAt.set(seq, performance.now());
      await must(
        'PATCH',
        `${pods}/bench-${i % N}`,
        JSON.stringify({ metadata: { labels: { seq } } }),
        'application/merge-patch+json',
      );
    });
    const deadline = Date.now() + 30_000;
    while (delivered < U * W && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    record(`watch event delivery (${W} watchers)`, watchLat, (performance.now() - t0) / 1000);
    for (const r of watchReqs) r.destroy();
    agent.destroy();
  } finally {
    await server.stop();
  }

  // Floor: the same operations on the SQLite store itself, in-process.
  const dir = await mkdtemp(join(tmpdir(), 'cairn-bench-floor-'));
  const store = new SqliteStore({ path: join(dir, 'state.db') });
  try {
    await timed('floor: SQLite create', N, 1, (i) =>
      store.create(`/registry/core/pods/default/bench-${i}`, podBody(i)).then(() => {}),
    );
    await timed('floor: SQLite get', N, 1, (i) =>
      store.get(`/registry/core/pods/default/bench-${(i * 7919) % N}`).then(() => {}),
    );
    await timed(`floor: SQLite list ${N}`, 5, 1, () =>
      store.list('/registry/core/pods/default/').then(() => {}),
    );
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }

  const head = ['operation', 'count', 'seconds', 'per second', 'p50 ms', 'p90 ms', 'p99 ms'];
  const cells = rows.map((r) =>
    [r.operation, r.count, r.seconds, r.perSecond, r.p50ms, r.p90ms, r.p99ms].map(String),
  );
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]?.length ?? 0)));
  const line = (c: string[]) =>
    c.map((x, i) => (i === 0 ? x.padEnd(widths[i] ?? 0) : x.padStart(widths[i] ?? 0))).join('  ');
  console.log(line(head));
  for (const c of cells) console.log(line(c));
  console.log(JSON.stringify({ benchmark: 'api', pods: N, concurrency: C, watchers: W, updates: U, rows }));
}

await main();
