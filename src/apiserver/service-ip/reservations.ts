/**
 * One store key per allocated value (a cluster IP, a node port), created atomically, naming the
 * Service that holds it — like upstream's IPAddress objects (KEP-1880), which replaced the
 * single bitmap in a RangeAllocation. A write conflict on the key is the lock: two API servers
 * or two concurrent requests can never both take a value, and the keys survive restarts.
 *
 * There is no delete hook in the generic registry, so a value is released implicitly: a
 * record is *live* while its Service exists (same uid) and still holds the value; a record
 * whose Service is gone, was replaced or let the value go is *stale* and may be taken over —
 * except in its first `pendingMs`, when it may belong to a create or update still in flight
 * (the record is written before the Service is).
 *
 *   claim(id): no key → create · key ours → done · key live → taken · key stale → CAS update
 */
import type { Service } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { KeyExistsError, type KeyValue, RevisionConflictError, type Store } from '../../storage/interface.js';
import { rfc3339 } from '../generic-registry/store.js';

export interface ServiceOwner {
  namespace: string;
  name: string;
  uid: string;
}

/** The stored record: shaped like a networking.k8s.io/v1 IPAddress, owner reference added. */
export interface AllocationRecord {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    creationTimestamp: string;
    labels?: Record<string, string>;
    ownerReferences: OwnerReference[];
  };
  spec: { parentRef: { group: string; resource: string; namespace: string; name: string } };
}

export type ServiceGetter = (namespace: string, name: string) => Promise<Service | undefined>;

export interface ReservationsOptions {
  store: Store;
  /** Key prefix, ending in `/`; the id follows it. */
  prefix: string;
  /** Fills kind-specific parts of a record (apiVersion, kind, labels). */
  decorate?: (record: AllocationRecord) => void;
  /** Whether `svc` (as stored) holds `id`. */
  holds: (svc: Service, id: string) => boolean;
  getService: ServiceGetter;
  now: () => Date;
  pendingMs: number;
}

const MAX_ATTEMPTS = 8;

export class Reservations {
  constructor(private readonly o: ReservationsOptions) {}

  /** Every id with a record, live or stale. */
  async recorded(): Promise<Map<string, KeyValue>> {
    const ids = new Map<string, KeyValue>();
    let startAfter: string | undefined;
    for (;;) {
      const page = await this.o.store.list(this.o.prefix, startAfter ? { startAfter } : {});
      for (const kv of page.kvs) ids.set(kv.key.slice(this.o.prefix.length), kv);
      const last = page.kvs.at(-1);
      if (!page.more || !last) return ids;
      startAfter = last.key;
    }
  }

  /** Takes `id` for `owner`; false when a live record of another Service holds it. */
  async claim(id: string, owner: ServiceOwner): Promise<boolean> {
    const key = this.o.prefix + id;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const kv = await this.o.store.get(key);
      try {
        if (!kv) {
          await this.o.store.create(key, JSON.stringify(this.record(id, owner)));
          return true;
        }
        const record = JSON.parse(kv.value) as AllocationRecord;
        if (sameOwner(record, owner)) return true;
        if (await this.live(record, id)) return false;
        await this.o.store.update(key, JSON.stringify(this.record(id, owner)), kv.modRevision);
        return true;
      } catch (err) {
        if (err instanceof KeyExistsError || err instanceof RevisionConflictError) continue;
        throw err;
      }
    }
    return false;
  }

  private async live(record: AllocationRecord, id: string): Promise<boolean> {
    const ref = record.spec.parentRef;
    const svc = await this.o.getService(ref.namespace, ref.name);
    if (svc) {
      if (svc.metadata?.uid !== record.metadata.ownerReferences[0]?.uid) return false;
      if (this.o.holds(svc, id)) return true;
    }
    const age = this.o.now().getTime() - Date.parse(record.metadata.creationTimestamp);
    return age < this.o.pendingMs;
  }

  private record(id: string, owner: ServiceOwner): AllocationRecord {
    const record: AllocationRecord = {
      metadata: {
        name: id,
        creationTimestamp: rfc3339(this.o.now()),
        ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: owner.name, uid: owner.uid }],
      },
      spec: { parentRef: { group: '', resource: 'services', namespace: owner.namespace, name: owner.name } },
    };
    this.o.decorate?.(record);
    return record;
  }
}

function sameOwner(record: AllocationRecord, owner: ServiceOwner): boolean {
  const ref = record.spec.parentRef;
  return (
    ref.namespace === owner.namespace &&
    ref.name === owner.name &&
    record.metadata.ownerReferences[0]?.uid === owner.uid
  );
}
