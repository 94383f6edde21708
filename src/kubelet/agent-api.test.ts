import { describe, expect, it } from 'vitest';
import { AgentStartError, retryWithBackoff } from './agent-api.js';

const unreachable = () => new AgentStartError('ServerUnreachable', 'cannot reach the API server');
const refused = () => new AgentStartError('Unauthorized', 'rejected the node token');
const isFatal = (err: unknown) => err instanceof AgentStartError && err.code === 'Unauthorized';

function harness(results: Array<Error | string>, mode: 'fail' | 'retry' = 'retry') {
  const slept: number[] = [];
  const retried: string[] = [];
  let calls = 0;
  const run = retryWithBackoff(
    async () => {
      const r = results[calls++];
      if (r instanceof Error) throw r;
      return r ?? 'done';
    },
    {
      mode,
      isFatal,
      onRetry: (err) => retried.push((err as Error).message),
      initialMs: 1000,
      maxMs: 4000,
      sleep: async (ms) => void slept.push(ms),
      signal: new AbortController().signal,
    },
  );
  return { run, slept, retried, calls: () => calls };
}

describe('retryWithBackoff', () => {
  it('tries again after a doubling backoff, capped, until the join succeeds', async () => {
    const h = harness([unreachable(), unreachable(), unreachable(), unreachable(), 'joined']);
    expect(await h.run).toBe('joined');
    expect(h.slept).toEqual([1000, 2000, 4000, 4000]);
    expect(h.retried).toHaveLength(4);
  });

  it('gives up at once on a fatal failure (a refused token)', async () => {
    const h = harness([unreachable(), refused(), 'joined']);
    await expect(h.run).rejects.toThrow(/rejected the node token/);
    expect(h.calls()).toBe(2);
    expect(h.slept).toEqual([1000]);
  });

  it("gives up on the first failure in 'fail' mode", async () => {
    const h = harness([unreachable(), 'joined'], 'fail');
    await expect(h.run).rejects.toThrow(/cannot reach/);
    expect(h.slept).toEqual([]);
  });

  it('stops retrying when the signal aborts', async () => {
    const abort = new AbortController();
    let calls = 0;
    const run = retryWithBackoff(
      async () => {
        calls++;
        throw unreachable();
      },
      {
        mode: 'retry',
        isFatal,
        onRetry: () => undefined,
        sleep: async () => abort.abort(),
        signal: abort.signal,
      },
    );
    await expect(run).rejects.toThrow(/cannot reach/);
    expect(calls).toBe(2);
  });
});
