/**
 * kube-controller-manager as Cairn runs it: every controller of the control plane, running only
 * while this server holds the Lease `kube-system/kube-controller-manager` (leaseDuration 15 s,
 * renewDeadline 10 s, retryPeriod 2 s, as upstream). Of several servers sharing one store, one
 * runs the controllers; when it dies or loses the Lease another takes over, starting a fresh set
 * of controllers that rebuild their state from the API.
 */
import { setMaxListeners } from 'node:events';
import type { Api } from '../apiserver/api.js';
import { DeploymentController } from '../controllers/deployment/controller.js';
import { DisruptionController } from '../controllers/disruption/controller.js';
import { EndpointController } from '../controllers/endpoint/controller.js';
import { EndpointSliceController } from '../controllers/endpointslice/controller.js';
import { GarbageCollector } from '../controllers/garbagecollector/controller.js';
import { NamespaceController } from '../controllers/namespace/controller.js';
import { NodeIpamController } from '../controllers/nodeipam/controller.js';
import { NodeLifecycleController } from '../controllers/nodelifecycle/controller.js';
import { ReplicaSetController } from '../controllers/replicaset/controller.js';
import { ReplicationManager } from '../controllers/replication/controller.js';
import { ServiceAccountController } from '../controllers/serviceaccount/controller.js';
import { StatefulSetController } from '../controllers/statefulset/controller.js';
import { LeaderElector } from '../leaderelection/leader-elector.js';
import { LeaseLock } from '../leaderelection/lease-lock.js';
import type { Logger } from '../util/log.js';

export const CONTROLLER_MANAGER_LEASE = 'kube-controller-manager';

export interface ControllerManagerOptions {
  api: Api;
  logger: Logger;
  /** This server's name in leader election. */
  identity: string;
  /** How long a node may go without renewing its Lease before it is Unknown (default 40 s). */
  nodeMonitorGracePeriodMs?: number;
  /** Pod subnets for nodes are cut from this (default 10.244.0.0/16); none: nodes bring their own. */
  clusterCIDR?: string | null;
  /** The prefix length of each node's pod subnet (default 24). */
  nodeCIDRMaskSize?: number;
  /** Leader election timing (default upstream's 15 s / 10 s / 2 s). */
  leaderElection?: { leaseDurationMs: number; renewDeadlineMs: number; retryPeriodMs: number };
}

interface Controller {
  start(signal: AbortSignal): Promise<void>;
}

function newControllers(o: ControllerManagerOptions): Controller[] {
  const { api } = o;
  const logger = (controller: string) => o.logger.child({ controller });
  const controllers: Controller[] = [
    new NamespaceController({ api, logger: logger('namespace') }),
    new ServiceAccountController({ api, logger: logger('serviceaccount') }),
    new GarbageCollector({ api, logger: logger('garbagecollector') }),
    new EndpointController({ api, logger: logger('endpoint') }),
    new EndpointSliceController({ api, logger: logger('endpointslice') }),
    new ReplicaSetController({ api, logger: logger('replicaset') }),
    new ReplicationManager({ api, logger: logger('replicationcontroller') }),
    new DeploymentController({ api, logger: logger('deployment') }),
    new StatefulSetController({ api, logger: logger('statefulset') }),
    new DisruptionController({ api, logger: logger('disruption') }),
    new NodeLifecycleController({
      api,
      logger: logger('nodelifecycle'),
      ...(o.nodeMonitorGracePeriodMs !== undefined
        ? { nodeMonitorGracePeriodMs: o.nodeMonitorGracePeriodMs }
        : {}),
    }),
  ];
  if (o.clusterCIDR !== null) {
    controllers.push(
      new NodeIpamController({
        api,
        logger: logger('nodeipam'),
        ...(o.clusterCIDR ? { clusterCIDR: o.clusterCIDR } : {}),
        ...(o.nodeCIDRMaskSize ? { nodeCIDRMaskSize: o.nodeCIDRMaskSize } : {}),
      }),
    );
  }
  return controllers;
}

/**
 * Campaigns for the Lease until `signal` aborts, running the controllers while leading. Resolves
 * once the first campaign has begun; `stopped` settles when everything stopped (the Lease released).
 */
export function startControllerManager(
  o: ControllerManagerOptions,
  signal: AbortSignal,
): { stopped: Promise<void> } {
  const elector = new LeaderElector({
    lock: new LeaseLock(o.api, 'kube-system', CONTROLLER_MANAGER_LEASE),
    identity: o.identity,
    logger: o.logger,
    releaseOnCancel: true,
    ...o.leaderElection,
    callbacks: {
      onStartedLeading: async (leading) => {
        o.logger.info({ identity: o.identity }, 'leading: starting controllers');
        setMaxListeners(0, leading); // every controller's watches listen on it
        for (const c of newControllers(o)) await c.start(leading);
      },
      onStoppedLeading: () => o.logger.warn({ identity: o.identity }, 'leaderelection lost'),
    },
  });
  const stopped = (async () => {
    while (!signal.aborted) await elector.run(signal);
  })();
  return { stopped };
}
