/**
 * Many deadlines on one clock timer: a binary heap ordered by due time, with a single clock timer
 * armed for the earliest entry. Thousands of simulated nodes and pods schedule their next step
 * here instead of holding a timer each; firing runs every entry that fell due, in due order (ties
 * in scheduling order).
 */
import type { Clock } from '../util/clock.js';

interface Entry {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

export class TimerQueue {
  private readonly heap: Entry[] = [];
  private seq = 0;
  private armedAt = Infinity;
  private cancelArmed: (() => void) | undefined;
  private stopped = false;

  constructor(private readonly clock: Clock) {}

  /** Runs `fn` at `at` (epoch ms, the clock's); answers a function that cancels it. */
  at(at: number, fn: () => void): () => void {
    if (this.stopped) return () => undefined;
    const entry: Entry = { at, seq: this.seq++, fn, cancelled: false };
    this.push(entry);
    if (at < this.armedAt) this.arm();
    return () => {
      entry.cancelled = true;
    };
  }

  /** Runs `fn` after `ms`. */
  after(ms: number, fn: () => void): () => void {
    return this.at(this.clock.now() + Math.max(0, ms), fn);
  }

  /** Entries waiting (cancelled ones are dropped lazily, so this is an upper bound). */
  size(): number {
    return this.heap.length;
  }

  /** Drops every entry and the clock timer; later `at` calls are ignored. */
  stop(): void {
    this.stopped = true;
    this.heap.length = 0;
    this.cancelArmed?.();
    this.cancelArmed = undefined;
    this.armedAt = Infinity;
  }

  private arm(): void {
    this.cancelArmed?.();
    this.cancelArmed = undefined;
    const first = this.heap[0];
    if (!first || this.stopped) {
      this.armedAt = Infinity;
      return;
    }
    this.armedAt = first.at;
    this.cancelArmed = this.clock.setTimer(() => this.fire(), Math.max(0, first.at - this.clock.now()));
  }

  private fire(): void {
    this.cancelArmed = undefined;
    this.armedAt = Infinity;
    const now = this.clock.now();
    for (;;) {
      const first = this.heap[0];
      if (!first || first.at > now || this.stopped) break;
      this.pop();
      if (!first.cancelled) first.fn();
    }
    this.arm();
  }

  private less(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent] as Entry;
      if (!this.less(e, p)) break;
      h[i] = p;
      i = parent;
    }
    h[i] = e;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop();
    if (!last || h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const child = r < h.length && this.less(h[r] as Entry, h[l] as Entry) ? r : l;
      if (!this.less(h[child] as Entry, last)) break;
      h[i] = h[child] as Entry;
      i = child;
    }
    h[i] = last;
  }
}
