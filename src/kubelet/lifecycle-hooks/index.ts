/**
 * postStart and preStop (upstream kuberuntime `startContainer`/`killContainer` around the
 * lifecycle handlers), behind the small `LifecycleHooks` seam the pod sync uses:
 *
 *   StartContainer ─▶ postStart ─ ok ─▶ the container counts as started (the sync goes on)
 *                         └─ failed ─▶ FailedPostStartHook event, container killed,
 *                                      start fails with PostStartHookError
 *   preStop (within the grace period) ─▶ StopContainer with what is left of it (at least 2 s)
 */
import type { Logger } from '../../util/log.js';
import type { Clock } from '../lifecycle.js';
import type { ContainerEventRecorder } from '../prober/prober.js';
import { HandlerRunner, type HookTarget } from './handlers.js';

export { HandlerRunner, type HandlerRunnerOptions, type HookTarget } from './handlers.js';

export interface LifecycleHooks {
  /** Runs the container's postStart hook (if any): null when it succeeded, else the failure message. */
  postStart(target: HookTarget): Promise<string | null>;
  /**
   * Runs the container's preStop hook (if any) for at most `gracePeriodSeconds`; resolves the
   * grace period left for StopContainer.
   */
  preStop(target: HookTarget, gracePeriodSeconds: number): Promise<number>;
}

/** Upstream's `minimumGracePeriodInSeconds`: what StopContainer gets at least after a preStop hook. */
export const MINIMUM_GRACE_PERIOD_SECONDS = 2;

export interface LifecycleHooksOptions {
  runner: HandlerRunner;
  clock: Clock;
  logger: Logger;
  recorder: ContainerEventRecorder;
}

export function createLifecycleHooks(o: LifecycleHooksOptions): LifecycleHooks {
  return {
    async postStart(target) {
      const handler = target.container.lifecycle?.postStart;
      if (!handler) return null;
      const failure = await o.runner.run(target, handler);
      if (failure !== null) {
        o.recorder(target.pod, target.container.name, 'Warning', 'FailedPostStartHook', failure);
      }
      return failure;
    },
    async preStop(target, gracePeriodSeconds) {
      const handler = target.container.lifecycle?.preStop;
      if (!handler || gracePeriodSeconds <= 0) return gracePeriodSeconds;
      const start = o.clock.now().getTime();
      const abort = new AbortController();
      let timer: { cancel(): void } | undefined;
      const expired = new Promise<'expired'>((resolve) => {
        timer = o.clock.setTimeout(() => resolve('expired'), gracePeriodSeconds * 1000);
      });
      const outcome = await Promise.race([o.runner.run(target, handler, abort.signal), expired]);
      timer?.cancel();
      abort.abort();
      if (outcome === 'expired') {
        o.logger.info(
          { pod: target.pod.metadata?.name, container: target.container.name, gracePeriodSeconds },
          'preStop hook did not complete within the grace period',
        );
      } else if (outcome !== null) {
        o.recorder(target.pod, target.container.name, 'Warning', 'FailedPreStopHook', outcome);
      }
      const elapsed = Math.floor((o.clock.now().getTime() - start) / 1000);
      return Math.max(MINIMUM_GRACE_PERIOD_SECONDS, gracePeriodSeconds - elapsed);
    },
  };
}
