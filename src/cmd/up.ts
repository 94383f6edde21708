/**
 * `cairn up`: a one-machine cluster in one process — the control plane, then an agent joined to
 * it with the node token — after checking the host has what the agent runs (containerd, runc, CNI
 * plugins, iptables, busybox, catatonit). As root, missing Debian packages are installed with
 * scripts/install-deps.sh (its apt output shown as it goes); otherwise it says what is missing.
 *
 * `cairn up --self-hosted` starts only the agent, which runs the control plane as its static pods
 * (self-hosted.ts).
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startControlPlane, type ControlPlane } from '../controlplane/control-plane.js';
import { defaultNodeName, startAgent } from '../kubelet/agent.js';
import { cairnNodeImage, cairnNodeImageName } from '../kubelet/images/index.js';
import { newLogger, type Logger } from '../util/log.js';
import { dnsOptions, mirrorOptions, stopOnSignals } from './agent.js';
import {
  choosePorts,
  SELF_HOSTED_CLUSTER_CIDR,
  SELF_HOSTED_POD_CIDR,
  selfHostedPods,
  writeSelfHostedManifests,
} from './self-hosted.js';

export interface UpFlags {
  dataDir: string;
  port: number;
  bindAddress: string;
  writeKubeconfig?: string;
  nodeName?: string;
  containerdSocket?: string;
  podCidr?: string;
  cniBridge: string;
  clusterDns?: string;
  clusterDomain: string;
  busyboxAs?: string[];
  /** `HOST=URL` values of the repeatable `--registry-mirror`. */
  registryMirror?: string[];
  /** default: <data-dir>/manifests */
  podManifestPath?: string;
  cleanupOnExit: boolean;
  /** Run the control plane as the agent's static pods. */
  selfHosted?: boolean;
  installDeps: boolean;
  logLevel: string;
}

/** What the agent needs on the host, by the Debian package that provides it. */
export const hostDependencies: Array<{ path: string | string[]; debianPackage: string }> = [
  { path: '/usr/bin/containerd', debianPackage: 'containerd' },
  { path: '/usr/bin/ctr', debianPackage: 'containerd' },
  { path: ['/usr/sbin/runc', '/usr/bin/runc'], debianPackage: 'runc' },
  { path: '/usr/lib/cni/bridge', debianPackage: 'containernetworking-plugins' },
  { path: '/usr/lib/cni/host-local', debianPackage: 'containernetworking-plugins' },
  { path: '/usr/lib/cni/portmap', debianPackage: 'containernetworking-plugins' },
  { path: ['/usr/sbin/iptables', '/sbin/iptables'], debianPackage: 'iptables' },
  { path: '/bin/busybox', debianPackage: 'busybox-static' },
  { path: '/usr/bin/catatonit', debianPackage: 'catatonit' },
];

/** What `cairn up --self-hosted` needs besides: etcd for the static etcd pod. */
export const selfHostedDependencies: Array<{ path: string | string[]; debianPackage: string }> = [
  { path: '/usr/bin/etcd', debianPackage: 'etcd-server' },
];

const executable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The Debian packages whose binaries are missing. */
export function missingPackages(deps = hostDependencies, exists = executable): string[] {
  const missing = deps.filter((d) => !(Array.isArray(d.path) ? d.path : [d.path]).some(exists));
  return [...new Set(missing.map((d) => d.debianPackage))];
}

/** scripts/install-deps.sh of this install (from dist/src/cmd or src/cmd). */
function installScript(): string | undefined {
  return ['../../../scripts/install-deps.sh', '../../scripts/install-deps.sh']
    .map((rel) => fileURLToPath(new URL(rel, import.meta.url)))
    .find((p) => existsSync(p));
}

async function ensureHostDependencies(install: boolean, deps = hostDependencies): Promise<void> {
  const missing = missingPackages(deps);
  if (missing.length === 0) return;
  const script = installScript();
  const root = process.getuid?.() === 0;
  if (!root || !install || !script) {
    const how = script ? `sudo bash ${script}` : `sudo apt-get install ${missing.join(' ')}`;
    throw new Error(
      `cairn up needs Debian packages that are not installed: ${missing.join(', ')}.\n` +
        `Install them with:  ${how}\n` +
        (root ? '' : 'cairn up must also run as root (it runs containerd and sets up pod networking).\n'),
    );
  }
  process.stderr.write(`cairn up: installing ${missing.join(', ')} with ${script}\n`);
  const code = await new Promise<number>((resolve) => {
    const child = spawn('bash', [script], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('exit', (c) => resolve(c ?? 1));
    child.once('error', () => resolve(1));
  });
  const still = missingPackages(deps);
  if (code !== 0 || still.length > 0) {
    throw new Error(
      `installing ${missing.join(', ')} failed (exit ${code}); still missing: ${still.join(', ')}`,
    );
  }
}

export async function runUp(flags: UpFlags): Promise<void> {
  const logger = newLogger(flags.logLevel);
  const mirrors = mirrorOptions(flags); // a malformed flag fails before anything starts
  if (!flags.containerdSocket)
    await ensureHostDependencies(
      flags.installDeps,
      flags.selfHosted ? [...hostDependencies, ...selfHostedDependencies] : hostDependencies,
    );
  if (process.getuid?.() !== 0 && !flags.containerdSocket) {
    throw new Error('cairn up must run as root: it starts containerd and sets up the pod network (try sudo)');
  }
  if (flags.selfHosted) return runSelfHosted(flags, logger);
  const cp: ControlPlane = await startControlPlane({
    dataDir: flags.dataDir,
    logger,
    port: flags.port,
    bindAddress: flags.bindAddress,
    ...(flags.writeKubeconfig ? { writeKubeconfig: flags.writeKubeconfig } : {}),
  });
  let agent;
  try {
    agent = await startAgent({
      server: cp.url,
      token: cp.nodeToken,
      ...(cp.caCert ? { caCert: cp.caCert } : {}),
      ...(flags.nodeName ? { nodeName: flags.nodeName } : {}),
      ...(flags.containerdSocket ? { containerdSocket: flags.containerdSocket } : {}),
      dataDir: flags.dataDir,
      ...(flags.podCidr ? { podCIDR: flags.podCidr } : {}),
      bridge: flags.cniBridge,
      ...dnsOptions(flags),
      ...(flags.busyboxAs?.length ? { busyboxAs: flags.busyboxAs } : {}),
      ...mirrors,
      podManifestPath: flags.podManifestPath ?? join(flags.dataDir, 'manifests'),
      cleanupOnStop: flags.cleanupOnExit,
      logger,
    });
  } catch (err) {
    await cp.stop();
    throw err;
  }
  const joined = await agent.connected.catch(async (err: unknown) => {
    await agent.stop();
    await cp.stop();
    throw err;
  });
  const kubeconfig = flags.writeKubeconfig ?? cp.kubeconfigPath;
  process.stdout.write(
    `Cairn API server listening at ${cp.url}\n` +
      `node ${agent.nodeName} is registered (pod CIDR ${joined.podCIDR})\n` +
      `kubeconfig: ${kubeconfig}\n` +
      `  export KUBECONFIG=${kubeconfig}; kubectl get nodes\n`,
  );
  stopOnSignals(logger, async () => {
    await agent.stop();
    await cp.stop();
  });
}

/** This install's root: the folder holding bin/cairn.js (from dist/src/cmd or src/cmd). */
function installDir(): string {
  const root = ['../../..', '../..']
    .map((rel) => fileURLToPath(new URL(rel, import.meta.url)))
    .find((p) => existsSync(join(p, 'bin', 'cairn.js')));
  if (!root) throw new Error('cannot find the Cairn install (bin/cairn.js) to mount into the control plane');
  return root.replace(/\/$/, '');
}

/** `cairn up --self-hosted`: the agent alone, with the control plane as its static pods. */
async function runSelfHosted(flags: UpFlags, logger: Logger): Promise<void> {
  const nodeName = flags.nodeName ?? defaultNodeName();
  const manifests = flags.podManifestPath ?? join(flags.dataDir, 'manifests');
  const podCIDR = flags.podCidr ?? SELF_HOSTED_POD_CIDR;
  const ports = await choosePorts(manifests, flags.port);
  const written = await writeSelfHostedManifests(
    manifests,
    selfHostedPods({
      dataDir: flags.dataDir,
      nodeName,
      installDir: installDir(),
      nodeBinary: process.execPath,
      etcdBinary: '/usr/bin/etcd',
      image: cairnNodeImageName(),
      bindAddress: flags.bindAddress,
      ports,
      clusterCIDR: SELF_HOSTED_CLUSTER_CIDR,
      logLevel: flags.logLevel,
    }),
  );
  logger.info({ dir: manifests, written, ports }, 'control plane manifests in place');
  const serverDir = join(flags.dataDir, 'server');
  const agent = await startAgent({
    server: `https://127.0.0.1:${ports.apiserver}`,
    credentialFiles: { token: join(serverDir, 'node-token'), caCert: join(serverDir, 'tls', 'ca.crt') },
    nodeName,
    ...(flags.containerdSocket ? { containerdSocket: flags.containerdSocket } : {}),
    dataDir: flags.dataDir,
    podCIDR,
    bridge: flags.cniBridge,
    ...dnsOptions(flags),
    ...(flags.busyboxAs?.length ? { busyboxAs: flags.busyboxAs } : {}),
    ...mirrorOptions(flags),
    localImages: [cairnNodeImage()],
    podManifestPath: manifests,
    cleanupOnStop: flags.cleanupOnExit,
    logger,
  });
  stopOnSignals(logger, () => agent.stop());
  const joined = await agent.connected.catch(async (err: unknown) => {
    await agent.stop();
    throw err;
  });
  const kubeconfig = join(serverDir, 'admin.kubeconfig');
  if (flags.writeKubeconfig) await copyFile(kubeconfig, flags.writeKubeconfig);
  const shown = flags.writeKubeconfig ?? kubeconfig;
  process.stdout.write(
    `Cairn API server (static pod kube-system/kube-apiserver-${nodeName}) listening at ` +
      `https://127.0.0.1:${ports.apiserver}\n` +
      `node ${agent.nodeName} is registered (pod CIDR ${joined.podCIDR})\n` +
      `control plane manifests: ${manifests}\n` +
      `kubeconfig: ${shown}\n` +
      `  export KUBECONFIG=${shown}; kubectl get pods -n kube-system\n`,
  );
}
