/**
 * ClusterIP traffic through `cairn up` and kubectl: two busybox httpd pods serving their own
 * hostname behind a Service (80 → 8080); client pods fetch it by DNS name and by ClusterIP and
 * reach both; a pod turned not-ready (exec readiness on a file) leaves the rotation; a backend
 * reaching itself through the Service (hairpin) is answered; a deleted Service's rules go; and
 * when the node stops, its iptables chains are gone.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainPrefix } from '../../src/proxy/index.js';
import { type CairnUp, run, startCairnUp } from './harness.js';
import { hasPodLifecycle, isRoot } from './support/guards.js';
import { waiter } from './support/wait.js';

const suffix = randomBytes(2).toString('hex');
const bridge = `cairn-sp-${suffix}`;
const octet = 100 + (parseInt(suffix, 16) % 100);
const podCIDR = `10.248.${octet}.0/24`;
const prefix = chainPrefix(bridge, 'cairn0');
const svcName = `web-${suffix}`;
const image = 'localhost/busybox:latest';

let up: CairnUp;

beforeAll(async () => {
  if (!isRoot || !hasPodLifecycle) return;
  up = await startCairnUp({ nodeName: 'proxy-node', podCIDR, bridge });
}, 120_000);

afterAll(async () => {
  await up?.stop();
}, 60_000);

const ourChains = async (): Promise<string[]> => {
  const saved = (await run('iptables-save', [])).stdout;
  return saved.split('\n').filter((l) => l.includes(`${prefix}-`));
};

const waitFor = waiter({ timeoutMs: 30_000 });

const apply = (obj: object) => up.k(['apply', '-f', '-'], { input: JSON.stringify(obj) });
const getPod = (name: string): Promise<Pod> => up.json<Pod>(['get', 'pod', name]);
const isReady = (pod: Pod) => pod.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';

const backend = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { app: svcName } },
  spec: {
    terminationGracePeriodSeconds: 0,
    containers: [
      {
        name: 'httpd',
        image,
        command: [
          'sh',
          '-c',
          'mkdir -p /www && hostname > /www/index.html && touch /tmp/ready && exec httpd -f -p 8080 -h /www',
        ],
        ports: [{ containerPort: 8080 }],
        readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1, failureThreshold: 1 },
      },
    ],
  },
});

const readyEndpoints = async (): Promise<number> => {
  const list = JSON.parse(
    await up.k(['get', 'endpointslices', '-l', `kubernetes.io/service-name=${svcName}`, '-o', 'json']),
  ) as { items: EndpointSlice[] };
  return list.items.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready !== false).length;
};

/**
 * An HTTP GET of `/` on port 80 with busybox `nc` (Debian's static busybox `wget` crashes in
 * glibc's static resolver code, even for an IP); a host name is looked up with busybox's own
 * resolver (`nslookup`, through cluster DNS).
 */
const get = (host: string): string => {
  const ip = /^[\d.]+$/.test(host)
    ? host
    : `$(nslookup ${host} | awk '/^Address/ { a = $NF } END { print a }')`;
  return `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${ip} 80`;
};

/** Runs a client pod that fetches `/` from `host` `times` times; answers the bodies (or `fail`) it got. */
async function fetchFromPod(name: string, host: string, times: number): Promise<string[]> {
  await apply({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 0,
      containers: [
        {
          name: 'client',
          image,
          command: [
            'sh',
            '-c',
            `for i in $(seq 1 ${times}); do out=$(${get(host)} | tail -n 1); echo "\${out:-fail}"; done > /dev/termination-log`,
          ],
        },
      ],
    },
  });
  // the termination message, not `kubectl logs`: a container done in milliseconds may not have its log flushed yet
  const message = await waitFor(
    `${name} to finish`,
    async () => (await getPod(name)).status?.containerStatuses?.[0]?.state?.terminated?.message,
    40_000,
  );
  await up.k(['delete', 'pod', name, '--wait=false']);
  return message.trim().split('\n');
}

describe.skipIf(!isRoot || !hasPodLifecycle)('service proxy (iptables)', () => {
  it('spreads ClusterIP traffic over ready pods, follows readiness, hairpins, and stops with the Service', async () => {
    await apply(backend('web-a'));
    await apply(backend('web-b'));
    await apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: svcName },
      spec: { selector: { app: svcName }, ports: [{ port: 80, targetPort: 8080 }] },
    });
    const clusterIP = (await up.json<Service>(['get', 'service', svcName])).spec?.clusterIP;
    expect(clusterIP).toMatch(/^10\.(9[6-9]|10[0-9]|11[01])\./);
    await waitFor('both backends ready', async () =>
      isReady(await getPod('web-a')) && isReady(await getPod('web-b')) ? true : undefined,
    );
    await waitFor(
      'both endpoints in the EndpointSlice',
      async () => (await readyEndpoints()) === 2 || undefined,
    );
    await sleep(500); // debounced sync
    expect(await ourChains()).toContainEqual(expect.stringContaining(`${prefix}-SVC-`));

    // by name (cluster DNS → ClusterIP → DNAT) and by ClusterIP: both backends answer
    const byName = await fetchFromPod('client-name', `${svcName}.default.svc.cluster.local`, 20);
    expect(new Set(byName)).toEqual(new Set(['web-a', 'web-b']));
    const byIP = await fetchFromPod('client-ip', `${clusterIP}`, 20);
    expect(new Set(byIP)).toEqual(new Set(['web-a', 'web-b']));

    // web-b not ready: out of the rotation
    await up.k(['exec', 'web-b', '--', 'rm', '/tmp/ready']);
    await waitFor('web-b not ready', async () => (isReady(await getPod('web-b')) ? undefined : true));
    await waitFor('one endpoint left', async () => (await readyEndpoints()) === 1 || undefined);
    await sleep(500); // debounced sync
    const oneLeft = await fetchFromPod('client-one', `${clusterIP}`, 12);
    expect(new Set(oneLeft)).toEqual(new Set(['web-a']));

    // hairpin: the remaining backend reaches itself through its Service
    const self = await up.k(['exec', 'web-a', '--', 'sh', '-c', `${get(clusterIP ?? '')} | tail -n 1`]);
    expect(self.trim()).toBe('web-a');

    // the Service goes: no rule mentions its ClusterIP any more. (No traffic is sent to it: without
    // a rule the packet would leave through the host's default route, off this machine.)
    await up.k(['delete', 'service', svcName]);
    await waitFor('the ClusterIP rules gone', async () =>
      (await ourChains()).join('\n').includes(clusterIP ?? '') ? undefined : true,
    );
    const natRules = (await run('iptables-save', ['-t', 'nat'])).stdout;
    expect(natRules).not.toContain(`${clusterIP}/32`);
  }, 90_000);

  it('removes its chains and jumps when the node stops with cleanup', async () => {
    await up.stop();
    expect(await ourChains()).toEqual([]);
  }, 60_000);
});
