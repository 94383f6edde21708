/**
 * `cairn up --self-hosted`: only the node agent starts, and runs the control plane as its static
 * pods (etcd, kube-apiserver, kube-scheduler, kube-controller-manager). kubectl lists them as
 * mirror pods in kube-system, a regular pod is scheduled and runs, and the scheduler's process
 * killed with SIGKILL is restarted by the agent (restartCount goes up) and schedules again.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import type { Pod, PodList } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CairnUp, processesMentioning, startCairnUp } from './harness.js';
import { isRoot } from './support/guards.js';
import { waiter } from './support/wait.js';

const hasEtcd = existsSync('/usr/bin/etcd');
const suffix = randomBytes(2).toString('hex');
const bridge = `cairn-sh-${suffix}`;
const podCIDR = `10.248.${100 + (parseInt(suffix, 16) % 100)}.0/24`;
const node = 'sh-node';
const components = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];

let up: CairnUp;

beforeAll(async () => {
  if (!isRoot || !hasEtcd) return;
  up = await startCairnUp({ nodeName: node, podCIDR, bridge, selfHosted: true });
}, 320_000);

afterAll(async () => {
  if (!isRoot || !hasEtcd) return;
  const dataDir = up?.dataDir;
  await up?.stop();
  if (dataDir) expect(await processesMentioning(dataDir)).toEqual([]);
}, 120_000);

const waitFor = waiter({ intervalMs: 500, ignoreErrors: true });

const systemPods = async (): Promise<Pod[]> =>
  (await up.json<PodList>(['get', 'pods', '-n', 'kube-system'])).items;
const running = (p: Pod | undefined) =>
  p?.status?.phase === 'Running' && p.status.containerStatuses?.every((c) => c.ready) ? p : undefined;

/** The pid of the process whose command line has all of `words` (and the data dir). */
async function pidOf(...words: string[]): Promise<number> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if ([up.dataDir, ...words].every((w) => argv.some((a) => a.includes(w)))) return Number(entry);
  }
  throw new Error(`no process with ${words.join(' ')}`);
}

async function runPodScheduled(name: string): Promise<Pod> {
  await up.k(['run', name, '--image=localhost/busybox:latest', '--restart=Never', '--', 'sleep', '3600']);
  return waitFor(`${name} Running`, async () => running(await up.json<Pod>(['get', 'pod', name])), 90_000);
}

describe.skipIf(!isRoot || !hasEtcd)('cairn up --self-hosted', () => {
  it('lists the four control-plane static pods as mirror pods Running in kube-system', async () => {
    const pods = await waitFor(
      'the four mirror pods Running',
      async () => {
        const all = await systemPods();
        const mine = components.map((c) => running(all.find((p) => p.metadata?.name === `${c}-${node}`)));
        return mine.every(Boolean) ? (mine as Pod[]) : undefined;
      },
      120_000,
    );
    for (const pod of pods) {
      expect(pod.metadata?.annotations?.['kubernetes.io/config.mirror']).toBeTruthy();
      expect(pod.metadata?.annotations?.['kubernetes.io/config.source']).toBe('file');
      expect(pod.spec?.hostNetwork).toBe(true);
      expect(pod.spec?.nodeName).toBe(node);
    }
    expect(up.output()).toMatch(/listening at https:\/\/127\.0\.0\.1:\d+/);
    const table = await up.k(['get', 'pods', '-n', 'kube-system']);
    for (const c of components) expect(table).toMatch(new RegExp(`${c}-${node}\\s+1/1\\s+Running`));
  }, 150_000);

  it('schedules and runs a regular pod', async () => {
    const pod = await runPodScheduled('first');
    expect(pod.spec?.nodeName).toBe(node);
    expect(pod.status?.podIP).toMatch(/^10\.248\./);
  }, 120_000);

  it('restarts the scheduler killed with SIGKILL, and scheduling still works', async () => {
    const name = `kube-scheduler-${node}`;
    const restarts = async () =>
      (await systemPods()).find((p) => p.metadata?.name === name)?.status?.containerStatuses?.[0]
        ?.restartCount ?? -1;
    expect(await restarts()).toBe(0);
    const pid = await pidOf('--roles', 'scheduler');
    process.kill(pid, 'SIGKILL');
    await waitFor(
      'the scheduler restarted',
      async () => ((await restarts()) >= 1 ? true : undefined),
      90_000,
    );
    const again = await pidOf('--roles', 'scheduler');
    expect(again).not.toBe(pid);
    // the new scheduler takes the Lease once the killed one's expires
    const pod = await runPodScheduled('second');
    expect(pod.spec?.nodeName).toBe(node);
  }, 200_000);
});
