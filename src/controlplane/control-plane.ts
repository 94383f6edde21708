/**
 * A running control plane: store → API → bootstrap objects → the cluster's shared secrets →
 * controllers and scheduler (each running only while holding its Lease, so several servers can
 * share one store) → HTTPS server → kubeconfig. Started in a straight line; `stop()` undoes it in
 * reverse.
 *
 * `roles` picks the parts one process runs (default all three, one process per cluster): a
 * process without `apiserver` opens the store and runs its loops without serving HTTP, like
 * upstream's separate kube-scheduler and kube-controller-manager; processes sharing one etcd
 * split the work through the Leases exactly as several whole servers do.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { Api } from '../apiserver/api.js';
import { TokenAuthenticator, loadTokens, nodeJoinToken } from '../apiserver/authentication.js';
import { writeKubeconfig } from '../apiserver/kubeconfig.js';
import { ensurePki } from '../apiserver/pki.js';
import { ApiServer } from '../apiserver/server.js';
import { builtinSubresources } from '../apiserver/subresources.js';
import { builtinResources } from '../registry/all.js';
import { bootstrapKubernetesService } from '../registry/core/service/kubernetes-service.js';
import { startSchedulerApp } from '../scheduler/app/server.js';
import { startServiceAccounts } from '../serviceaccount/index.js';
import { type Store, type StoreOptions, openStore } from '../storage/index.js';
import type { Logger } from '../util/log.js';
import { bootstrap } from './bootstrap.js';
import { shareBootstrapData } from './bootstrap-data.js';
import { startControllerManager } from './controller-manager.js';

export const CONTROL_PLANE_ROLES = ['apiserver', 'scheduler', 'controller-manager'] as const;
export type ControlPlaneRole = (typeof CONTROL_PLANE_ROLES)[number];

/** `apiserver,scheduler` → the roles, each known and named once (throws naming an unknown one). */
export function parseRoles(value: string): ControlPlaneRole[] {
  const roles = value
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const unknown = roles.filter((r) => !(CONTROL_PLANE_ROLES as readonly string[]).includes(r));
  if (unknown.length > 0)
    throw new Error(`unknown role ${unknown.join(', ')} (known: ${CONTROL_PLANE_ROLES.join(', ')})`);
  if (roles.length === 0) throw new Error(`no role given (known: ${CONTROL_PLANE_ROLES.join(', ')})`);
  return [...new Set(roles)] as ControlPlaneRole[];
}

export interface ControlPlaneOptions {
  dataDir: string;
  /** What this process runs (default all). */
  roles?: readonly ControlPlaneRole[];
  /** Keep trying to open the store this long before giving up (default 0: fail at once). */
  storeWaitMs?: number;
  logger: Logger;
  port: number;
  bindAddress: string;
  /** Default: SQLite in the data dir. */
  store?: StoreOptions;
  insecureHttp?: boolean;
  tlsSans?: string[];
  writeKubeconfig?: string;
  /** How long a node may go without renewing its Lease before it is Unknown (default 40 s). */
  nodeMonitorGracePeriodMs?: number;
  /** Pod subnets for nodes are cut from this (default 10.244.0.0/16); null: nodes bring their own. */
  clusterCIDR?: string | null;
  /** The prefix length of each node's pod subnet (default 24). */
  nodeCIDRMaskSize?: number;
  /** A KubeSchedulerConfiguration file for the scheduler (default: upstream's defaults). */
  schedulerConfig?: string;
}

export interface ControlPlane {
  api: Api;
  roles: readonly ControlPlaneRole[];
  /** The API server's URL ('' without the apiserver role, like the other serving fields). */
  url: string;
  kubeconfigPath: string;
  adminToken: string;
  /** This server's holder identity in the controller-manager and scheduler Leases. */
  identity: string;
  /** The node join token (`cairn agent --token`), also in `<data-dir>/server/node-token`. */
  nodeToken: string;
  /** PEM of the cluster CA (absent for plain HTTP). */
  caCert?: string;
  stop(): Promise<void>;
}

export async function startControlPlane(o: ControlPlaneOptions): Promise<ControlPlane> {
  const roles = o.roles ?? CONTROL_PLANE_ROLES;
  const serverDir = join(o.dataDir, 'server');
  const store = await openStoreWaiting(
    o.store ?? { kind: 'sqlite', path: join(serverDir, 'db', 'state.db') },
    o.storeWaitMs ?? 0,
    o.logger,
  );
  const api = new Api({ store, resources: builtinResources });
  await bootstrap(api);

  // only the API server uses the shared secrets (serving, tokens, signing)
  if (roles.includes('apiserver')) await shareBootstrapData(store, serverDir);

  const abort = new AbortController();
  // Every controller's watches listen on this one signal.
  setMaxListeners(0, abort.signal);
  // This process's name in leader election, as upstream's: `<hostname>_<uuid>`.
  const identity = `${hostname()}_${randomUUID()}`;
  const loops: Array<Promise<void>> = [];
  if (roles.includes('controller-manager')) {
    const controllerManager = startControllerManager(
      {
        api,
        logger: o.logger.child({ component: 'controller-manager' }),
        identity,
        ...(o.clusterCIDR !== undefined ? { clusterCIDR: o.clusterCIDR } : {}),
        ...(o.nodeCIDRMaskSize ? { nodeCIDRMaskSize: o.nodeCIDRMaskSize } : {}),
        ...(o.nodeMonitorGracePeriodMs !== undefined
          ? { nodeMonitorGracePeriodMs: o.nodeMonitorGracePeriodMs }
          : {}),
      },
      abort.signal,
    );
    loops.push(controllerManager.stopped);
  }
  if (roles.includes('scheduler')) {
    const scheduler = await startSchedulerApp(
      {
        api,
        logger: o.logger.child({ component: 'scheduler' }),
        identity,
        ...(o.schedulerConfig ? { configFile: o.schedulerConfig } : {}),
      },
      abort.signal,
    );
    loops.push(scheduler.stopped);
  }
  const stopLoops = async () => {
    abort.abort();
    await Promise.all(loops);
  };
  if (!roles.includes('apiserver')) {
    return {
      api,
      roles,
      url: '',
      kubeconfigPath: '',
      adminToken: '',
      identity,
      nodeToken: '',
      async stop() {
        await stopLoops();
        await store.close();
      },
    };
  }

  const tokens = await loadTokens(join(serverDir, 'tokens.json'));
  const admin = tokens.find((t) => t.groups.includes('system:masters'));
  if (!admin) throw new Error(`no admin token in ${join(serverDir, 'tokens.json')}`);
  const nodeToken = nodeJoinToken(tokens) ?? '';
  // Pods reach the API at the `kubernetes` Service's ClusterIP: the certificate names it.
  const serviceIP = api.serviceAllocators.clusterIPs.kubernetesServiceIP;
  const pki = o.insecureHttp
    ? undefined
    : await ensurePki(join(serverDir, 'tls'), [serviceIP, ...(o.tlsSans ?? [])]);
  // written after the CA: an agent waiting for both (a self-hosted node) finds them together
  await writeFile(join(serverDir, 'node-token'), `${nodeToken}\n`, { mode: 0o600 });
  // token signing key, serviceaccounts/token, kube-root-ca.crt in every namespace
  const serviceAccounts = await startServiceAccounts({
    api,
    serverDir,
    caCert: pki?.caCert,
    logger: o.logger.child({ component: 'serviceaccounts' }),
    signal: abort.signal,
  });
  const server = new ApiServer({
    api,
    logger: o.logger.child({ component: 'apiserver' }),
    subresources: serviceAccounts.withTokenRequest(builtinSubresources()),
    // Service-account tokens are issued and mounted, but not yet accepted as credentials: with no
    // authorization layer they would give every pod the admin's rights.
    ...(o.insecureHttp ? {} : { authenticator: new TokenAuthenticator(tokens) }),
    ...(pki ? { tls: { cert: pki.cert, key: pki.key } } : {}),
    host: o.bindAddress,
    port: o.port,
  });
  const port = await server.listen();
  const k8s = await bootstrapKubernetesService(api, { address: advertiseAddress(o.bindAddress), port });
  if (k8s.endpointsSkipped)
    o.logger.warn({ reason: k8s.endpointsSkipped }, 'kubernetes Service has no endpoints');
  const loopback = o.bindAddress === '0.0.0.0' || o.bindAddress === '::' ? '127.0.0.1' : o.bindAddress;
  const url = `${pki ? 'https' : 'http'}://${loopback.includes(':') ? `[${loopback}]` : loopback}:${port}`;
  const kubeconfigPath = join(serverDir, 'admin.kubeconfig');
  const kc = { server: url, token: admin.token, ...(pki ? { caCert: pki.caCert } : {}) };
  await writeKubeconfig(kubeconfigPath, kc);
  if (o.writeKubeconfig) await writeKubeconfig(o.writeKubeconfig, kc);

  return {
    api,
    roles,
    url,
    kubeconfigPath,
    adminToken: admin.token,
    identity,
    nodeToken,
    ...(pki ? { caCert: pki.caCert } : {}),
    async stop() {
      await stopLoops();
      await server.close();
      await store.close();
    },
  };
}

/** Opens the store, trying again for up to `waitMs` (etcd starting beside this process). */
async function openStoreWaiting(options: StoreOptions, waitMs: number, logger: Logger): Promise<Store> {
  const deadline = Date.now() + waitMs;
  for (let logged = false; ; logged = true) {
    try {
      return await openStore(options);
    } catch (err) {
      if (Date.now() >= deadline) throw err;
      if (!logged) logger.info({ err: (err as Error).message }, 'waiting for the store');
      await sleep(500);
    }
  }
}

/** The address other hosts and pods reach this server at: the bind address, or the host's first IPv4. */
function advertiseAddress(bindAddress: string): string {
  if (bindAddress !== '0.0.0.0' && bindAddress !== '::') return bindAddress;
  for (const addrs of Object.values(networkInterfaces())) {
    const v4 = addrs?.find((a) => a.family === 'IPv4' && !a.internal);
    if (v4) return v4.address;
  }
  return '127.0.0.1';
}
