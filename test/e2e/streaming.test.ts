/**
 * Logs, exec, attach and port-forward through the real kubectl against `cairn up` on containerd:
 * kubectl → API server (WebSocket v5 bridged to SPDY, SPDY proxied, the port-forward tunnel) →
 * the node's kubelet API (HTTPS, client certificate) → containerd's streaming server.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CairnUp, kubectlPath, startCairnUp } from './harness.js';

const isRoot = process.getuid?.() === 0;
const suffix = randomBytes(2).toString('hex');
const bridge = `cairn-st-${suffix}`;
const podCIDR = `10.247.${100 + (parseInt(suffix, 16) % 100)}.0/24`;

let up: CairnUp;

const pod = (name: string, command: string[], extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: {
    restartPolicy: 'Never',
    terminationGracePeriodSeconds: 0,
    containers: [{ name: 'main', image: 'localhost/busybox:latest', command, ...extra }],
  },
});

beforeAll(async () => {
  if (!isRoot) return;
  up = await startCairnUp({ nodeName: 'stream-node', podCIDR, bridge });
  await up.k(['apply', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        pod('done', ['sh', '-c', 'echo hello from done; sleep 0.5; echo to stderr >&2']),
        pod('ticker', ['sh', '-c', 'i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done']),
        pod('web', [
          'sh',
          '-c',
          'mkdir -p /www && echo served-by-httpd > /www/index.html && httpd -f -p 8080 -h /www',
        ]),
      ],
    }),
  });
  await up.k(['wait', '--for=condition=Ready', 'pod/ticker', 'pod/web', '--timeout=60s']);
  await up.k(['wait', '--for=jsonpath={.status.phase}=Succeeded', 'pod/done', '--timeout=60s']);
}, 180_000);

afterAll(async () => {
  if (isRoot && up) await up.stop();
}, 60_000);

describe.skipIf(!isRoot)('streaming through kubectl', () => {
  it('kubectl logs shows a completed pod’s output, with --tail and --timestamps', async () => {
    expect(await up.k(['logs', 'done'])).toBe('hello from done\nto stderr\n');
    expect(await up.k(['logs', 'done', '-c', 'main', '--tail', '1'])).toBe('to stderr\n');
    expect(await up.k(['logs', 'done', '--timestamps'])).toMatch(
      /^\d{4}-\d\d-\d\dT[\d:.]+Z hello from done\n/,
    );
    const prev = await up.kubectl(['logs', 'done', '--previous']);
    expect(prev.code).not.toBe(0);
    expect(prev.stderr).toMatch(/previous terminated container "main" in pod "done" not found/);
  });

  it('kubectl logs -f follows a running pod', async () => {
    const child = spawn(kubectlPath(), ['logs', '-f', 'ticker', '--tail', '1'], {
      env: { ...process.env, KUBECONFIG: up.kubeconfig },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const deadline = Date.now() + 10_000;
    while (out.split('\n').filter(Boolean).length < 4 && Date.now() < deadline) await sleep(100);
    child.kill();
    const ticks = out
      .split('\n')
      .filter(Boolean)
      .map((l) => Number(/^tick (\d+)$/.exec(l)?.[1]));
    expect(ticks.length).toBeGreaterThanOrEqual(4);
    for (let i = 1; i < ticks.length; i++) expect(ticks[i]).toBe((ticks[i - 1] ?? 0) + 1);
  });

  it('kubectl exec prints the output and propagates the exit code', async () => {
    expect(await up.k(['exec', 'ticker', '--', 'sh', '-c', 'echo $((6*7))'])).toBe('42\n');
    const failed = await up.kubectl(['exec', 'ticker', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(failed).toMatchObject({ code: 3, stdout: 'out\n' });
    expect(failed.stderr).toContain('err');
  });

  it('kubectl exec -i passes stdin and its end', async () => {
    const r = await up.kubectl(['exec', '-i', 'ticker', '--', 'cat'], {
      input: 'hi\nthere\n',
      timeoutMs: 15_000,
    });
    expect(r).toMatchObject({ code: 0, stdout: 'hi\nthere\n' });
  });

  it('kubectl port-forward reaches a pod’s port', async () => {
    const child = spawn(kubectlPath(), ['port-forward', 'pod/web', '0:8080'], {
      env: { ...process.env, KUBECONFIG: up.kubeconfig },
    });
    try {
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const deadline = Date.now() + 15_000;
      let port = '';
      while (!port && Date.now() < deadline) {
        port = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out)?.[1] ?? '';
        await sleep(100);
      }
      expect(port, out).not.toBe('');
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`http://127.0.0.1:${port}/`);
        expect(await res.text()).toBe('served-by-httpd\n');
      }
    } finally {
      child.kill();
    }
  });

  it('kubectl 1.27 exec (SPDY) works too', async () => {
    expect(await up.k(['exec', 'ticker', '--', 'sh', '-c', 'echo $((6*7))'], { version: '1.27' })).toBe(
      '42\n',
    );
    const failed = await up.kubectl(['exec', 'ticker', '--', 'sh', '-c', 'exit 3'], { version: '1.27' });
    expect(failed.code).toBe(3);
  });

  it('kubectl attach shows the output of the main process', async () => {
    const child = spawn(kubectlPath(), ['attach', 'ticker'], {
      env: { ...process.env, KUBECONFIG: up.kubeconfig },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const deadline = Date.now() + 10_000;
    while (!/tick \d+\n/.test(out) && Date.now() < deadline) await sleep(100);
    child.kill();
    expect(out).toMatch(/tick \d+\n/);
  });
});
