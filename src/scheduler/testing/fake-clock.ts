/**
 * A manual clock for tests: timers fire only when the test advances time, in due order, with
 * pending promise callbacks run between them.
 */
import type { Clock } from '../util/clock.js';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/** Lets already-queued promise callbacks and I/O callbacks run. */
export const settle = async (rounds = 5): Promise<void> => {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
};

export class FakeClock implements Clock {
  private timers: Timer[] = [];
  private seq = 0;

  constructor(private t = Date.parse('2024-01-01T00:00:00Z')) {}

  now(): number {
    return this.t;
  }

  setTimer(fn: () => void, ms: number): () => void {
    const timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((x) => x !== timer);
    };
  }

  /** Timers still waiting. */
  pending(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due (and settling after each). */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await settle();
    for (;;) {
      const next = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.timers = this.timers.filter((x) => x !== next);
      this.t = Math.max(this.t, next.at);
      next.fn();
      await settle();
    }
    this.t = end;
    await settle();
  }
}
