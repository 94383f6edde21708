/**
 * Security contexts, host namespaces and resources on real containers through `cairn up` and
 * kubectl (root). Every pod prints what it sees and exits 1, so its output becomes the
 * termination message (`FallbackToLogsOnError`) that kubectl shows in the status: capabilities
 * and /dev of a privileged container and of an unprivileged one on the same node, added
 * capabilities (with and without `CAP_`), user/group/no_new_privs, a read-only root filesystem,
 * cgroup limits and the OOM score, an OOM kill (OOMKilled), hostNetwork/hostPID and a hostPort.
 */
import { randomBytes } from 'node:crypto';
import { totalmem } from 'node:os';
import { readdir, readFile, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Container, ContainerStatus, Pod } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CairnUp, startCairnUp } from './harness.js';
import { isRoot } from './support/guards.js';
import { waiter } from './support/wait.js';

const suffix = randomBytes(2).toString('hex');
const bridge = `cairn-sc-${suffix}`;
const octet = 100 + (parseInt(suffix, 16) % 100);
const podCIDR = `10.247.${octet}.0/24`;
const hostPort = 20_000 + (parseInt(suffix, 16) % 10_000);

let up: CairnUp;

/** A container that prints the output of `script` and exits 1 (its output is the termination message). */
const probe = (name: string, script: string, extra: Partial<Container> = {}): Container => ({
  name,
  image: 'localhost/busybox:latest',
  command: ['sh', '-c', `${script}; exit 1`],
  terminationMessagePolicy: 'FallbackToLogsOnError',
  ...extra,
});

const pod = (name: string, containers: Container[], spec: Partial<NonNullable<Pod['spec']>> = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { restartPolicy: 'Never', terminationGracePeriodSeconds: 1, containers, ...spec },
});

const CAPS = 'grep CapEff /proc/self/status; echo dev=$(ls /dev | wc -l)';
const MEM_REQUEST = 32 * 2 ** 20;

const pods: Pod[] = [
  // busybox runs as root: runAsNonRoot refuses to start it
  pod('nonroot', [probe('c', 'id -u', { securityContext: { runAsNonRoot: true } })]),
  pod('priv', [probe('c', CAPS, { securityContext: { privileged: true } })]),
  pod('unpriv', [probe('c', CAPS)]),
  pod('caps', [
    probe('plain', CAPS, { securityContext: { capabilities: { add: ['NET_ADMIN'] } } }),
    probe('prefixed', CAPS, { securityContext: { capabilities: { add: ['CAP_SYS_TIME'], drop: ['KILL'] } } }),
  ]),
  pod(
    'user',
    [
      probe('c', 'echo uid=$(id -u) gid=$(id -g) groups=$(id -G); grep NoNewPrivs /proc/self/status', {
        securityContext: { runAsUser: 1000, allowPrivilegeEscalation: false },
      }),
    ],
    { securityContext: { runAsUser: 5, runAsGroup: 3000, fsGroup: 2000, supplementalGroups: [4000] } },
  ),
  pod('rofs', [
    probe('c', 'touch /probe 2>&1', {
      securityContext: { readOnlyRootFilesystem: true },
    }),
  ]),
  pod('limits', [
    probe(
      'c',
      'cd /sys/fs/cgroup; echo mem=$(cat memory/memory.limit_in_bytes) quota=$(cat cpu/cpu.cfs_quota_us) ' +
        'period=$(cat cpu/cpu.cfs_period_us) shares=$(cat cpu/cpu.shares) oom=$(cat /proc/self/oom_score_adj)',
      { resources: { requests: { cpu: '250m', memory: '32Mi' }, limits: { cpu: '500m', memory: '64Mi' } } },
    ),
  ]),
  pod('oom', [
    {
      name: 'c',
      image: 'localhost/busybox:latest',
      command: ['sh', '-c', 'dd if=/dev/zero bs=1M count=200 | tail'],
      resources: { limits: { memory: '20Mi' } },
    },
  ]),
  pod(
    'hostns',
    [probe('c', 'echo links=$(ls /sys/class/net | tr "\\n" " "); echo pid1=$(cat /proc/1/comm)')],
    { hostNetwork: true, hostPID: true },
  ),
  pod('hostport', [
    {
      name: 'web',
      image: 'localhost/busybox:latest',
      command: [
        'sh',
        '-c',
        'mkdir /www && echo hello-from-hostport > /www/index.html && httpd -f -p 8080 -h /www',
      ],
      ports: [{ containerPort: 8080, hostPort }],
    },
  ]),
];

beforeAll(async () => {
  if (!isRoot) return;
  up = await startCairnUp({ nodeName: 'sc-node', podCIDR, bridge });
  await up.k(['wait', '--for=condition=Ready', 'node/sc-node', '--timeout=30s']);
  await up.k(['apply', '-f', '-'], { input: pods.map((p) => JSON.stringify(p)).join('\n') });
}, 120_000);

afterAll(async () => {
  if (!isRoot || !up) return;
  const list = await up.json<{ items: Pod[] }>(['get', 'pods']);
  const uids = list.items.map((p) => p.metadata?.uid ?? '').filter(Boolean);
  // deleted pods go through the agent's cleanup (sandboxes, logs, pod cgroups)
  await up.kubectl(['delete', 'pods', '--all', '--grace-period=1', '--wait=true'], { timeoutMs: 30_000 });
  await up.stop();
  // a pod cgroup a failed case left behind
  for (const h of await readdir('/sys/fs/cgroup').catch(() => [])) {
    for (const qos of ['', 'burstable/', 'besteffort/']) {
      for (const uid of uids)
        await rmdir(join('/sys/fs/cgroup', h, 'kubepods', `${qos}pod${uid}`)).catch(() => undefined);
    }
  }
}, 60_000);

const waitFor = waiter({ timeoutMs: 40_000 });

/** The container's terminated state once every container of the pod has terminated. */
async function terminated(
  podName: string,
  container = 'c',
): Promise<NonNullable<ContainerStatus['state']>['terminated']> {
  return waitFor(`${podName}/${container} to terminate`, async () => {
    const p = await up.json<Pod>(['get', 'pod', podName]);
    const statuses = p.status?.containerStatuses ?? [];
    if (statuses.length === 0 || !statuses.every((s) => s.state?.terminated)) return undefined;
    return statuses.find((s) => s.name === container)?.state?.terminated;
  });
}

const messageOf = async (podName: string, container = 'c'): Promise<string> =>
  (await terminated(podName, container))?.message ?? '';

const capEff = (message: string): bigint => BigInt(`0x${/CapEff:\s*([0-9a-f]+)/.exec(message)?.[1] ?? ''}`);
const devCount = (message: string): number => Number(/dev=(\d+)/.exec(message)?.[1] ?? NaN);
/** containerd's 14 default capabilities (CHOWN, DAC_OVERRIDE, FSETID, FOWNER, MKNOD, NET_RAW, …). */
const DEFAULT_CAPS = 0xa80425fbn;
const bit = (n: number): bigint => 1n << BigInt(n);

describe.skipIf(!isRoot)('security context on containerd', () => {
  it('privileged: every capability the node has and its devices; unprivileged on the same node: neither', async () => {
    const self = await readFile('/proc/self/status', 'utf8');
    const [priv, unpriv] = await Promise.all([messageOf('priv'), messageOf('unpriv')]);
    // all ones but CAP_SYS_RESOURCE, which this node does not have itself
    expect(capEff(priv)).toBe(capEff(self));
    expect(capEff(priv)).toBeGreaterThan(DEFAULT_CAPS);
    expect(devCount(priv)).toBeGreaterThan(50);
    expect(capEff(unpriv)).toBe(DEFAULT_CAPS);
    expect(devCount(unpriv)).toBeLessThan(20);
    const kubectlMessage = await up.k([
      'get',
      'pod',
      'unpriv',
      '-o',
      'jsonpath={.status.containerStatuses[0].state.terminated.message}',
    ]);
    expect(kubectlMessage).toMatch(/CapEff:\s*00000000a80425fb/);
  }, 60_000);

  it('capabilities add (NET_ADMIN, CAP_SYS_TIME) and drop (KILL)', async () => {
    expect(capEff(await messageOf('caps', 'plain'))).toBe(DEFAULT_CAPS | bit(12));
    expect(capEff(await messageOf('caps', 'prefixed'))).toBe((DEFAULT_CAPS | bit(25)) & ~bit(5));
  }, 60_000);

  it('runAsUser (container over pod), runAsGroup, fsGroup + supplementalGroups, no_new_privs', async () => {
    const message = await messageOf('user');
    expect(message).toMatch(/uid=1000 gid=3000 groups=3000 2000 4000/);
    expect(message).toMatch(/NoNewPrivs:\s*1/);
  }, 60_000);

  it('readOnlyRootFilesystem: writing / fails', async () => {
    const message = await messageOf('rofs');
    expect(message).toMatch(/Read-only file system/);
  }, 60_000);

  it('runAsNonRoot refuses an image that runs as root: CreateContainerConfigError', async () => {
    const waiting = await waitFor('nonroot to be refused', async () => {
      const out = await up.k([
        'get',
        'pod',
        'nonroot',
        '-o',
        'jsonpath={.status.containerStatuses[0].state.waiting.reason}|{.status.containerStatuses[0].state.waiting.message}',
      ]);
      return out.startsWith('CreateContainerConfigError') ? out : undefined;
    });
    expect(waiting).toContain('container has runAsNonRoot and image will run as root');
  }, 60_000);
});

describe.skipIf(!isRoot)('resources on containerd', () => {
  it('cpu and memory limits land in the container cgroup; Burstable OOM score', async () => {
    const message = await messageOf('limits');
    const score = 1000 - Math.floor((1000 * MEM_REQUEST) / totalmem());
    expect(message).toMatch(
      new RegExp(`mem=${64 * 2 ** 20} quota=50000 period=100000 shares=256 oom=${Math.min(score, 999)}`),
    );
  }, 60_000);

  it('a container above its memory limit ends OOMKilled', async () => {
    const state = await terminated('oom');
    expect(state).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
    const p = await up.json<Pod>(['get', 'pod', 'oom']);
    expect(p.status?.phase).toBe('Failed');
    expect(await up.k(['get', 'pod', 'oom'])).toMatch(/\noom\s+0\/1\s+OOMKilled\s+0\s+/);
  }, 60_000);
});

describe.skipIf(!isRoot)('host namespaces and ports on containerd', () => {
  it('hostNetwork sees the node interfaces, hostPID the node processes', async () => {
    const message = await messageOf('hostns');
    expect(message).toContain(bridge);
    expect(message).not.toMatch(/pid1=sh\b/);
    const p = await up.json<Pod>(['get', 'pod', 'hostns']);
    expect(p.status?.podIP).toBe(p.status?.hostIP);
  }, 60_000);

  it('hostPort forwards the node port to the container', async () => {
    const p = await waitFor('hostport to run', async () => {
      const got = await up.json<Pod>(['get', 'pod', 'hostport']);
      return got.status?.phase === 'Running' ? got : undefined;
    });
    const body = await waitFor('the hostPort to answer', async () => {
      try {
        const res = await fetch(`http://${p.status?.hostIP}:${hostPort}/`, {
          signal: AbortSignal.timeout(2000),
        });
        return await res.text();
      } catch {
        return undefined;
      }
    });
    expect(body).toContain('hello-from-hostport');
  }, 60_000);
});
