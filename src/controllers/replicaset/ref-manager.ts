/**
 * Adoption and orphaning (upstream's ControllerRefManager): an owner claims the objects its
 * selector matches that have no controller, and releases the ones it controls that no longer
 * match. Decided by `claimDecision`, carried out by `claimObjects` through guarded updates (the
 * object must still be the one seen and, to adopt, still have no controller).
 */
import { isNotFound } from '../../apimachinery/errors.js';
import type { Selector } from '../../apimachinery/labels/index.js';
import type { RegistryStore } from '../../apiserver/generic-registry/store.js';
import type { KubeObject } from '../../registry/resource.js';
import { controllerRefOf, newControllerRef } from './controller-utils.js';

export type ClaimDecision = 'own' | 'adopt' | 'release' | 'ignore';

export interface Owner {
  obj: KubeObject;
  apiVersion: string;
  kind: string;
  selector: Selector;
}

export function claimDecision(obj: KubeObject, owner: Owner): ClaimDecision {
  const ref = controllerRefOf(obj.metadata);
  const matches = owner.selector.matches(obj.metadata?.labels ?? {});
  const ownerDeleting = !!owner.obj.metadata?.deletionTimestamp;
  if (ref) {
    if (ref.uid !== owner.obj.metadata?.uid) return 'ignore';
    if (matches) return 'own';
    return ownerDeleting ? 'ignore' : 'release';
  }
  if (ownerDeleting || !matches || obj.metadata?.deletionTimestamp) return 'ignore';
  return 'adopt';
}

class Skip extends Error {}

async function adopt(
  registry: RegistryStore,
  obj: KubeObject,
  owner: Owner,
): Promise<KubeObject | undefined> {
  const meta = obj.metadata ?? {};
  try {
    return await registry.guaranteedUpdate(meta.namespace ?? '', meta.name ?? '', (cur) => {
      if (cur.metadata?.uid !== meta.uid || controllerRefOf(cur.metadata) || cur.metadata?.deletionTimestamp)
        throw new Skip();
      const m = (cur.metadata ??= {});
      m.ownerReferences = [
        ...(m.ownerReferences ?? []),
        newControllerRef(owner.obj, owner.apiVersion, owner.kind),
      ];
      return cur;
    });
  } catch (err) {
    if (err instanceof Skip || isNotFound(err)) return undefined;
    throw err;
  }
}

async function release(registry: RegistryStore, obj: KubeObject, ownerUID: string): Promise<void> {
  const meta = obj.metadata ?? {};
  try {
    await registry.guaranteedUpdate(meta.namespace ?? '', meta.name ?? '', (cur) => {
      if (cur.metadata?.uid !== meta.uid) throw new Skip();
      const m = (cur.metadata ??= {});
      const refs = (m.ownerReferences ?? []).filter((r) => r.uid !== ownerUID);
      if (refs.length) m.ownerReferences = refs;
      else delete m.ownerReferences;
      return cur;
    });
  } catch (err) {
    if (!(err instanceof Skip) && !isNotFound(err)) throw err;
  }
}

/** ClaimObjects: the objects `owner` controls after adopting and releasing as decided. */
export async function claimObjects<T extends KubeObject>(
  registry: RegistryStore,
  objects: T[],
  owner: Owner,
): Promise<T[]> {
  const claimed: T[] = [];
  for (const obj of objects) {
    switch (claimDecision(obj, owner)) {
      case 'own':
        claimed.push(obj);
        break;
      case 'adopt': {
        const adopted = await adopt(registry, obj, owner);
        if (adopted) claimed.push(adopted as T);
        break;
      }
      case 'release':
        await release(registry, obj, owner.obj.metadata?.uid ?? '');
        break;
      case 'ignore':
        break;
    }
  }
  return claimed;
}
