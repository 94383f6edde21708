/**
 * Volumes, env and /etc/hosts on real containers: `cairn up` on containerd, driven with kubectl.
 * Results come back as termination messages (each container writes /dev/termination-log and
 * exits), read with `kubectl get pod -o json`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerStatus, Pod } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CairnUp, repoRoot, startCairnUp } from './harness.js';

const isRoot = process.getuid?.() === 0;
const suffix = randomBytes(2).toString('hex');
const bridge = `cairn-vol-${suffix}`;
const podCIDR = `10.246.${100 + (parseInt(suffix, 16) % 100)}.0/24`;
const built = existsSync(join(repoRoot, 'dist/src/kubelet/volumemanager/index.js'));

let up: CairnUp;

beforeAll(async () => {
  if (!isRoot || !built) return;
  up = await startCairnUp({ nodeName: 'vol-node', podCIDR, bridge });
}, 120_000);

afterAll(async () => {
  if (up) await up.stop();
}, 60_000);

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const sh = (name: string, script: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: 'localhost/busybox:latest',
  imagePullPolicy: 'IfNotPresent',
  command: ['sh', '-c', script],
  ...extra,
});

const manifest = {
  apiVersion: 'v1',
  kind: 'List',
  items: [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cfg' },
      data: { color: 'blue', 'app.conf': 'x=1' },
    },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sec' }, stringData: { pw: 's3cret' } },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'vol-pod', labels: { app: 'vol' } },
      spec: {
        restartPolicy: 'Never',
        terminationGracePeriodSeconds: 1,
        hostAliases: [{ ip: '10.1.2.3', hostnames: ['alias.example'] }],
        volumes: [
          { name: 'shared', emptyDir: {} },
          { name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } },
          { name: 'cfg', configMap: { name: 'cfg' } },
          {
            name: 'info',
            downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] },
          },
        ],
        // the seed's example: an init container reads the namespace of its service account volume
        initContainers: [
          sh(
            'init-ns',
            `echo "$(cat ${SA_DIR}/namespace) token=$(test -s ${SA_DIR}/token && echo yes) ca=$(test -e ${SA_DIR}/ca.crt && echo yes)" > /dev/termination-log`,
          ),
        ],
        containers: [
          sh('writer', 'echo hello-from-writer > /shared/msg; sleep 600', {
            volumeMounts: [{ name: 'shared', mountPath: '/shared' }],
          }),
          sh(
            'reader',
            'for i in $(seq 100); do [ -s /shared/msg ] && break; sleep 0.1; done; cat /shared/msg > /dev/termination-log',
            { volumeMounts: [{ name: 'shared', mountPath: '/shared', readOnly: true }] },
          ),
          sh(
            'check',
            `{ ${[
              'echo "cm=$(cat /cfg/color) conf=$(cat /etc/app/app.conf) labels=$(cat /info/labels)"',
              'echo "env=$COLOR/$PW/$POD_NAME/$POD_NS/$MEM_MI"',
              'echo "hosts=$(grep -c vol-pod /etc/hosts)/$(grep -c alias.example /etc/hosts)"',
              `echo "mem=$(awk '$2 == "/mem" {print $3}' /proc/mounts) ro=$(touch /cfg/x 2>/dev/null && echo rw || echo ro)"`,
            ].join('; ')}; } > /dev/termination-log`,
            {
              resources: { limits: { memory: '64Mi' } },
              env: [
                { name: 'COLOR', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'color' } } },
                { name: 'PW', valueFrom: { secretKeyRef: { name: 'sec', key: 'pw' } } },
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'POD_NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                {
                  name: 'MEM_MI',
                  valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } },
                },
              ],
              volumeMounts: [
                { name: 'cfg', mountPath: '/cfg' },
                { name: 'cfg', mountPath: '/etc/app/app.conf', subPath: 'app.conf' },
                { name: 'info', mountPath: '/info' },
                { name: 'mem', mountPath: '/mem' },
              ],
            },
          ),
        ],
      },
    },
  ],
};

const message = (statuses: ContainerStatus[] | undefined, name: string) =>
  statuses?.find((s) => s.name === name)?.state?.terminated?.message?.trim();

describe.skipIf(!isRoot || !built)('volumes, env and /etc/hosts on containerd', () => {
  it('shares an emptyDir, projects configMap/downward API/service account files, resolves env', async () => {
    await up.k(['apply', '-f', '-'], { input: JSON.stringify(manifest) });
    const deadline = Date.now() + 60_000;
    let pod: Pod | undefined;
    for (;;) {
      pod = JSON.parse(await up.k(['get', 'pod', 'vol-pod', '-o', 'json'])) as Pod;
      const st = pod.status;
      if (
        message(st?.containerStatuses, 'check') !== undefined &&
        message(st?.containerStatuses, 'reader') !== undefined
      )
        break;
      if (Date.now() > deadline) throw new Error(`pod did not finish: ${JSON.stringify(st, null, 1)}`);
      await sleep(250);
    }
    const st = pod.status;
    expect(message(st?.initContainerStatuses, 'init-ns')).toBe('default token=yes ca=yes');
    expect(message(st?.containerStatuses, 'reader')).toBe('hello-from-writer');
    expect(message(st?.containerStatuses, 'check')?.split('\n')).toEqual([
      'cm=blue conf=x=1 labels=app="vol"',
      'env=blue/s3cret/vol-pod/default/64',
      'hosts=1/1',
      'mem=tmpfs ro=ro',
    ]);
    await up.k(['delete', 'pod', 'vol-pod', '--wait=true']);
  }, 90_000);
});
