/** Counters of the API calls simulated nodes make, for benchmarks and logs. */
export interface SimStats {
  nodesRegistered: number;
  /** Lease syncs that succeeded (one PUT each in the steady state). */
  leaseRenewals: number;
  /** Lease syncs that failed (after the lease controller's own retries). */
  leaseFailures: number;
  /** Lease syncs skipped because the previous one of that node was still running. */
  leaseSkipped: number;
  nodeStatusUpdates: number;
  podStatusUpdates: number;
  podDeletes: number;
  /** Failed status writes and deletes (each retried). */
  errors: number;
}

export const newStats = (): SimStats => ({
  nodesRegistered: 0,
  leaseRenewals: 0,
  leaseFailures: 0,
  leaseSkipped: 0,
  nodeStatusUpdates: 0,
  podStatusUpdates: 0,
  podDeletes: 0,
  errors: 0,
});
