/**
 * Two hosts on one machine: network namespaces joined by veth pairs to a bridge the test makes
 * (the hosts' LAN), each running `cairn agent` with its own containerd, data dir and pod subnet
 * (allocated by the server from its cluster CIDR). A pod on host A reaches a pod on host B by its
 * pod IP (routes between the nodes' subnets) and through a ClusterIP Service backed by it.
 * Traffic stays between those namespaces and the test's bridge.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CairnServer, cairnBin, processesMentioning, repoRoot, run, startCairn } from './harness.js';

const isRoot = process.getuid?.() === 0;
const hasAgent = existsSync(join(repoRoot, 'dist/src/kubelet/agent.js'));
const suffix = randomBytes(2).toString('hex');
const octet = 100 + (parseInt(suffix, 16) % 100);
const lan = `cairnlan${suffix}`;
const lanNet = `10.253.${octet}`;
const gateway = `${lanNet}.1`;
const clusterCIDR = `10.${200 + (octet % 50)}.0.0/16`;
const image = 'localhost/busybox:latest';

interface Host {
  name: string;
  netns: string;
  address: string;
  dataDir: string;
  child?: ChildProcess;
  output: string;
}

const hosts: Host[] = ['a', 'b'].map((h, i) => ({
  name: `mh-${h}-${suffix}`,
  netns: `cairn-mh-${h}-${suffix}`,
  address: `${lanNet}.${i + 2}`,
  dataDir: '',
  output: '',
}));
let server: CairnServer;

async function sh(cmd: string, args: string[]): Promise<string> {
  const r = await run(cmd, args);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** The LAN: a bridge in the root namespace, one veth into each host's namespace. */
async function makeHosts(): Promise<void> {
  await sh('ip', ['link', 'add', lan, 'type', 'bridge']);
  await sh('ip', ['addr', 'add', `${gateway}/24`, 'dev', lan]);
  await sh('ip', ['link', 'set', lan, 'up']);
  for (const [i, h] of hosts.entries()) {
    const outside = `cmh${suffix}${i}`;
    await sh('ip', ['netns', 'add', h.netns]);
    await sh('ip', ['link', 'add', outside, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', h.netns]);
    await sh('ip', ['link', 'set', outside, 'master', lan, 'up']);
    const inNs = (args: string[]) => sh('ip', ['-n', h.netns, ...args]);
    await inNs(['addr', 'add', `${h.address}/24`, 'dev', 'eth0']);
    await inNs(['link', 'set', 'eth0', 'up']);
    await inNs(['link', 'set', 'lo', 'up']);
    await inNs(['route', 'add', 'default', 'via', gateway]);
  }
}

/** `cairn agent` in the host's network namespace only (nsenter keeps the mounts, cgroups included). */
async function startAgent(h: Host, token: string, caFile: string): Promise<void> {
  h.dataDir = await mkdtemp(join(tmpdir(), `cairn-${h.name}-`));
  const args = [
    `--net=/run/netns/${h.netns}`,
    process.execPath,
    cairnBin,
    'agent',
    '--server',
    server.url,
    '--token',
    token,
    '--ca-cert',
    caFile,
    '--node-name',
    h.name,
    '--data-dir',
    h.dataDir,
    '--cni-bridge',
    `cairn${suffix}`,
    '--log-level',
    'warn',
  ];
  const child = spawn('nsenter', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  h.child = child;
  child.stdout?.on('data', (d: Buffer) => (h.output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (h.output += d.toString()));
  const deadline = Date.now() + 120_000;
  while (!/joined/.test(h.output)) {
    if (child.exitCode !== null) throw new Error(`agent ${h.name} exited: ${h.output}`);
    if (Date.now() > deadline) throw new Error(`agent ${h.name} did not join: ${h.output}`);
    await sleep(200);
  }
}

async function stopHost(h: Host): Promise<void> {
  if (h.child && h.child.exitCode === null) {
    const exited = new Promise((r) => h.child?.once('exit', r));
    h.child.kill('SIGTERM');
    await Promise.race([exited, sleep(20_000)]);
  }
  if (!h.dataDir) return;
  for (const pid of await processesMentioning(h.dataDir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  const mounts = (await readFile('/proc/self/mounts', 'utf8'))
    .split('\n')
    .map((l) => l.split(' ')[1] ?? '')
    .filter((m) => m.startsWith(h.dataDir + '/'))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) await run('umount', ['-l', m]);
  await rm(h.dataDir, { recursive: true, force: true });
}

beforeAll(async () => {
  if (!isRoot || !hasAgent) return;
  await makeHosts();
  server = await startCairn({
    args: ['--bind-address', gateway, '--tls-san', gateway, '--cluster-cidr', clusterCIDR],
  });
  const token = (await readFile(join(server.dataDir, 'server', 'node-token'), 'utf8')).trim();
  const caFile = join(server.dataDir, 'server', 'tls', 'ca.crt');
  await Promise.all(hosts.map((h) => startAgent(h, token, caFile)));
}, 240_000);

afterAll(async () => {
  for (const h of hosts) await stopHost(h);
  await server?.stop();
  for (const h of hosts) await run('ip', ['netns', 'delete', h.netns]);
  await run('ip', ['link', 'delete', lan]);
}, 120_000);

const getJSON = async <T>(args: string[]): Promise<T> =>
  JSON.parse(await server.k([...args, '-o', 'json'])) as T;

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(300);
  }
}

const podOn = (name: string, node: string, command: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels },
  spec: {
    nodeName: node,
    restartPolicy: 'Never',
    terminationGracePeriodSeconds: 0,
    containers: [{ name: 'c', image, command: ['sh', '-c', command] }],
  },
});

/** Runs `nc` from a pod on `node` against ip:port; answers the last line of the reply. */
async function fetchFrom(name: string, node: string, ip: string, port: number): Promise<string> {
  const get = `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${ip} ${port} | tail -n 1 > /dev/termination-log`;
  await server.k(['apply', '-f', '-'], { input: JSON.stringify(podOn(name, node, get)) });
  const pod = await waitFor(`${name} to finish`, async () => {
    const p = await getJSON<Pod>(['get', 'pod', name]);
    return p.status?.containerStatuses?.[0]?.state?.terminated ? p : undefined;
  });
  return pod.status?.containerStatuses?.[0]?.state?.terminated?.message?.trim() ?? '';
}

describe.skipIf(!isRoot || !hasAgent)('two hosts (network namespaces)', () => {
  it('register with their own pod subnets from the cluster CIDR and their LAN addresses', async () => {
    const nodes = await Promise.all(hosts.map((h) => getJSON<Node>(['get', 'node', h.name])));
    const cidrs = nodes.map((n) => n.spec?.podCIDR);
    expect(new Set(cidrs).size).toBe(2);
    for (const c of cidrs)
      expect(c).toMatch(new RegExp(`^${clusterCIDR.split('.').slice(0, 2).join('\\.')}\\.\\d+\\.0/24$`));
    expect(nodes.map((n) => n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address)).toEqual(
      hosts.map((h) => h.address),
    );
    // each host routes the other's pod subnet through it
    const routesA = await sh('ip', ['-n', hosts[0]?.netns ?? '', 'route', 'show', 'proto', '98']);
    expect(routesA).toContain(`${cidrs[1]} via ${hosts[1]?.address}`);
  });

  it('a pod on host A reaches a pod on host B by pod IP and through its Service', async () => {
    const [a, b] = hosts as [Host, Host];
    const web = podOn(
      'web',
      b.name,
      'mkdir -p /www && echo from-b > /www/index.html && exec httpd -f -p 8080 -h /www',
      {
        app: 'mh-web',
      },
    );
    await server.k(['apply', '-f', '-'], { input: JSON.stringify(web) });
    await server.k(['create', 'service', 'clusterip', 'mh-web', '--tcp=80:8080']);
    await server.k(['set', 'selector', 'service', 'mh-web', 'app=mh-web']);
    const podIP = await waitFor('web running with an IP', async () => {
      const p = await getJSON<Pod>(['get', 'pod', 'web']);
      return p.status?.phase === 'Running' ? p.status.podIP : undefined;
    });
    const clusterIP = (
      await server.k(['get', 'service', 'mh-web', '-o', 'jsonpath={.spec.clusterIP}'])
    ).trim();
    await waitFor('the endpoint', async () =>
      (
        await server.k(['get', 'endpoints', 'mh-web', '-o', 'jsonpath={.subsets[0].addresses[0].ip}'])
      ).trim() === podIP
        ? true
        : undefined,
    );
    await sleep(1000); // the proxy's debounced sync on host A

    expect(await fetchFrom('by-pod-ip', a.name, podIP ?? '', 8080)).toBe('from-b');
    expect(await fetchFrom('by-cluster-ip', a.name, clusterIP, 80)).toBe('from-b');
  }, 180_000);
});
