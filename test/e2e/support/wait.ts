/** Polling for e2e tests: a condition on a real cluster, tried until it holds or time runs out. */
import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  /** How long to keep trying (default 60 s). */
  timeoutMs?: number;
  /** The pause between tries (default 250 ms). */
  intervalMs?: number;
  /**
   * Errors the check throws count as "not yet" (the last one is named on timeout); without this
   * the first error ends the wait.
   */
  ignoreErrors?: boolean;
  /** Runs before every try; what it throws ends the wait at once (a process that exited, say). */
  precondition?: () => void;
  /** More to say on a timeout, such as a process log. */
  details?: () => string;
}

/** A check: a value once the condition holds, undefined while it does not yet. */
export type Check<T> = () => Promise<T | undefined>;

export type WaitFor = <T>(what: string, check: Check<T>, timeout?: number | WaitOptions) => Promise<T>;

/** Tries `check` until it returns a value, which it resolves to; throws naming `what` on timeout. */
export async function waitFor<T>(
  what: string,
  check: Check<T>,
  timeout: number | WaitOptions = {},
): Promise<T> {
  const o = typeof timeout === 'number' ? { timeoutMs: timeout } : timeout;
  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  let last: unknown;
  for (;;) {
    o.precondition?.();
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      if (!o.ignoreErrors) throw err;
      last = err;
    }
    if (Date.now() > deadline) {
      const cause = last === undefined ? '' : `: ${String(last)}`;
      const details = o.details ? `\n${o.details()}` : '';
      throw new Error(`timed out waiting for ${what}${cause}${details}`);
    }
    await sleep(o.intervalMs ?? 250);
  }
}

/** `waitFor` with other defaults (a number given at a call is its timeout). */
export function waiter(defaults: WaitOptions): WaitFor {
  return (what, check, timeout = {}) =>
    waitFor(what, check, {
      ...defaults,
      ...(typeof timeout === 'number' ? { timeoutMs: timeout } : timeout),
    });
}
