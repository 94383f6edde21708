/**
 * `kubectl debug` with ephemeral containers against `cairn up` on containerd: the
 * pods/ephemeralcontainers subresource (strategic merge patch from kubectl, 422 for what an
 * ephemeral container may not set), the agent starting the container in the running sandbox
 * in the target's PID namespace, and `status.ephemeralContainerStatuses`.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CairnUp, kubectlPath, startCairnUp } from './harness.js';

const isRoot = process.getuid?.() === 0;
const suffix = randomBytes(2).toString('hex');
const bridge = `cairn-dbg-${suffix}`;
const podCIDR = `10.249.${parseInt(suffix, 16) % 200}.0/24`;
const image = 'localhost/busybox:latest';

let up: CairnUp;

const pod = (name: string, command: string[], restartPolicy = 'Never') => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: {
    restartPolicy,
    terminationGracePeriodSeconds: 0,
    containers: [{ name: 'app', image, command }],
  },
});

/** Waits for ephemeral container `name` of `podName` to terminate; returns its logs. */
async function debugLogs(podName: string, name: string): Promise<string> {
  const path = `{.status.ephemeralContainerStatuses[?(@.name=="${name}")].state.terminated.reason}`;
  await up.k(['wait', `--for=jsonpath=${path}=Completed`, `pod/${podName}`, '--timeout=30s']);
  return up.k(['logs', podName, '-c', name]);
}

beforeAll(async () => {
  if (!isRoot) return;
  up = await startCairnUp({ nodeName: 'debug-node', podCIDR, bridge });
  await up.k(['apply', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [pod('app', ['sleep', '3600']), pod('crashy', ['sh', '-c', 'echo crashing; exit 1'], 'Always')],
    }),
  });
  await up.k(['wait', '--for=condition=Ready', 'pod/app', '--timeout=60s']);
}, 180_000);

afterAll(async () => {
  if (isRoot && up) await up.stop();
}, 60_000);

describe.skipIf(!isRoot)('kubectl debug', () => {
  it('serves the pod on pods/ephemeralcontainers', async () => {
    const got = JSON.parse(
      await up.k(['get', '--raw', '/api/v1/namespaces/default/pods/app/ephemeralcontainers']),
    );
    expect(got).toMatchObject({ kind: 'Pod', metadata: { name: 'app' } });
  });

  it('runs a debug container in the target’s process namespace', async () => {
    await up.k([
      'debug',
      'app',
      `--image=${image}`,
      '--target=app',
      '--attach=false',
      '-c',
      'dbg',
      '--',
      'sh',
      '-c',
      'ps; sleep 2',
    ]);
    const out = await debugLogs('app', 'dbg');
    expect(out).toMatch(/sleep 3600/);
    const p = JSON.parse(await up.k(['get', 'pod', 'app', '-o', 'json']));
    expect(p.spec.ephemeralContainers[0]).toMatchObject({ name: 'dbg', targetContainerName: 'app' });
    expect(p.status.ephemeralContainerStatuses[0]).toMatchObject({
      name: 'dbg',
      ready: false,
      restartCount: 0,
      state: { terminated: { exitCode: 0 } },
    });
    // not restarted, and the pod is as it was
    expect(p.status.phase).toBe('Running');
    expect(p.status.containerStatuses[0]).toMatchObject({ name: 'app', ready: true, restartCount: 0 });
  });

  it('kubectl debug -i attaches a shell to the debug container', async () => {
    const child = spawn(
      kubectlPath(),
      ['debug', '-i', 'app', `--image=${image}`, '--target=app', '-c', 'dbg-i', '--', 'sh'],
      { env: { ...process.env, KUBECONFIG: up.kubeconfig } },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      child.stdin.write('ps\n');
      const deadline = Date.now() + 20_000;
      while (!/sleep 3600/.test(out) && Date.now() < deadline) await sleep(100);
      expect(out).toMatch(/sleep 3600/);
      child.stdin.end('exit\n');
      expect(await Promise.race([exited, sleep(10_000).then(() => 'timeout')])).toBe(0);
    } finally {
      child.kill();
    }
  });

  it('debugs a container in CrashLoopBackOff', async () => {
    await up.k([
      'wait',
      '--for=jsonpath={.status.containerStatuses[0].state.waiting.reason}=CrashLoopBackOff',
      'pod/crashy',
      '--timeout=30s',
    ]);
    await up.k([
      'debug',
      'crashy',
      `--image=${image}`,
      '--target=app',
      '--attach=false',
      '-c',
      'dbg',
      '--',
      'sh',
      '-c',
      'ps; echo debug-ran',
    ]);
    const out = await debugLogs('crashy', 'dbg');
    expect(out).toMatch(/PID/);
    expect(out).toMatch(/debug-ran/);
  });

  it('refuses ports, duplicate names, changes and removals with 422', async () => {
    const patch = (body: unknown, type = 'strategic') =>
      up.kubectl([
        'patch',
        'pod',
        'app',
        '--subresource=ephemeralcontainers',
        `--type=${type}`,
        '-p',
        JSON.stringify(body),
      ]);
    const withPorts = await patch({
      spec: { ephemeralContainers: [{ name: 'bad', image, ports: [{ containerPort: 80 }] }] },
    });
    expect(withPorts.code).not.toBe(0);
    expect(withPorts.stderr).toMatch(
      /is invalid: .*spec\.ephemeralContainers\[0\]\.ports: Forbidden: cannot be set for an Ephemeral Container/,
    );
    const duplicate = await patch({ spec: { ephemeralContainers: [{ name: 'app', image }] } });
    expect(duplicate.stderr).toMatch(/Duplicate value: "app"/);
    const removed = await patch([{ op: 'remove', path: '/spec/ephemeralContainers/0' }], 'json');
    expect(removed.stderr).toMatch(/existing ephemeral containers "dbg" may not be removed/);
    const changed = await patch(
      [{ op: 'replace', path: '/spec/ephemeralContainers/0/image', value: 'other' }],
      'json',
    );
    expect(changed.stderr).toMatch(/existing ephemeral containers "dbg" may not be changed/);
    // nothing but spec.ephemeralContainers changes through the subresource
    const labels = await patch({ metadata: { labels: { x: 'y' } } }, 'merge');
    expect(labels.code).toBe(0);
    const p = JSON.parse(await up.k(['get', 'pod', 'app', '-o', 'json']));
    expect(p.metadata.labels?.x).toBeUndefined();
  });
});
