/** The query and path parameters the REST operations accept, as published in the OpenAPI documents. */

export interface Parameter {
  name: string;
  in: 'query' | 'path';
  type: 'string' | 'boolean' | 'integer';
  description: string;
  required?: boolean;
}

const q = (name: string, type: Parameter['type'], description: string): Parameter => ({
  name,
  in: 'query',
  type,
  description,
});

export const PRETTY = q('pretty', 'string', "When 'true', the response is indented for human readers.");

const DRY_RUN = q(
  'dryRun',
  'string',
  'When set (the only accepted value is All), the request is fully processed but nothing is persisted.',
);
const FIELD_MANAGER = q(
  'fieldManager',
  'string',
  'Name of the actor making this change; it is recorded in the managedFields of the object.',
);
const FIELD_VALIDATION = q(
  'fieldValidation',
  'string',
  'What to do with fields of the object that its schema does not know, or that appear twice: ' +
    'Ignore them, Warn about them (the default) in a Warning header, or reject the request (Strict).',
);

/** create and update. */
export const WRITE_PARAMS: Parameter[] = [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION];

export const PATCH_PARAMS: Parameter[] = [
  DRY_RUN,
  FIELD_MANAGER,
  FIELD_VALIDATION,
  q('force', 'boolean', 'Apply patches only: take over fields that other managers own instead of failing.'),
];

export const LIST_PARAMS: Parameter[] = [
  q(
    'allowWatchBookmarks',
    'boolean',
    'Ask a watch to send BOOKMARK events carrying the latest resourceVersion.',
  ),
  q('continue', 'string', 'Token returned by a previous limited list, to read its next chunk.'),
  q('fieldSelector', 'string', 'Only return objects whose fields match this selector.'),
  q('labelSelector', 'string', 'Only return objects whose labels match this selector.'),
  q('limit', 'integer', 'Most items to return; a continue token is set in the list when more remain.'),
  q(
    'resourceVersion',
    'string',
    'The version of the data the list or watch starts from (see resourceVersionMatch).',
  ),
  q('resourceVersionMatch', 'string', 'How resourceVersion constrains a list: Exact or NotOlderThan.'),
  q('sendInitialEvents', 'boolean', 'Start a watch with ADDED events for the objects that currently exist.'),
  q('timeoutSeconds', 'integer', 'Time limit of the list or watch call, in seconds.'),
  q('watch', 'boolean', 'Stream ADDED, MODIFIED and DELETED events instead of returning a list.'),
];

export const DELETE_PARAMS: Parameter[] = [
  DRY_RUN,
  q('gracePeriodSeconds', 'integer', 'Seconds to wait before the object is removed; zero means at once.'),
  q(
    'orphanDependents',
    'boolean',
    'Deprecated in favour of propagationPolicy: whether to orphan dependents.',
  ),
  q(
    'propagationPolicy',
    'string',
    'How the garbage collector treats dependents: Orphan, Background or Foreground.',
  ),
];

export const LOG_PARAMS: Parameter[] = [
  q('container', 'string', 'Container whose log to read; optional when the pod has only one.'),
  q('follow', 'boolean', 'Keep the stream open and send new lines as they are written.'),
  q('insecureSkipTLSVerifyBackend', 'boolean', 'Do not verify the serving certificate of the kubelet.'),
  q('limitBytes', 'integer', 'Stop after this many bytes.'),
  q('previous', 'boolean', 'Read the log of the previous, terminated instance of the container.'),
  q('sinceSeconds', 'integer', 'Only lines written in the last this many seconds.'),
  q('tailLines', 'integer', 'Only this many lines from the end of the log.'),
  q('timestamps', 'boolean', 'Prefix every line with its RFC3339 timestamp.'),
];

const STREAM_PARAMS: Parameter[] = [
  q('container', 'string', 'Container to connect to; optional when the pod has only one.'),
  q('stderr', 'boolean', 'Stream the standard error of the process.'),
  q('stdin', 'boolean', 'Stream the standard input to the process.'),
  q('stdout', 'boolean', 'Stream the standard output of the process.'),
  q('tty', 'boolean', 'Allocate a terminal for the process.'),
];

export const CONNECT_PARAMS: Record<string, Parameter[]> = {
  exec: [q('command', 'string', 'Command to run, one argument per occurrence.'), ...STREAM_PARAMS],
  attach: STREAM_PARAMS,
  portforward: [q('ports', 'integer', 'Ports of the pod to forward.')],
  proxy: [q('path', 'string', 'Path of the request to proxy.')],
};
