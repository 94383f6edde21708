/** gRPC status → RuntimeError: the runtime's failures reach the agent with stable codes. */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { RuntimeError, type RuntimeErrorCode } from '../container/errors.js';

const byStatus: Partial<Record<number, RuntimeErrorCode>> = {
  [GrpcStatus.CANCELLED]: 'Canceled',
  [GrpcStatus.INVALID_ARGUMENT]: 'InvalidArgument',
  [GrpcStatus.DEADLINE_EXCEEDED]: 'DeadlineExceeded',
  [GrpcStatus.NOT_FOUND]: 'NotFound',
  [GrpcStatus.ALREADY_EXISTS]: 'AlreadyExists',
  [GrpcStatus.FAILED_PRECONDITION]: 'FailedPrecondition',
  [GrpcStatus.UNIMPLEMENTED]: 'Unimplemented',
  [GrpcStatus.INTERNAL]: 'Internal',
  [GrpcStatus.UNAVAILABLE]: 'Unavailable',
};

interface GrpcErrorLike {
  code: number;
  details?: string;
  message?: string;
}

const isGrpcError = (err: unknown): err is GrpcErrorLike =>
  typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'number';

export function runtimeErrorFromGrpc(err: unknown, method: string): RuntimeError {
  if (err instanceof RuntimeError) return err;
  if (isGrpcError(err)) {
    const code = byStatus[err.code] ?? 'Unknown';
    return new RuntimeError(code, err.details || err.message || `gRPC status ${err.code}`, method, {
      cause: err,
    });
  }
  return new RuntimeError('Unknown', err instanceof Error ? err.message : String(err), method, {
    cause: err,
  });
}
