/** A `PodEventRecorder` that only logs, at debug (lifecycles without an API: tests, tools). */
import type { Logger } from '../../util/log.js';
import type { PodEventRecorder } from './reasons.js';

export const loggingEventRecorder = (logger: Logger): PodEventRecorder => ({
  pod: (pod, type, reason, message) =>
    logger.debug({ pod: pod.metadata?.name, namespace: pod.metadata?.namespace, type, reason }, message),
  container: (pod, container, type, reason, message) =>
    logger.debug(
      { pod: pod.metadata?.name, namespace: pod.metadata?.namespace, container, type, reason },
      message,
    ),
});
