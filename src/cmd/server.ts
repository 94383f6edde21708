/**
 * `cairn server`: runs the control plane (or the roles of it given by `--roles`) until
 * SIGINT/SIGTERM.
 */
import { readFile } from 'node:fs/promises';
import {
  CONTROL_PLANE_ROLES,
  startControlPlane,
  type ControlPlaneRole,
} from '../controlplane/control-plane.js';
import type { StoreOptions } from '../storage/index.js';
import { newLogger } from '../util/log.js';

export interface ServerFlags {
  dataDir: string;
  /** default all */
  roles?: ControlPlaneRole[];
  /** How long to keep trying to reach etcd at start (ms; default 0). */
  etcdWait?: number;
  port: number;
  bindAddress: string;
  writeKubeconfig?: string;
  tlsSan?: string[];
  etcdEndpoints?: string;
  etcdPrefix: string;
  etcdCafile?: string;
  etcdCertfile?: string;
  etcdKeyfile?: string;
  etcdUsername?: string;
  insecureHttp: boolean;
  logLevel: string;
  schedulerConfig?: string;
  nodeMonitorGracePeriod?: number;
  clusterCidr: string;
  nodeCidrMaskSize: number;
  allocateNodeCidrs: boolean;
}

export async function runServer(flags: ServerFlags): Promise<void> {
  const logger = newLogger(flags.logLevel);
  const roles = flags.roles ?? CONTROL_PLANE_ROLES;
  const cp = await startControlPlane({
    dataDir: flags.dataDir,
    roles,
    ...(flags.etcdWait ? { storeWaitMs: flags.etcdWait } : {}),
    logger,
    port: flags.port,
    bindAddress: flags.bindAddress,
    insecureHttp: flags.insecureHttp,
    tlsSans: flags.tlsSan ?? [],
    ...(flags.writeKubeconfig ? { writeKubeconfig: flags.writeKubeconfig } : {}),
    ...(flags.schedulerConfig ? { schedulerConfig: flags.schedulerConfig } : {}),
    clusterCIDR: flags.allocateNodeCidrs ? flags.clusterCidr : null,
    nodeCIDRMaskSize: flags.nodeCidrMaskSize,
    ...(flags.nodeMonitorGracePeriod !== undefined
      ? { nodeMonitorGracePeriodMs: flags.nodeMonitorGracePeriod }
      : {}),
    ...(flags.etcdEndpoints ? { store: await etcdOptions(flags, flags.etcdEndpoints) } : {}),
  });
  logger.info({ url: cp.url, kubeconfig: cp.kubeconfigPath, roles }, 'cairn server is ready');
  process.stdout.write(
    (roles.includes('apiserver')
      ? `Cairn API server listening at ${cp.url}\nkubeconfig: ${cp.kubeconfigPath}\n`
      : `Cairn ${roles.join(' and ')} running (no API served)\n`) +
      `leader election identity: ${cp.identity}\n`,
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await cp.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

async function etcdOptions(flags: ServerFlags, endpoints: string): Promise<StoreOptions> {
  const read = (f: string) => readFile(f);
  return {
    kind: 'etcd',
    endpoints: endpoints.split(','),
    prefix: flags.etcdPrefix,
    ...(flags.etcdCafile
      ? {
          tls: {
            rootCertificate: await read(flags.etcdCafile),
            ...(flags.etcdCertfile ? { certChain: await read(flags.etcdCertfile) } : {}),
            ...(flags.etcdKeyfile ? { privateKey: await read(flags.etcdKeyfile) } : {}),
          },
        }
      : {}),
    ...(flags.etcdUsername
      ? { auth: { username: flags.etcdUsername, password: process.env.CAIRN_ETCD_PASSWORD ?? '' } }
      : {}),
  };
}
