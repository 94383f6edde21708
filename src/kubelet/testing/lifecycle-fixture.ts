/**
 * Per-test state for pod-lifecycle tests on the sim runtime: a fresh root dir and an AbortSignal
 * for every test, aborted and removed after it (a short pause lets the workers stop first).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';

export interface LifecycleFixture {
  /** This test's `rootDir` for `createPodLifecycle`. */
  readonly rootDir: string;
  /** Aborted after this test, or when the test calls `abort()`. */
  readonly signal: AbortSignal;
  /** Stops what runs on `signal` now (an agent going away mid-test). */
  abort(): void;
}

/** Registers the beforeEach/afterEach hooks; read the fields inside a test. */
export function lifecycleFixture(prefix: string): LifecycleFixture {
  let rootDir = '';
  let abort = new AbortController();
  beforeEach(async () => {
    rootDir = await mkdtemp(join(tmpdir(), prefix));
    abort = new AbortController();
  });
  afterEach(async () => {
    abort.abort();
    await new Promise((r) => setTimeout(r, 20));
    await rm(rootDir, { recursive: true, force: true, maxRetries: 5 });
  });
  return {
    get rootDir() {
      return rootDir;
    },
    get signal() {
      return abort.signal;
    },
    abort: () => abort.abort(),
  };
}
