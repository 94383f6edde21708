/**
 * Probes on real containers (root): a private containerd with its own bridge and subnet, driving
 * `createPodLifecycle` directly (support/private-lifecycle.ts), and the statuses it writes captured. Short periods keep the whole file well under a minute.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Container, Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/kubelet/container/runtime.js';
import { BUSYBOX_IMAGE } from '../../src/kubelet/images/index.js';
import type { PodLifecycle } from '../../src/kubelet/lifecycle.js';
import { type PrivateLifecycle, startPrivateLifecycle, until } from './support/private-lifecycle.js';

const isRoot = process.getuid?.() === 0;
const suffix = randomBytes(2).toString('hex');
const bridge = `cairn-pr-${suffix}`;
const subnet = `10.248.${parseInt(suffix, 16) % 200}.0/24`;

let node: PrivateLifecycle | undefined;
let rt: Runtime;
let lifecycle: PodLifecycle;
const abort = new AbortController();
const statuses = new Map<string, { at: number; status: PodStatus }[]>();
const events: string[] = [];
const createdUids: string[] = [];

const container = (name: string, command: string[], extra: Partial<Container> = {}): Container => ({
  name,
  image: BUSYBOX_IMAGE,
  imagePullPolicy: 'IfNotPresent',
  command,
  ...extra,
});

function makePod(name: string, containers: Container[]): Pod {
  const uid = randomUUID();
  createdUids.push(uid);
  return {
    metadata: { name, namespace: 'default', uid },
    spec: { containers, restartPolicy: 'Always', terminationGracePeriodSeconds: 1 },
    status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] },
  };
}

const history = (pod: Pod) => statuses.get(pod.metadata!.uid!) ?? [];
const latest = (pod: Pod) => history(pod).at(-1)?.status;
const cond = (s: PodStatus | undefined, type: string) => s?.conditions?.find((c) => c.type === type)?.status;

beforeAll(async () => {
  if (!isRoot) return;
  node = await startPrivateLifecycle({
    prefix: 'cairn-pr-',
    bridge,
    subnet,
    signal: abort.signal,
    lifecycle: {
      relistPeriodMs: 200,
      updatePodStatus: async (pod, status) => {
        const uid = pod.metadata!.uid!;
        statuses.set(uid, [
          ...(statuses.get(uid) ?? []),
          { at: Date.now(), status: structuredClone(status) },
        ]);
      },
      deletePod: async () => undefined,
      recordEvent: (pod, c, type, reason, message) =>
        events.push(`${pod.metadata?.name}/${c} ${type} ${reason}: ${message}`),
    },
  });
  ({ runtime: rt, lifecycle } = node);
}, 60_000);

afterAll(async () => {
  if (!isRoot) return;
  abort.abort();
  await node?.stop(createdUids);
});

describe.skipIf(!isRoot)('probes on containerd', () => {
  it.concurrent('httpGet readiness on httpd (named port): unready while down, then ready', async () => {
    const pod = makePod('httpd', [
      container('web', ['sh', '-c', 'sleep 1; echo ok > /tmp/index.html; exec httpd -f -p 8080 -h /tmp'], {
        ports: [{ name: 'http', containerPort: 8080 }],
        readinessProbe: { httpGet: { port: 'http', path: '/index.html' }, periodSeconds: 1 },
      }),
    ]);
    lifecycle.update(pod);
    const ready = await until('ready', () => latest(pod)?.containerStatuses?.[0]?.ready && latest(pod));
    expect(cond(ready, 'Ready')).toBe('True');
    expect(cond(ready, 'ContainersReady')).toBe('True');
    const running = history(pod).find((h) => h.status.containerStatuses?.[0]?.state?.running);
    expect(running?.status.containerStatuses?.[0]?.ready).toBe(false);
    lifecycle.remove(pod);
  });

  it.concurrent('exec readiness on a file: `rm /tmp/ready` turns ready and Ready False', async () => {
    const pod = makePod('ready-file', [
      container('main', ['sh', '-c', 'touch /tmp/ready; exec sleep 3600'], {
        readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1, failureThreshold: 1 },
      }),
    ]);
    lifecycle.update(pod);
    const s = await until('ready', () => latest(pod)?.containerStatuses?.[0]?.ready && latest(pod));
    const id = s.containerStatuses![0]!.containerID!.replace('containerd://', '');
    const res = await rt.execSync(id, ['rm', '/tmp/ready'], 5);
    expect(res.exit_code).toBe(0);
    const removedAt = Date.now();
    const unready = await until('unready', () => {
      const st = latest(pod);
      return st?.containerStatuses?.[0]?.ready === false && st;
    });
    expect(Date.now() - removedAt).toBeLessThan(5000);
    expect(cond(unready, 'Ready')).toBe('False');
    expect(unready.conditions?.find((c) => c.type === 'ContainersReady')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
    });
    expect(unready.containerStatuses?.[0]).toMatchObject({ restartCount: 0, started: true });
    expect(
      events.some((e) => e.startsWith('ready-file/main Warning Unhealthy: Readiness probe failed:')),
    ).toBe(true);
    lifecycle.remove(pod);
  });

  it.concurrent('tcpSocket liveness on a closed port restarts the container', async () => {
    const pod = makePod('liveness', [
      container('main', ['sleep', '3600'], {
        livenessProbe: {
          tcpSocket: { port: 9999 },
          periodSeconds: 1,
          failureThreshold: 2,
          terminationGracePeriodSeconds: 1,
        },
      }),
    ]);
    lifecycle.update(pod);
    const s = await until(
      'restart',
      () => {
        const st = latest(pod);
        return (st?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 && st;
      },
      20_000,
    );
    expect(s.containerStatuses?.[0]?.lastState?.terminated?.exitCode).toBe(137);
    expect(
      events.some((e) =>
        /^liveness\/main Warning Unhealthy: Liveness probe failed: dial tcp .*:9999/.test(e),
      ),
    ).toBe(true);
    lifecycle.remove(pod);
  });

  it.concurrent('a startup probe holds started and ready back until it succeeds', async () => {
    const pod = makePod('startup', [
      container('main', ['sh', '-c', 'sleep 3; touch /tmp/started; exec sleep 3600'], {
        startupProbe: {
          exec: { command: ['test', '-f', '/tmp/started'] },
          periodSeconds: 1,
          failureThreshold: 20,
        },
      }),
    ]);
    lifecycle.update(pod);
    const ready = await until('ready', () => latest(pod)?.containerStatuses?.[0]?.ready && latest(pod));
    expect(ready.containerStatuses?.[0]?.started).toBe(true);
    expect(cond(ready, 'Ready')).toBe('True');
    const firstRunning = history(pod).find((h) => h.status.containerStatuses?.[0]?.state?.running);
    expect(firstRunning?.status.containerStatuses?.[0]).toMatchObject({ started: false, ready: false });
    const readyAt = history(pod).find((h) => h.status.containerStatuses?.[0]?.ready)!.at;
    expect(readyAt - firstRunning!.at).toBeGreaterThanOrEqual(2000);
    expect(latest(pod)?.containerStatuses?.[0]?.restartCount).toBe(0);
    lifecycle.remove(pod);
  });
});
