import { afterEach, beforeEach, describe } from 'vitest';
import type { Store } from '../interface.js';
import { crudCases } from './conformance-crud.js';
import { listCases } from './conformance-list.js';
import { watchCases } from './conformance-watch.js';

/**
 * One behavioural suite every `Store` backend must pass. Each case gets a fresh, empty store
 * (for a shared server such as etcd: a fresh key prefix). Cases only assume that revisions
 * increase, never by how much, so backends whose revision counter is shared (etcd) qualify.
 */

export interface StoreHarness {
  store: Store;
  cleanup: () => Promise<void>;
  /**
   * For persistent backends: closes the store and opens a new one on the same data (the
   * harness's `cleanup` must then dispose of the new one).
   */
  reopen?: () => Promise<Store>;
}

export type StoreFactory = () => Promise<StoreHarness>;

/** Gives the cases access to the current test's harness. */
export type HarnessRef = () => StoreHarness;

export function runStorageConformance(name: string, newStore: StoreFactory): void {
  describe(`storage conformance: ${name}`, () => {
    let harness: StoreHarness | undefined;
    beforeEach(async () => {
      harness = await newStore();
    });
    afterEach(async () => {
      const h = harness;
      harness = undefined;
      await h?.cleanup();
    });
    const ref: HarnessRef = () => {
      if (harness === undefined) throw new Error('no store harness: the factory failed');
      return harness;
    };
    crudCases(ref);
    listCases(ref);
    watchCases(ref);
  });
}
