/**
 * Cluster DNS through `cairn up` and kubectl: a pod's /etc/resolv.conf points at the agent's DNS on
 * the bridge gateway with upstream's search list and ndots:5, and the seed's init container
 * (`until nslookup myservice.<ns>.svc.cluster.local`) stays in Init until the Service exists, then
 * completes — NXDOMAIN before, the ClusterIP after, resolved from inside a pod.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CairnUp, startCairnUp } from './harness.js';
import { hasPodLifecycle, isRoot } from './support/guards.js';
import { waiter } from './support/wait.js';

const suffix = randomBytes(2).toString('hex');
const bridge = `cairn-dns-${suffix}`;
const octet = 100 + (parseInt(suffix, 16) % 100);
const podCIDR = `10.247.${octet}.0/24`;
const gateway = `10.247.${octet}.1`;

let up: CairnUp;

beforeAll(async () => {
  if (!isRoot || !hasPodLifecycle) return;
  up = await startCairnUp({ nodeName: 'dns-node', podCIDR, bridge });
}, 120_000);

afterAll(async () => {
  await up?.stop();
}, 60_000);

const getPod = (name: string): Promise<Pod> => up.json<Pod>(['get', 'pod', name]);

const waitFor = waiter({ timeoutMs: 40_000 });

describe.skipIf(!isRoot || !hasPodLifecycle)('cluster DNS', () => {
  it("a ClusterFirst pod's resolv.conf names the node's DNS with the search list and ndots:5", async () => {
    await up.k(['apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'resolv' },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'cat',
              image: 'localhost/busybox:latest',
              command: ['sh', '-c', 'cat /etc/resolv.conf; exit 1'],
              terminationMessagePolicy: 'FallbackToLogsOnError',
            },
          ],
        },
      }),
    });
    const message = await waitFor('the container to exit', async () => {
      const state = (await getPod('resolv')).status?.containerStatuses?.[0]?.state;
      return state?.terminated ? (state.terminated.message ?? '') : undefined;
    });
    const lines = message.trim().split('\n');
    expect(lines).toContain(`nameserver ${gateway}`);
    expect(lines).toContainEqual(
      expect.stringMatching(/^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local\b/),
    );
    expect(lines).toContain('options ndots:5');
  }, 60_000);

  it('the seed init container waits in Init until `kubectl create service` makes the name resolve', async () => {
    await up.k(['apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'pod-example' },
        spec: {
          initContainers: [
            {
              name: 'init',
              image: 'localhost/busybox:latest',
              command: [
                'sh',
                '-c',
                'until nslookup myservice.$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace 2>/dev/null || echo default).svc.cluster.local; do sleep 1; done',
              ],
            },
          ],
          containers: [
            {
              name: 'app',
              image: 'localhost/busybox:latest',
              command: ['sh', '-c', 'echo Hello World; sleep 3600'],
            },
          ],
          terminationGracePeriodSeconds: 1,
        },
      }),
    });
    await waitFor('the init container to run', async () =>
      (await getPod('pod-example')).status?.initContainerStatuses?.[0]?.state?.running ? true : undefined,
    );
    await sleep(3000); // several nslookup rounds, all NXDOMAIN
    const waiting = await getPod('pod-example');
    expect(waiting.status?.initContainerStatuses?.[0]?.state?.running).toBeDefined();
    expect(waiting.status?.conditions?.find((c) => c.type === 'Initialized')?.status).toBe('False');
    expect(await up.k(['get', 'pod', 'pod-example'])).toMatch(/pod-example\s+0\/1\s+Init:0\/1/);

    await up.k(['create', 'service', 'clusterip', 'myservice', '--tcp=80:80']);
    const created = Date.now();
    const exitCode = await waitFor('the init container to complete', async () => {
      const state = (await getPod('pod-example')).status?.initContainerStatuses?.[0]?.state;
      return state?.terminated?.exitCode;
    });
    expect(exitCode).toBe(0);
    expect(Date.now() - created).toBeLessThan(20_000);
    await waitFor('the pod to be Initialized', async () =>
      (await getPod('pod-example')).status?.conditions?.find((c) => c.type === 'Initialized')?.status ===
      'True'
        ? true
        : undefined,
    );
    await up.k(['delete', 'pod', 'pod-example', '--wait=false']);
    await up.k(['delete', 'service', 'myservice']);
  }, 80_000);
});
