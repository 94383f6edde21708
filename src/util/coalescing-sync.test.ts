import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { coalescingSync } from './coalescing-sync.js';

const logger = pino({ level: 'silent' });
beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('coalescingSync', () => {
  it('runs once for a burst of schedules, after the debounce', async () => {
    let runs = 0;
    const s = coalescingSync({
      what: 't',
      logger,
      signal: new AbortController().signal,
      run: async () => void runs++,
    });
    s.schedule();
    s.schedule();
    s.schedule();
    expect(runs).toBe(0);
    await vi.advanceTimersByTimeAsync(200);
    expect(runs).toBe(1);
  });

  it('runs once more when asked during a run, never two at a time', async () => {
    let active = 0;
    let most = 0;
    let runs = 0;
    let release: () => void = () => undefined;
    const s = coalescingSync({
      what: 't',
      logger,
      signal: new AbortController().signal,
      run: async () => {
        runs++;
        most = Math.max(most, ++active);
        if (runs === 1) await new Promise<void>((r) => (release = r));
        active--;
      },
    });
    const first = s.sync();
    void s.sync();
    void s.sync();
    release();
    await first;
    await s.idle();
    expect(runs).toBe(2);
    expect(most).toBe(1);
  });

  it('retries a failed run after the retry delay', async () => {
    let runs = 0;
    const s = coalescingSync({
      what: 't',
      logger,
      signal: new AbortController().signal,
      retryMs: 1000,
      run: async () => {
        if (++runs === 1) throw new Error('boom');
      },
    });
    await s.sync();
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(1200);
    expect(runs).toBe(2);
  });
});
