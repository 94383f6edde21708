/**
 * How watch events reach the cache and the queue (upstream's eventhandlers.go):
 *
 *   pod, unassigned, one of our schedulerNames → queue (add / update / delete)
 *   pod, assigned, not terminal               → cache (confirms an assumed pod) + AssignedPod* events
 *   pod leaving either set (bound, deleted, finished) → removed there
 *   node added / updated / deleted            → cache + Node* events (only the changes that matter)
 *   service, PodDisruptionBudget              → listers (default spreading, preemption)
 */
import type { Namespace, Node, Pod, Service } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import { isDeepStrictEqual } from 'node:util';
import type { ObjectEvent } from '../apiserver/generic-registry/store.js';
import { type SchedulerCache, isTerminal } from './cache/cache.js';
import { nodeUpdateEvents } from './queue/cluster-event.js';
import type { Nominator } from './queue/nominator.js';
import { type SchedulingQueue, podKey } from './queue/scheduling-queue.js';

export interface EventHandlerState {
  cache: SchedulerCache;
  queue: SchedulingQueue;
  nominator: Nominator;
  /** Unassigned pods this scheduler is responsible for, latest version, by UID. */
  pending: Map<string, Pod>;
  services: Map<string, Map<string, Service>>;
  /** PodDisruptionBudgets by UID, for preemption. */
  pdbs: Map<string, PodDisruptionBudget>;
  /** Namespaces by name, for namespaceSelector in pod affinity terms. */
  namespaces: Map<string, Namespace>;
  schedulerNames: ReadonlySet<string>;
}

const schedulerNameOf = (pod: Pod): string => pod.spec?.schedulerName || 'default-scheduler';

function removePod(s: EventHandlerState, pod: Pod): void {
  const key = podKey(pod);
  s.nominator.delete(pod);
  if (s.pending.delete(key)) s.queue.delete(pod);
  if (s.cache.getPod(key)) {
    s.cache.removePod(pod);
    s.queue.moveAllToActiveOrBackoffQueue(['AssignedPodDelete']);
  }
}

export function onPodEvent(s: EventHandlerState, e: ObjectEvent): void {
  const pod = e.object as Pod;
  const key = podKey(pod);
  if (e.type === 'DELETED') return removePod(s, pod);
  if (pod.spec?.nodeName) {
    if (s.pending.delete(key)) s.queue.delete(pod);
    s.nominator.delete(pod);
    if (isTerminal(pod)) return removePod(s, pod);
    const old = s.cache.getPod(key);
    const wasAssumed = s.cache.isAssumed(pod);
    s.cache.addPod(pod);
    if (!old || wasAssumed) {
      s.queue.moveAllToActiveOrBackoffQueue(['AssignedPodAdd']);
    } else if (
      !isDeepStrictEqual(old.metadata?.labels ?? {}, pod.metadata?.labels ?? {}) ||
      !isDeepStrictEqual(old.spec, pod.spec)
    ) {
      s.queue.moveAllToActiveOrBackoffQueue(['AssignedPodUpdate']);
    }
    return;
  }
  if (!s.schedulerNames.has(schedulerNameOf(pod))) return;
  const old = s.pending.get(key);
  s.pending.set(key, pod);
  if (old) s.nominator.update(old, pod);
  else s.nominator.add(pod);
  // Being bound right now: the binding cycle owns it.
  if (s.cache.isAssumed(pod)) return;
  if (old) s.queue.update(old, pod);
  else s.queue.add(pod);
}

export function onPodSync(s: EventHandlerState, present: Set<string>): void {
  for (const pod of [...s.pending.values(), ...s.cache.listPods()]) {
    if (!present.has(podKey(pod)) && !s.cache.isAssumed(pod)) removePod(s, pod);
  }
}

export function onNodeEvent(s: EventHandlerState, e: ObjectEvent): void {
  const node = e.object as Node;
  if (e.type === 'DELETED') {
    s.cache.removeNode(node);
    s.queue.moveAllToActiveOrBackoffQueue(['NodeDelete']);
    return;
  }
  const old = s.cache.getNode(node.metadata?.name ?? '');
  s.cache.addNode(node);
  s.queue.moveAllToActiveOrBackoffQueue(old ? nodeUpdateEvents(old, node) : ['NodeAdd']);
}

export function onNodeSync(s: EventHandlerState, present: Set<string>): void {
  for (const node of s.cache.listNodes()) {
    if (!present.has(node.metadata?.uid ?? '')) onNodeEvent(s, { type: 'DELETED', object: node });
  }
}

export function onServiceEvent(s: EventHandlerState, e: ObjectEvent): void {
  const svc = e.object as Service;
  const ns = svc.metadata?.namespace ?? '';
  const name = svc.metadata?.name ?? '';
  let byName = s.services.get(ns);
  if (e.type === 'DELETED') {
    byName?.delete(name);
    return;
  }
  if (!byName) s.services.set(ns, (byName = new Map()));
  byName.set(name, svc);
}

export function onServiceSync(s: EventHandlerState, present: Set<string>): void {
  for (const byName of s.services.values()) {
    for (const [name, svc] of byName) if (!present.has(svc.metadata?.uid ?? '')) byName.delete(name);
  }
}

export function onPDBEvent(s: EventHandlerState, e: ObjectEvent): void {
  const pdb = e.object as PodDisruptionBudget;
  const uid = pdb.metadata?.uid ?? '';
  if (e.type === 'DELETED') s.pdbs.delete(uid);
  else s.pdbs.set(uid, pdb);
}

export function onPDBSync(s: EventHandlerState, present: Set<string>): void {
  for (const uid of s.pdbs.keys()) if (!present.has(uid)) s.pdbs.delete(uid);
}

export function onNamespaceEvent(s: EventHandlerState, e: ObjectEvent): void {
  const name = e.object.metadata?.name ?? '';
  if (e.type === 'DELETED') s.namespaces.delete(name);
  else s.namespaces.set(name, e.object as Namespace);
}

export function onNamespaceSync(s: EventHandlerState, present: Set<string>): void {
  for (const [name, ns] of s.namespaces) if (!present.has(ns.metadata?.uid ?? '')) s.namespaces.delete(name);
}
