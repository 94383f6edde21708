/** DefaultBinder: binds the pod to the chosen node through the API (pods/binding). */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { SchedulerHandle } from '../../framework/extensions.js';
import {
  type BindPlugin,
  type CycleState,
  type Handle,
  type PluginFactory,
  type Status,
  error,
  success,
} from '../../framework/interface.js';

export const name = 'DefaultBinder';

type BindingHandle = Handle & Pick<SchedulerHandle, 'bind'>;

export class DefaultBinder implements BindPlugin {
  readonly name = name;

  constructor(private readonly handle: BindingHandle) {}

  async bind(_state: CycleState, pod: Pod, nodeName: string): Promise<Status> {
    if (typeof this.handle.bind !== 'function') return error(`${name}: the framework handle has no bind()`);
    try {
      await this.handle.bind(pod, nodeName);
      return success();
    } catch (e) {
      return error(e instanceof Error ? e.message : String(e));
    }
  }
}

/** The scheduler's Handle must implement `bind(pod, nodeName)` (SchedulerHandle); without it Bind errors. */
export const defaultBinderFactory: PluginFactory = (_args, handle) =>
  new DefaultBinder(handle as BindingHandle);
