/**
 * `cairn up --self-hosted` (kubeadm's pattern): the node agent alone, running the control plane as
 * its own static pods, from manifests written into its manifest dir:
 *
 *   etcd                      /usr/bin/etcd, data in <data-dir>/etcd, client URL on loopback
 *   kube-apiserver            cairn server --roles apiserver          ┐ the same etcd; the scheduler
 *   kube-scheduler            cairn server --roles scheduler          │ and the controllers take
 *   kube-controller-manager   cairn server --roles controller-manager ┘ their Leases as in HA mode
 *
 * All in kube-system, hostNetwork, on the locally built `localhost/cairn-node:<node version>`
 * image (node and etcd binaries); the Cairn install and the data dir come in by hostPath at their
 * own paths. The agent learns the node token and CA from the files the API server writes.
 */
import { createServer } from 'node:net';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Container, Pod, Volume, VolumeMount } from 'kubernetes-types/core/v1.js';

export const SELF_HOSTED_POD_CIDR = '10.244.0.0/24';
export const SELF_HOSTED_CLUSTER_CIDR = '10.244.0.0/16';
export const SELF_HOSTED_COMPONENTS = [
  'etcd',
  'kube-apiserver',
  'kube-scheduler',
  'kube-controller-manager',
] as const;
export type SelfHostedComponent = (typeof SELF_HOSTED_COMPONENTS)[number];

export interface SelfHostedPorts {
  apiserver: number;
  etcdClient: number;
  etcdPeer: number;
}

export interface SelfHostedOptions {
  dataDir: string;
  /** The etcd member name. */
  nodeName: string;
  /** The Cairn install: the directory holding bin/cairn.js and dist/. */
  installDir: string;
  /** The node binary, at the same path in the image. */
  nodeBinary: string;
  etcdBinary: string;
  image: string;
  bindAddress: string;
  ports: SelfHostedPorts;
  clusterCIDR: string;
  logLevel: string;
}

export const etcdEndpoint = (ports: SelfHostedPorts): string => `http://127.0.0.1:${ports.etcdClient}`;
const etcdPeerURL = (ports: SelfHostedPorts): string => `http://127.0.0.1:${ports.etcdPeer}`;

/** The four static pods of the self-hosted control plane, by component. */
export function selfHostedPods(o: SelfHostedOptions): Record<SelfHostedComponent, Pod> {
  const install: Volume = { name: 'cairn-install', hostPath: { path: o.installDir, type: 'Directory' } };
  const data: Volume = { name: 'cairn-data', hostPath: { path: o.dataDir, type: 'DirectoryOrCreate' } };
  const etcdData: Volume = {
    name: 'etcd-data',
    hostPath: { path: join(o.dataDir, 'etcd'), type: 'DirectoryOrCreate' },
  };
  const mount = (v: Volume, readOnly = false): VolumeMount => ({
    name: v.name,
    mountPath: v.hostPath?.path ?? '',
    ...(readOnly ? { readOnly } : {}),
  });
  const cairn = (roles: string, extra: string[]): Container => ({
    name: roles,
    image: o.image,
    imagePullPolicy: 'IfNotPresent',
    command: [
      o.nodeBinary,
      join(o.installDir, 'bin', 'cairn.js'),
      'server',
      '--roles',
      roles,
      '--data-dir',
      o.dataDir,
      '--etcd-endpoints',
      etcdEndpoint(o.ports),
      '--etcd-wait',
      '60s',
      '--log-level',
      o.logLevel,
      ...extra,
    ],
    volumeMounts: [mount(install, true), mount(data)],
  });
  return {
    etcd: staticPod('etcd', [etcdData], {
      name: 'etcd',
      image: o.image,
      imagePullPolicy: 'IfNotPresent',
      command: [
        o.etcdBinary,
        `--name=${o.nodeName}`,
        `--data-dir=${join(o.dataDir, 'etcd')}`,
        `--listen-client-urls=${etcdEndpoint(o.ports)}`,
        `--advertise-client-urls=${etcdEndpoint(o.ports)}`,
        `--listen-peer-urls=${etcdPeerURL(o.ports)}`,
        `--initial-advertise-peer-urls=${etcdPeerURL(o.ports)}`,
        `--initial-cluster=${o.nodeName}=${etcdPeerURL(o.ports)}`,
        '--initial-cluster-state=new',
        '--logger=zap',
        '--log-level=warn',
      ],
      volumeMounts: [mount(etcdData)],
    }),
    'kube-apiserver': staticPod(
      'kube-apiserver',
      [install, data],
      cairn('apiserver', ['--port', String(o.ports.apiserver), '--bind-address', o.bindAddress]),
    ),
    'kube-scheduler': staticPod('kube-scheduler', [install, data], cairn('scheduler', [])),
    'kube-controller-manager': staticPod(
      'kube-controller-manager',
      [install, data],
      cairn('controller-manager', ['--cluster-cidr', o.clusterCIDR]),
    ),
  };
}

function staticPod(component: SelfHostedComponent, volumes: Volume[], container: Container): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: component,
      namespace: 'kube-system',
      labels: { component, tier: 'control-plane' },
    },
    spec: {
      hostNetwork: true,
      terminationGracePeriodSeconds: 10,
      containers: [container],
      volumes,
    },
  };
}

const manifestFile = (dir: string, component: SelfHostedComponent) => join(dir, `${component}.yaml`);

/**
 * Writes the manifests (JSON, which is YAML) into the manifest dir; a file already holding the same
 * content is left alone, so a restart of `cairn up --self-hosted` restarts no control-plane pod.
 */
export async function writeSelfHostedManifests(
  dir: string,
  pods: Record<SelfHostedComponent, Pod>,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const component of SELF_HOSTED_COMPONENTS) {
    const file = manifestFile(dir, component);
    const text = `${JSON.stringify(pods[component], null, 2)}\n`;
    if ((await readFile(file, 'utf8').catch(() => '')) === text) continue;
    await writeFile(file, text, { mode: 0o600 });
    written.push(file);
  }
  return written;
}

/** The ports of an earlier `cairn up --self-hosted` on this manifest dir, from its manifests. */
export async function previousPorts(dir: string): Promise<Partial<SelfHostedPorts>> {
  const read = async (component: SelfHostedComponent) => {
    try {
      const pod = JSON.parse(await readFile(manifestFile(dir, component), 'utf8')) as Pod;
      return pod.spec?.containers[0]?.command ?? [];
    } catch {
      return [];
    }
  };
  const apiArgs = await read('kube-apiserver');
  const etcdArgs = (await read('etcd')).join(' ');
  const port = (s: string | undefined) => (s && /^\d+$/.test(s) ? Number(s) : undefined);
  const found: Partial<SelfHostedPorts> = {};
  const api = port(apiArgs[apiArgs.indexOf('--port') + 1]);
  const client = port(/--listen-client-urls=http:\/\/127\.0\.0\.1:(\d+)/.exec(etcdArgs)?.[1]);
  const peer = port(/--listen-peer-urls=http:\/\/127\.0\.0\.1:(\d+)/.exec(etcdArgs)?.[1]);
  if (apiArgs.includes('--port') && api) found.apiserver = api;
  if (client) found.etcdClient = client;
  if (peer) found.etcdPeer = peer;
  return found;
}

/** Whether nothing listens on that loopback port now. */
export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** A loopback port that was free a moment ago. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The control plane's ports: an earlier run's (its pods may still be running), else the asked-for
 * API port (0: a free one) and etcd's usual 2379/2380 when free, else free ones.
 */
export async function choosePorts(
  dir: string,
  apiPort: number,
  isFree: (port: number) => Promise<boolean> = portIsFree,
  free: () => Promise<number> = freePort,
): Promise<SelfHostedPorts> {
  const before = await previousPorts(dir);
  const pick = async (previous: number | undefined, preferred: number) =>
    previous ?? (preferred > 0 && (await isFree(preferred)) ? preferred : await free());
  return {
    apiserver: apiPort > 0 ? apiPort : (before.apiserver ?? (await free())),
    etcdClient: await pick(before.etcdClient, 2379),
    etcdPeer: await pick(before.etcdPeer, 2380),
  };
}
