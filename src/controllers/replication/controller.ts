/**
 * ReplicationManager (upstream's pkg/controller/replication): ReplicationControllers run through
 * the ReplicaSet controller, with their map selector and `v1` owner references.
 */
import { ReplicaSetController, type ReplicaSetControllerOptions } from '../replicaset/controller.js';
import { replicationControllerKind } from '../replicaset/kinds.js';

export type ReplicationManagerOptions = Omit<ReplicaSetControllerOptions, 'kind'>;

export class ReplicationManager extends ReplicaSetController {
  constructor(o: ReplicationManagerOptions) {
    super({ ...o, kind: replicationControllerKind });
  }
}
