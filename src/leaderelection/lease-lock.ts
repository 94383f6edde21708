/**
 * A coordination.k8s.io/v1 Lease as a leader election lock (client-go's resourcelock.LeaseLock),
 * read and written in-process through the leases registry. Updates carry the resourceVersion
 * read, so two candidates racing for the lock cannot both win (409 Conflict for the loser).
 */
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { isNotFound } from '../apimachinery/errors.js';
import type { Api } from '../apiserver/api.js';
import type { KubeObject } from '../registry/resource.js';

export interface LeaderElectionRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  /** MicroTime: RFC 3339 with microseconds. */
  acquireTime: string;
  renewTime: string;
  leaderTransitions: number;
}

/** metav1.MicroTime's wire form: `2006-01-02T15:04:05.000000Z`. */
export const microTime = (ms: number): string => new Date(ms).toISOString().replace(/Z$/, '000Z');

export interface ObservedRecord {
  record: LeaderElectionRecord;
  /** The record as stored, to notice any change (client-go compares raw bytes). */
  raw: string;
}

function toRecord(lease: Lease): LeaderElectionRecord {
  const s = lease.spec ?? {};
  return {
    holderIdentity: s.holderIdentity ?? '',
    leaseDurationSeconds: s.leaseDurationSeconds ?? 0,
    acquireTime: s.acquireTime ?? '',
    renewTime: s.renewTime ?? '',
    leaderTransitions: s.leaseTransitions ?? 0,
  };
}

function toSpec(r: LeaderElectionRecord): Lease['spec'] {
  return {
    holderIdentity: r.holderIdentity,
    leaseDurationSeconds: r.leaseDurationSeconds,
    ...(r.acquireTime ? { acquireTime: r.acquireTime } : {}),
    ...(r.renewTime ? { renewTime: r.renewTime } : {}),
    leaseTransitions: r.leaderTransitions,
  };
}

export class LeaseLock {
  private lease: Lease | undefined;

  constructor(
    private readonly api: Api,
    readonly namespace: string,
    readonly name: string,
  ) {}

  private get registry() {
    return this.api.registry('coordination.k8s.io', 'v1', 'leases');
  }

  describe(): string {
    return `${this.namespace}/${this.name}`;
  }

  /** The current record, or undefined when the Lease doesn't exist. */
  async get(): Promise<ObservedRecord | undefined> {
    try {
      this.lease = (await this.registry.get(this.namespace, this.name)) as Lease;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
    const record = toRecord(this.lease);
    return { record, raw: JSON.stringify(this.lease.spec ?? {}) };
  }

  async create(record: LeaderElectionRecord): Promise<void> {
    const lease: Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.name, namespace: this.namespace },
      spec: toSpec(record),
    };
    this.lease = (await this.registry.create(this.namespace, lease as KubeObject)) as Lease;
  }

  /** Writes the record over the Lease last read (409 if it changed since). */
  async update(record: LeaderElectionRecord): Promise<void> {
    if (!this.lease) throw new Error('lease not initialized, call get or create first');
    const next: Lease = { ...this.lease, spec: toSpec(record) };
    this.lease = (await this.registry.update(this.namespace, this.name, next as KubeObject)) as Lease;
  }
}
