import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { staticPodsOf } from '../kubelet/config/file.js';
import {
  choosePorts,
  previousPorts,
  SELF_HOSTED_COMPONENTS,
  selfHostedPods,
  writeSelfHostedManifests,
  type SelfHostedOptions,
} from './self-hosted.js';

const options: SelfHostedOptions = {
  dataDir: '/var/lib/cairn',
  nodeName: 'n1',
  installDir: '/opt/cairn',
  nodeBinary: '/usr/bin/node',
  etcdBinary: '/usr/bin/etcd',
  image: 'localhost/cairn-node:v20.0.0',
  bindAddress: '127.0.0.1',
  ports: { apiserver: 6443, etcdClient: 2379, etcdPeer: 2380 },
  clusterCIDR: '10.244.0.0/16',
  logLevel: 'info',
};

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cairn-self-hosted-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('selfHostedPods', () => {
  const pods = selfHostedPods(options);

  it('are valid static pods of kube-system, hostNetwork, on the cairn-node image', () => {
    for (const component of SELF_HOSTED_COMPONENTS) {
      const [pod] = staticPodsOf(JSON.stringify(pods[component]), `/m/${component}.yaml`, 'n1');
      expect(pod?.metadata?.name).toBe(`${component}-n1`);
      expect(pod?.metadata?.namespace).toBe('kube-system');
      expect(pod?.spec?.hostNetwork).toBe(true);
      expect(pod?.spec?.priorityClassName).toBeUndefined();
      expect(pod?.spec?.containers.map((c) => c.image)).toEqual([options.image]);
    }
  });

  it('runs etcd on loopback with its data under the data dir', () => {
    const etcd = pods.etcd.spec?.containers[0];
    expect(etcd?.command).toEqual(
      expect.arrayContaining([
        '/usr/bin/etcd',
        '--data-dir=/var/lib/cairn/etcd',
        '--listen-client-urls=http://127.0.0.1:2379',
        '--initial-cluster=n1=http://127.0.0.1:2380',
      ]),
    );
    expect(pods.etcd.spec?.volumes).toEqual([
      { name: 'etcd-data', hostPath: { path: '/var/lib/cairn/etcd', type: 'DirectoryOrCreate' } },
    ]);
  });

  it('runs each cairn role against that etcd, the install and data dir mounted at their paths', () => {
    const roles = {
      'kube-apiserver': 'apiserver',
      'kube-scheduler': 'scheduler',
      'kube-controller-manager': 'controller-manager',
    } as const;
    for (const [component, role] of Object.entries(roles)) {
      const pod = pods[component as keyof typeof roles];
      const c = pod.spec?.containers[0];
      expect(c?.command?.slice(0, 5)).toEqual([
        '/usr/bin/node',
        '/opt/cairn/bin/cairn.js',
        'server',
        '--roles',
        role,
      ]);
      expect(c?.command).toEqual(expect.arrayContaining(['--etcd-endpoints', 'http://127.0.0.1:2379']));
      expect(c?.volumeMounts).toEqual([
        { name: 'cairn-install', mountPath: '/opt/cairn', readOnly: true },
        { name: 'cairn-data', mountPath: '/var/lib/cairn' },
      ]);
    }
    expect(pods['kube-apiserver'].spec?.containers[0]?.command).toEqual(
      expect.arrayContaining(['--port', '6443', '--bind-address', '127.0.0.1']),
    );
    expect(pods['kube-controller-manager'].spec?.containers[0]?.command).toEqual(
      expect.arrayContaining(['--cluster-cidr', '10.244.0.0/16']),
    );
  });
});

describe('writeSelfHostedManifests', () => {
  it('writes one file per component and leaves unchanged ones alone', async () => {
    const pods = selfHostedPods(options);
    const first = await writeSelfHostedManifests(dir, pods);
    expect(first.map((f) => f.slice(dir.length + 1)).sort()).toEqual(
      SELF_HOSTED_COMPONENTS.map((c) => `${c}.yaml`).sort(),
    );
    const before = (await stat(join(dir, 'etcd.yaml'))).mtimeMs;
    expect(await writeSelfHostedManifests(dir, pods)).toEqual([]);
    expect((await stat(join(dir, 'etcd.yaml'))).mtimeMs).toBe(before);
    const moved = selfHostedPods({ ...options, ports: { ...options.ports, apiserver: 7443 } });
    expect(await writeSelfHostedManifests(dir, moved)).toEqual([join(dir, 'kube-apiserver.yaml')]);
    expect(await readFile(join(dir, 'kube-apiserver.yaml'), 'utf8')).toContain('"7443"');
  });
});

describe('choosePorts', () => {
  const free = (ports: number[]) => {
    let next = 40000;
    return {
      isFree: async (p: number) => ports.includes(p),
      free: async () => next++,
    };
  };

  it('takes the usual etcd ports when free and a free API port for --port 0', async () => {
    const f = free([2379, 2380]);
    expect(await choosePorts(dir, 0, f.isFree, f.free)).toEqual({
      apiserver: 40000,
      etcdClient: 2379,
      etcdPeer: 2380,
    });
  });

  it('takes free ports when the usual ones are taken, and a given API port as is', async () => {
    const f = free([]);
    expect(await choosePorts(dir, 6443, f.isFree, f.free)).toEqual({
      apiserver: 6443,
      etcdClient: 40000,
      etcdPeer: 40001,
    });
  });

  it('keeps the ports of the manifests already there', async () => {
    const ports = { apiserver: 35001, etcdClient: 35002, etcdPeer: 35003 };
    await writeSelfHostedManifests(dir, selfHostedPods({ ...options, ports }));
    expect(await previousPorts(dir)).toEqual(ports);
    const f = free([2379, 2380]);
    expect(await choosePorts(dir, 0, f.isFree, f.free)).toEqual(ports);
  });

  it('ignores a manifest it cannot read', async () => {
    await writeFile(join(dir, 'etcd.yaml'), 'not json');
    expect(await previousPorts(dir)).toEqual({});
  });
});
