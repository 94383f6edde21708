/**
 * Static pods without the API server: `cairn agent --pod-manifest-path` started while its server
 * is down runs its hostNetwork static pod at once (a busybox httpd answering on loopback), while
 * one on the pod network waits for the subnet the server allocates; when the server comes up the
 * agent joins it, that pod starts with an IP of the subnet and both mirror pods appear; when the
 * server goes away again the pods keep running, and so does the agent.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteRuntime } from '../../src/kubelet/cri/remote-runtime.js';
import { type CairnServer, nodeJoinFiles, startCairn } from './harness.js';
import { type AgentProcess, spawnAgent } from './support/agent-process.js';
import { cleanUpNodeDir } from './support/cleanup.js';
import { freePort } from './support/free-port.js';
import { isRoot } from './support/guards.js';
import { waiter } from './support/wait.js';

const suffix = randomBytes(2).toString('hex');
const bridge = `cairn-sd-${suffix}`;
const podCIDR = `10.246.${100 + (parseInt(suffix, 16) % 100)}.0/24`;
const node = 'sd-node';
const mirrorName = `web-${node}`;
const netPodName = `net-${node}`;

let serverDir = '';
let agentDir = '';
let manifests = '';
let apiPort = 0;
let httpPort = 0;
let server: CairnServer | undefined;
let agent: AgentProcess | undefined;
const agentLog = () => agent?.log() ?? '';

// the node's subnet is the server's to allocate: this run's own
const startServer = () =>
  startCairn({
    dataDir: serverDir,
    args: ['--port', String(apiPort), '--cluster-cidr', podCIDR, '--node-cidr-mask-size', '24'],
  });

const waitFor = waiter({
  ignoreErrors: true,
  intervalMs: 300,
  precondition: () => agent?.assertRunning(),
  details: () => `--- agent ---\n${agentLog()}`,
});

/** What the static pod's httpd answers on loopback (undefined: nothing answers). */
const httpGet = async (): Promise<string | undefined> => {
  const res = await fetch(`http://127.0.0.1:${httpPort}/index.html`, { signal: AbortSignal.timeout(2000) });
  return res.ok ? (await res.text()).trim() : undefined;
};

const manifest = () => `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  hostNetwork: true
  terminationGracePeriodSeconds: 1
  containers:
  - name: httpd
    image: localhost/busybox:latest
    command: ['sh', '-c', 'mkdir -p /srv && echo static-ok > /srv/index.html && exec httpd -f -p 127.0.0.1:${httpPort} -h /srv']
`;

const netManifest = `apiVersion: v1
kind: Pod
metadata:
  name: net
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: sleeper
    image: localhost/busybox:latest
    command: ['sleep', '3600']
`;

const sandboxesOf = async (name: string) => {
  const runtime = new RemoteRuntime({ socket: join(agentDir, 'containerd', 'containerd.sock') });
  try {
    return (await runtime.listPodSandbox()).filter((s) => s.metadata?.name === name);
  } finally {
    runtime.close();
  }
};

const getPod = (s: CairnServer, name: string): Promise<Pod | undefined> =>
  s.tryJson<Pod>(['get', 'pod', name]);

beforeAll(async () => {
  if (!isRoot) return;
  serverDir = await mkdtemp(join(tmpdir(), 'cairn-e2e-sd-server-'));
  agentDir = await mkdtemp(join(tmpdir(), 'cairn-e2e-sd-agent-'));
  manifests = await mkdtemp(join(tmpdir(), 'cairn-e2e-sd-manifests-'));
  apiPort = await freePort();
  httpPort = await freePort();
  // the server's data dir (token, CA) exists: a server that ran before and is down now
  const first = await startServer();
  await first.stop();
  await writeFile(join(manifests, 'web.yaml'), manifest());
  await writeFile(join(manifests, 'net.yaml'), netManifest);
  agent = spawnAgent({
    server: `https://127.0.0.1:${apiPort}`,
    ...nodeJoinFiles(serverDir),
    dataDir: agentDir,
    nodeName: node,
    bridge,
    args: ['--pod-manifest-path', manifests],
  });
}, 120_000);

afterAll(async () => {
  if (!isRoot) return;
  try {
    // the static pod goes with its manifest; then the agent
    await unlink(join(manifests, 'web.yaml')).catch(() => undefined);
    await unlink(join(manifests, 'net.yaml')).catch(() => undefined);
    const runtime = new RemoteRuntime({ socket: join(agentDir, 'containerd', 'containerd.sock') });
    try {
      await waitFor('no sandbox left', async () =>
        (await runtime.listPodSandbox()).length === 0 ? true : undefined,
      ).catch(() => undefined);
    } finally {
      runtime.close();
    }
    await agent?.stop();
  } finally {
    await cleanUpNodeDir(agentDir, bridge);
    await server?.stop();
    for (const dir of [agentDir, serverDir, manifests]) await rm(dir, { recursive: true, force: true });
  }
}, 120_000);

describe.skipIf(!isRoot)('static pods while the API server is down', () => {
  it('the hostNetwork static pod runs before the server is up; the agent keeps trying', async () => {
    expect(await waitFor('the static httpd answering', httpGet, 120_000)).toBe('static-ok');
    await waitFor('a join retry logged', async () =>
      /cannot join the API server/.test(agentLog()) ? true : undefined,
    );
    expect(agentLog()).not.toMatch(/joined/);
    expect(agent?.child.exitCode).toBeNull();
    // the pod on the pod network has no subnet yet: not even a sandbox
    expect(await sandboxesOf(netPodName)).toEqual([]);
  }, 150_000);

  it('once the server is up, the agent joins and the mirror pod appears, Running', async () => {
    server = await startServer();
    const s = server;
    const pod = await waitFor(
      'the mirror pod Running',
      async () => {
        const p = await getPod(s, mirrorName);
        return p?.status?.phase === 'Running' ? p : undefined;
      },
      90_000,
    );
    expect(pod.metadata?.annotations?.['kubernetes.io/config.mirror']).toBeTruthy();
    expect(pod.status?.containerStatuses?.[0]?.restartCount).toBe(0);
    expect(agentLog()).toMatch(/joined https:\/\/127\.0\.0\.1/);
    expect(await httpGet()).toBe('static-ok');
    // the subnet came with the join: the waiting pod starts on it
    const net = await waitFor('the pod-network static pod Running', async () => {
      const p = await getPod(s, netPodName);
      return p?.status?.phase === 'Running' && p.status.podIP ? p : undefined;
    });
    const prefix = podCIDR.split('.').slice(0, 3).join('.');
    expect(net.status?.podIP?.startsWith(`${prefix}.`)).toBe(true);
  }, 120_000);

  it('with the server stopped again, the pod keeps running and the agent with it', async () => {
    const runtime = new RemoteRuntime({ socket: join(agentDir, 'containerd', 'containerd.sock') });
    try {
      const containers = async () =>
        (await runtime.listContainers()).filter((c) => c.metadata?.name === 'httpd').map((c) => c.id);
      const before = await containers();
      expect(before).toHaveLength(1);
      await server?.stop();
      server = undefined;
      for (let i = 0; i < 10; i++) {
        expect(await httpGet()).toBe('static-ok');
        await sleep(1000);
      }
      expect(await containers()).toEqual(before);
      expect(agent?.child.exitCode).toBeNull();
    } finally {
      runtime.close();
    }
  }, 60_000);
});
