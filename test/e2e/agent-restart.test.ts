/**
 * Restarts under running pods, with `cairn server` and a separate `cairn agent` (root): the agent
 * stopped with SIGTERM and started again on the same data dir adopts its pods — same container
 * IDs, no restart, still Ready; the agent's containerd killed with SIGKILL is started again by
 * the agent, the pods keep running and keep their status, and new pods start; a pod deleted while
 * the agent is away is stopped when it returns; with the server down pods keep running and a pod
 * that finished meanwhile is reported once the server is back. Teardown deletes
 * the pods through the API, stops the agent, then kills by pid whatever still mentions its data
 * dir (containerd, shims), unmounts what is mounted under it and deletes the bridge.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive } from '../../src/kubelet/containerd/processes.js';
import { type CairnServer, nodeJoinFiles, run, startCairn } from './harness.js';
import { type AgentProcess, spawnAgent } from './support/agent-process.js';
import { cleanUpNodeDir } from './support/cleanup.js';
import { freePort } from './support/free-port.js';
import { isRoot } from './support/guards.js';
import { waiter } from './support/wait.js';

const suffix = randomBytes(2).toString('hex');
const bridge = `cairn-ar-${suffix}`;
const octet = 100 + (parseInt(suffix, 16) % 100);
const podCIDR = `10.245.${octet}.0/24`;
const nodeName = 'restart-node';

let server: CairnServer;
let serverDir = '';
let serverPort = 0;
let agentDir = '';
let agent: AgentProcess | undefined;
/** What the agent processes stopped so far wrote. */
let stoppedAgentsLog = '';
/** What every agent process of this file wrote, in order. */
const agentLog = () => stoppedAgentsLog + (agent?.log() ?? '');

const waitFor = waiter({ details: () => `--- agent ---\n${agentLog()}` });

/** Starts `cairn agent` on the agent data dir; resolves once its node is Ready. */
async function startAgent(): Promise<void> {
  const started = spawnAgent({
    server: server.url,
    ...nodeJoinFiles(server.dataDir),
    dataDir: agentDir,
    nodeName,
    podCIDR,
    bridge,
  });
  agent = started;
  await waitFor(
    'the node Ready',
    async () => {
      started.assertRunning();
      const r = await server.kubectl(['get', 'node', nodeName, '-o', 'jsonpath={.status.conditions}']);
      return r.code === 0 && /"type":"Ready","status":"True"|"status":"True","type":"Ready"/.test(r.stdout)
        ? true
        : undefined;
    },
    120_000,
  );
}

async function stopAgent(): Promise<void> {
  const stopping = agent;
  agent = undefined;
  if (!stopping) return;
  await stopping.stop();
  stoppedAgentsLog += stopping.log();
}

const getPod = (name: string): Promise<Pod> => server.json<Pod>(['get', 'pod', name]);
const ready = (p: Pod) => p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
/** What must not change across a restart: phase, readiness, container IDs, restart counts, IP. */
const fingerprint = (p: Pod) => ({
  phase: p.status?.phase,
  ready: ready(p),
  podIP: p.status?.podIP,
  startTime: p.status?.startTime,
  containers: (p.status?.containerStatuses ?? []).map((c) => ({
    name: c.name,
    id: c.containerID,
    restartCount: c.restartCount,
    startedAt: c.state?.running?.startedAt,
  })),
});
const containerdPid = async () =>
  Number((await readFile(join(agentDir, 'containerd', 'containerd.pid'), 'utf8')).trim());

beforeAll(async () => {
  if (!isRoot) return;
  // a fixed port and data dir, so that the server can be stopped and started again under the agent
  serverDir = await mkdtemp(join(tmpdir(), 'cairn-e2e-server-'));
  serverPort = await freePort();
  server = await startCairn({ dataDir: serverDir, args: ['--port', String(serverPort)] });
  agentDir = await mkdtemp(join(tmpdir(), 'cairn-e2e-agent-'));
  await startAgent();
  // a pod with two containers and a readiness probe, and one with an init container
  await server.k(['apply', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'steady' },
          spec: {
            terminationGracePeriodSeconds: 1,
            containers: [
              {
                name: 'app',
                image: 'localhost/busybox:latest',
                command: ['sh', '-c', 'touch /tmp/ready; exec sleep 3600'],
                readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1 },
              },
              { name: 'side', image: 'localhost/busybox:latest', command: ['sleep', '3600'] },
            ],
          },
        },
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'inited' },
          spec: {
            terminationGracePeriodSeconds: 1,
            initContainers: [{ name: 'init', image: 'localhost/busybox:latest', command: ['true'] }],
            containers: [{ name: 'app', image: 'localhost/busybox:latest', command: ['sleep', '3600'] }],
          },
        },
      ],
    }),
  });
}, 240_000);

afterAll(async () => {
  if (!isRoot) return;
  try {
    if (agent) {
      await server.kubectl(['delete', 'pods', '--all', '--grace-period=1', '--wait=true', '--timeout=60s']);
      await stopAgent();
    }
  } finally {
    await cleanUpNodeDir(agentDir, bridge);
    await rm(agentDir, { recursive: true, force: true });
    await server?.stop();
    await rm(serverDir, { recursive: true, force: true });
  }
}, 120_000);

describe.skipIf(!isRoot)('agent and containerd restarts under running pods', () => {
  const settled = async (name: string) =>
    waitFor(`pod ${name} Running and Ready`, async () => {
      const p = await getPod(name);
      return p.status?.phase === 'Running' && ready(p) ? p : undefined;
    });

  it('an agent stopped and started again on its data dir adopts its pods: same containers, no restart', async () => {
    const before = await Promise.all(['steady', 'inited'].map(settled));
    await stopAgent();
    // the containers kept running without the agent (its containerd stopped, the shims did not)
    await startAgent();
    // several syncs, probe periods and PLEG relists later, nothing moved
    await sleep(6000);
    const after = await Promise.all(['steady', 'inited'].map(getPod));
    expect(after.map(fingerprint)).toEqual(before.map(fingerprint));
    expect(after[1]?.status?.initContainerStatuses?.[0]).toMatchObject({
      restartCount: 0,
      state: { terminated: { exitCode: 0, reason: 'Completed' } },
    });
    expect(await server.k(['get', 'pod', 'steady', '--no-headers'])).toMatch(
      /^steady\s+2\/2\s+Running\s+0\s/,
    );
  }, 180_000);

  it("the agent's containerd killed with SIGKILL is started again; pods keep running and their status", async () => {
    const before = await Promise.all(['steady', 'inited'].map(settled));
    const pid = await containerdPid();
    expect(await isAlive(pid)).toBe(true);
    process.kill(pid, 'SIGKILL');
    const next = await waitFor('a new containerd', async () => {
      const p = await containerdPid().catch(() => 0);
      return p !== pid && p > 0 && (await isAlive(p)) ? p : undefined;
    });
    expect(next).not.toBe(pid);
    await sleep(5000);
    const after = await Promise.all(['steady', 'inited'].map(getPod));
    expect(after.map(fingerprint)).toEqual(before.map(fingerprint));
    // the runtime works again: a new pod starts and runs
    await server.k([
      'run',
      'fresh',
      '--image=localhost/busybox:latest',
      '--restart=Never',
      '--',
      'sleep',
      '3600',
    ]);
    const fresh = await settled('fresh');
    expect(fresh.status?.podIP).toMatch(new RegExp(`^10\\.245\\.${octet}\\.\\d+$`));
    expect(agentLog()).toMatch(/containerd died; started it again/);
  }, 180_000);

  it('a pod deleted while the agent is away is stopped when it returns, and one bound meanwhile starts', async () => {
    const inited = await settled('inited');
    const ids = (inited.status?.containerStatuses ?? []).map((c) =>
      (c.containerID ?? '').replace(/^containerd:\/\//, ''),
    );
    expect(ids.every(Boolean)).toBe(true);
    await stopAgent();
    await server.k(['delete', 'pod', 'inited', '--wait=false']);
    await server.k([
      'run',
      'meanwhile',
      '--image=localhost/busybox:latest',
      '--restart=Never',
      '--',
      'sleep',
      '3600',
    ]);
    // nobody runs the node's pods: the deleted one stays Terminating, the new one Pending
    await sleep(2000);
    expect(await server.k(['get', 'pod', 'inited', '--no-headers'])).toMatch(/\sTerminating\s/);
    expect((await getPod('meanwhile')).status?.phase ?? 'Pending').toBe('Pending');

    await startAgent();
    await waitFor('the deleted pod gone from the API', async () =>
      (await server.kubectl(['get', 'pod', 'inited'])).code !== 0 ? true : undefined,
    );
    const tasks = await run('ctr', [
      '--address',
      join(agentDir, 'containerd', 'containerd.sock'),
      '-n',
      'k8s.io',
      'tasks',
      'ls',
    ]);
    expect(tasks.code).toBe(0);
    const running = tasks.stdout.split('\n').filter((l) => /RUNNING/.test(l));
    for (const id of ids) expect(running.some((l) => l.startsWith(id))).toBe(false);
    await settled('meanwhile');
  }, 180_000);

  it('with the server down pods keep running, and what changed meanwhile is reported when it is back', async () => {
    const before = await settled('steady');
    await server.k([
      'run',
      'exits',
      '--image=localhost/busybox:latest',
      '--restart=Never',
      '--',
      'sh',
      '-c',
      'sleep 6; exit 3',
    ]);
    await settled('exits').catch(() => undefined); // Running (not Ready-gated: no probe)
    await server.stop();
    await sleep(9000); // `exits` ends while nobody can hear it
    server = await startCairn({ dataDir: serverDir, args: ['--port', String(serverPort)] });
    const exited = await waitFor('the exit reported after the server came back', async () => {
      const p = await getPod('exits').catch(() => undefined);
      return p?.status?.phase === 'Failed' ? p : undefined;
    });
    expect(exited.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 3,
      reason: 'Error',
    });
    expect(fingerprint(await getPod('steady'))).toEqual(fingerprint(before));
  }, 180_000);
});
