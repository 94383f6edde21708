/**
 * The seed's example and a user's everyday kubectl verbs against a started `cairn server`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CairnServer, repoRoot, startCairn } from './harness.js';

let c: CairnServer;
beforeAll(async () => {
  c = await startCairn();
});
afterAll(async () => {
  await c?.stop();
});

const example = join(repoRoot, 'examples', 'pod-example.yaml');

describe('kubectl against cairn server', () => {
  it('refuses requests without a token', async () => {
    const r = await c.kubectl(['get', 'pods', '--token', 'wrong']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Unauthorized|provide credentials/);
  });

  it('lists the system namespaces and the default service account', async () => {
    const ns = await c.k(['get', 'namespaces', '-o', 'name']);
    expect(ns.split('\n')).toEqual(
      expect.arrayContaining([
        'namespace/default',
        'namespace/kube-system',
        'namespace/kube-public',
        'namespace/kube-node-lease',
      ]),
    );
    await expect
      .poll(async () => (await c.kubectl(['get', 'sa', 'default', '-n', 'kube-system'])).code)
      .toBe(0);
  });

  it('applies the seed example and reads it back in every output format', async () => {
    const applied = await c.k(['apply', '-f', example]);
    expect(applied.trim()).toBe('pod/pod-example created');

    const table = await c.k(['get', 'pods']);
    expect(table).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
    // Not scheduled yet: upstream prints the phase.
    expect(table).toMatch(/pod-example\s+0\/1\s+Pending\s+0\s+\d+s/);

    const wide = await c.k(['get', 'pod', 'pod-example', '-o', 'wide']);
    expect(wide).toMatch(/IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES/);

    const pod = JSON.parse(await c.k(['get', 'pod', 'pod-example', '-o', 'json'])) as {
      spec: {
        initContainers: { imagePullPolicy: string }[];
        containers: { imagePullPolicy: string }[];
        serviceAccountName: string;
      };
      metadata: { annotations: Record<string, string> };
    };
    expect(pod.spec.containers[0]?.imagePullPolicy).toBe('IfNotPresent');
    expect(pod.spec.initContainers[0]?.imagePullPolicy).toBe('IfNotPresent');
    expect(pod.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toContain(
      'pod-example',
    );

    const yaml = await c.k(['get', 'pod', 'pod-example', '-o', 'yaml']);
    expect(yaml).toContain('terminationMessagePath: /dev/termination-log');
    expect(yaml).toContain('phase: Pending');

    const described = await c.k(['describe', 'pod', 'pod-example']);
    expect(described).toMatch(/Name:\s+pod-example/);
    expect(described).toMatch(/Init Containers:\s+init-myservice:/);
    expect(described).toMatch(/Status:\s+Pending/);
  });

  it('applies an unchanged manifest as a no-op and a changed one as a patch', async () => {
    expect((await c.k(['apply', '-f', example])).trim()).toBe('pod/pod-example unchanged');
    const manifest = (await readFile(example, 'utf8')).replace('ubuntu:trusty', 'ubuntu:xenial');
    expect((await c.k(['apply', '-f', '-'], { input: manifest })).trim()).toBe('pod/pod-example configured');
    expect(await c.k(['get', 'pod', 'pod-example', '-o', 'jsonpath={.spec.containers[0].image}'])).toBe(
      'ubuntu:xenial',
    );
  });

  it('labels, annotates and patches', async () => {
    await c.k(['label', 'pod', 'pod-example', 'tier=backend']);
    await c.k(['annotate', 'pod', 'pod-example', 'team=storage']);
    expect(await c.k(['get', 'pods', '-l', 'tier=backend', '-o', 'name'])).toBe('pod/pod-example\n');
    expect(await c.k(['get', 'pods', '-l', 'tier!=backend', '-o', 'name'])).toBe('');
    await c.k(['label', 'pod', 'pod-example', 'tier-']);
    expect(await c.k(['get', 'pod', 'pod-example', '-o', 'jsonpath={.metadata.labels}'])).not.toContain(
      'tier',
    );
    // What `kubectl edit` sends: a strategic merge patch of the changed fields.
    await c.k(['patch', 'pod', 'pod-example', '-p', '{"spec":{"activeDeadlineSeconds":600}}']);
    await c.k([
      'patch',
      'pod',
      'pod-example',
      '--type',
      'json',
      '-p',
      '[{"op":"replace","path":"/metadata/annotations/team","value":"net"}]',
    ]);
    const got = JSON.parse(await c.k(['get', 'pod', 'pod-example', '-o', 'json'])) as {
      spec: { activeDeadlineSeconds: number };
      metadata: { annotations: Record<string, string> };
    };
    expect(got.spec.activeDeadlineSeconds).toBe(600);
    expect(got.metadata.annotations.team).toBe('net');
  });

  it('watches with get -w and sees the changes', async () => {
    const watcher = c.kubectl(['get', 'pods', '-w', '--output-watch-events', '--request-timeout', '6s'], {
      timeoutMs: 8000,
    });
    await new Promise((r) => setTimeout(r, 1500));
    await c.k(['run', 'watched', '--image', 'busybox:1.36', '--restart', 'Never']);
    await c.k(['label', 'pod', 'watched', 'seen=yes']);
    await c.k(['delete', 'pod', 'watched', '--wait=false']);
    const out = (await watcher).stdout;
    expect(out).toMatch(/ADDED\s+pod-example/);
    expect(out).toMatch(/ADDED\s+watched/);
    expect(out).toMatch(/MODIFIED\s+watched/);
    expect(out).toMatch(/DELETED\s+watched/);
  });

  it('explains pod fields from the OpenAPI schema', async () => {
    const out = await c.k(['explain', 'pod.spec.topologySpreadConstraints']);
    expect(out).toMatch(/KIND:\s+Pod/);
    expect(out).toContain('maxSkew');
    expect(out).toContain('whenUnsatisfiable');
    const containers = await c.k(['explain', 'pod.spec.containers']);
    expect(containers).toContain('livenessProbe');
  });

  it('refuses invalid pods with messages naming the fields', async () => {
    const bad = `apiVersion: v1
kind: Pod
metadata:
  name: bad
spec:
  topologySpreadConstraints:
  - maxSkew: 0
    topologyKey: zone
    whenUnsatisfiable: DoNotSchedule
    labelSelector: {matchLabels: {app: x}}
  containers:
  - name: app
    image: busybox
    livenessProbe:
      successThreshold: 2
      exec: {command: ["true"]}
      httpGet: {port: 80}
`;
    const r = await c.kubectl(['apply', '-f', '-'], { input: bad });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('The Pod "bad" is invalid');
    expect(r.stderr).toContain('spec.topologySpreadConstraints[0].maxSkew');
    expect(r.stderr).toContain('spec.containers[0].livenessProbe.successThreshold');
    expect(r.stderr).toMatch(/spec\.containers\[0\]\.livenessProbe\.(httpGet|exec)/);
    expect((await c.kubectl(['get', 'pod', 'bad'])).code).not.toBe(0);

    const typo = await c.kubectl(['apply', '-f', '-'], {
      input:
        'apiVersion: v1\nkind: Pod\nmetadata: {name: typo}\nspec:\n  containers:\n  - name: a\n    image: busybox\n    imagePullPolicyy: Always\n',
    });
    expect(typo.code).not.toBe(0);
    expect(typo.stderr).toContain('unknown field "spec.containers[0].imagePullPolicyy"');
  });

  it('deletes with --wait and waits for deletion', async () => {
    await c.k(['run', 'short', '--image', 'busybox:1.36', '--restart', 'Never']);
    const waiter = c.kubectl(['wait', '--for=delete', 'pod/short', '--timeout', '20s']);
    await new Promise((r) => setTimeout(r, 500));
    expect((await c.k(['delete', 'pod', 'short', '--wait'])).trim()).toBe('pod "short" deleted');
    const w = await waiter;
    expect(w.code).toBe(0);
    expect((await c.kubectl(['get', 'pod', 'short'])).stderr).toContain('pods "short" not found');
  });

  it('deleting a namespace deletes its content', async () => {
    await c.k(['create', 'namespace', 'scratch']);
    await c.k(['create', 'configmap', 'cfg', '-n', 'scratch', '--from-literal', 'a=b']);
    await c.k(['delete', 'namespace', 'scratch', '--timeout', '30s']);
    expect((await c.kubectl(['get', 'namespace', 'scratch'])).code).not.toBe(0);
    expect((await c.kubectl(['get', 'configmap', 'cfg', '-n', 'scratch'])).code).not.toBe(0);
  });

  it('cascades deletion through ownerReferences (background, foreground, orphan)', async () => {
    const dependentOf = async (owner: string, name: string) => {
      await c.k(['create', 'configmap', owner]);
      const uid = await c.k(['get', 'configmap', owner, '-o', 'jsonpath={.metadata.uid}']);
      const manifest = JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name,
          ownerReferences: [
            { apiVersion: 'v1', kind: 'ConfigMap', name: owner, uid, blockOwnerDeletion: true },
          ],
        },
      });
      await c.k(['apply', '-f', '-'], { input: manifest });
    };
    const exists = async (name: string) => (await c.kubectl(['get', 'configmap', name])).code === 0;

    await dependentOf('owner-bg', 'dep-bg');
    await c.k(['delete', 'configmap', 'owner-bg']);
    await expect.poll(() => exists('dep-bg'), { timeout: 15_000 }).toBe(false);

    await dependentOf('owner-fg', 'dep-fg');
    await c.k(['delete', 'configmap', 'owner-fg', '--cascade=foreground', '--timeout=20s']);
    expect(await exists('owner-fg')).toBe(false);
    expect(await exists('dep-fg')).toBe(false);

    await dependentOf('owner-or', 'dep-or');
    await c.k(['delete', 'configmap', 'owner-or', '--cascade=orphan', '--timeout=20s']);
    await expect.poll(() => exists('owner-or'), { timeout: 15_000 }).toBe(false);
    expect(await exists('dep-or')).toBe(true);
    expect(await c.k(['get', 'configmap', 'dep-or', '-o', 'jsonpath={.metadata.ownerReferences}'])).toBe('');
  });

  for (const version of ['1.27', '1.33']) {
    it(`works with kubectl ${version}`, async () => {
      const name = `v${version.replace('.', '-')}`;
      const r = await c.kubectl(['run', name, '--image', 'busybox:1.36', '--restart', 'Never'], { version });
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe(`pod/${name} created`);
      const out = await c.k(['get', 'pod', name], { version });
      expect(out).toMatch(new RegExp(`${name}\\s+0/1\\s+Pending`));
      const explain = await c.k(['explain', 'pod.spec.readinessGates'], { version });
      expect(explain).toContain('conditionType');
    });
  }
});
