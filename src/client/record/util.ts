/**
 * Small helpers of the recorder (upstream `tools/record/util`): the message limit and the
 * timestamp format of core/v1 Events.
 */

/** Upstream's limit on an Event's message (its "note"), in characters. */
export const NOTE_LENGTH_LIMIT = 1024;

/** Messages longer than the limit keep their start, marked with " ...". */
export function truncateMessage(message: string): string {
  if (message.length <= NOTE_LENGTH_LIMIT) return message;
  const suffix = ' ...';
  return message.slice(0, NOTE_LENGTH_LIMIT - suffix.length) + suffix;
}

/** `firstTimestamp` / `lastTimestamp`: RFC 3339 to the second, as metav1.Time serialises. */
export const rfc3339 = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;
