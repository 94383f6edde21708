/**
 * Runtime errors with stable codes, shared by every Runtime implementation (the CRI client maps
 * gRPC status codes onto them; the sim runtime throws them directly). Callers branch on `code`
 * through the predicates, never on messages.
 */

export const runtimeErrorCodes = [
  'NotFound',
  'AlreadyExists',
  'InvalidArgument',
  'FailedPrecondition',
  'DeadlineExceeded',
  'Unavailable',
  'Unimplemented',
  'Canceled',
  'Internal',
  'Unknown',
] as const;

export type RuntimeErrorCode = (typeof runtimeErrorCodes)[number];

export class RuntimeError extends Error {
  constructor(
    readonly code: RuntimeErrorCode,
    message: string,
    /** The runtime call that failed (`RunPodSandbox`, …), when known. */
    readonly method = '',
    options?: { cause?: unknown },
  ) {
    super(method ? `${method}: ${message}` : message, options);
    this.name = 'RuntimeError';
  }
}

export const isRuntimeError = (err: unknown, code?: RuntimeErrorCode): err is RuntimeError =>
  err instanceof RuntimeError && (code === undefined || err.code === code);

export const isNotFound = (err: unknown): boolean => isRuntimeError(err, 'NotFound');
export const isUnavailable = (err: unknown): boolean => isRuntimeError(err, 'Unavailable');
export const isUnimplemented = (err: unknown): boolean => isRuntimeError(err, 'Unimplemented');
export const isDeadlineExceeded = (err: unknown): boolean => isRuntimeError(err, 'DeadlineExceeded');
