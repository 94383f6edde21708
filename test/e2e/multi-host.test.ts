/**
 * Two hosts on one machine: network namespaces joined by veth pairs to a bridge the test makes
 * (the hosts' LAN), each running `cairn agent` with its own containerd, data dir and pod subnet
 * (allocated by the server from its cluster CIDR). A pod on host A reaches a pod on host B by its
 * pod IP (routes between the nodes' subnets) and through a ClusterIP Service backed by it.
 * Traffic stays between those namespaces and the test's bridge.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CairnServer, nodeJoinFiles, run, startCairn } from './harness.js';
import { type AgentProcess, spawnAgent } from './support/agent-process.js';
import { cleanUpNodeDir } from './support/cleanup.js';
import { hasAgent, isRoot } from './support/guards.js';
import { waiter } from './support/wait.js';
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
  agent?: AgentProcess;
}

const hosts: Host[] = ['a', 'b'].map((h, i) => ({
  name: `mh-${h}-${suffix}`,
  netns: `cairn-mh-${h}-${suffix}`,
  address: `${lanNet}.${i + 2}`,
  dataDir: '',
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

const waitFor = waiter({ ignoreErrors: true, intervalMs: 300 });

/** `cairn agent` in the host's network namespace only (nsenter keeps the mounts, cgroups included). */
async function startAgent(h: Host, token: string, caCert: string): Promise<void> {
  h.dataDir = await mkdtemp(join(tmpdir(), `cairn-${h.name}-`));
  const agent = spawnAgent({
    server: server.url,
    token,
    caCert,
    nodeName: h.name,
    dataDir: h.dataDir,
    bridge: `cairn${suffix}`,
    netns: h.netns,
  });
  h.agent = agent;
  await waitFor(`agent ${h.name} to join`, async () => (/joined/.test(agent.log()) ? true : undefined), {
    timeoutMs: 120_000,
    intervalMs: 200,
    precondition: () => agent.assertRunning(),
    details: agent.log,
  });
}

async function stopHost(h: Host): Promise<void> {
  await h.agent?.stop('SIGTERM', 20_000);
  if (!h.dataDir) return;
  await cleanUpNodeDir(h.dataDir);
  await rm(h.dataDir, { recursive: true, force: true });
}

beforeAll(async () => {
  if (!isRoot || !hasAgent) return;
  await makeHosts();
  server = await startCairn({
    args: ['--bind-address', gateway, '--tls-san', gateway, '--cluster-cidr', clusterCIDR],
  });
  const { tokenFile, caCert } = nodeJoinFiles(server.dataDir);
  const token = (await readFile(tokenFile, 'utf8')).trim();
  await Promise.all(hosts.map((h) => startAgent(h, token, caCert)));
}, 240_000);

afterAll(async () => {
  for (const h of hosts) await stopHost(h);
  await server?.stop();
  for (const h of hosts) await run('ip', ['netns', 'delete', h.netns]);
  await run('ip', ['link', 'delete', lan]);
}, 120_000);

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
    const p = await server.json<Pod>(['get', 'pod', name]);
    return p.status?.containerStatuses?.[0]?.state?.terminated ? p : undefined;
  });
  return pod.status?.containerStatuses?.[0]?.state?.terminated?.message?.trim() ?? '';
}

describe.skipIf(!isRoot || !hasAgent)('two hosts (network namespaces)', () => {
  it('register with their own pod subnets from the cluster CIDR and their LAN addresses', async () => {
    const nodes = await Promise.all(hosts.map((h) => server.json<Node>(['get', 'node', h.name])));
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
      const p = await server.json<Pod>(['get', 'pod', 'web']);
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
