/**
 * gRPC probe (upstream `pkg/probe/grpc`): `grpc.health.v1.Health/Check` over plaintext to the
 * pod IP with the probe's `service`; SERVING is a success, any other status, a server without
 * the health service, or no answer within the timeout a failure.
 *
 * The health service is defined inline (two one-field messages, encoded by hand) instead of
 * loading a .proto: `healthServiceDefinition` serves the client here and test servers alike.
 */
import {
  credentials,
  makeGenericClientConstructor,
  Metadata,
  status as GrpcStatus,
  type ServiceError,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import { joinHostPort, PROBE_USER_AGENT, type ProbeOutcome } from './index.js';

export const servingStatuses = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'] as const;
export type ServingStatus = (typeof servingStatuses)[number];

export interface HealthCheckRequest {
  service: string;
}
export interface HealthCheckResponse {
  status: ServingStatus;
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}

/** Reads the varint at `buf[pos]`: [value, next position]. */
function readVarint(buf: Buffer, pos: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = buf[pos++];
    if (b === undefined) throw new Error('truncated varint');
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return [value, pos];
    shift += 7;
  }
}

/** Field 1 of a message, when it is there (other fields skipped by wire type). */
function field1(buf: Buffer): { varint?: number; bytes?: Buffer } {
  let pos = 0;
  const out: { varint?: number; bytes?: Buffer } = {};
  while (pos < buf.length) {
    let key: number;
    [key, pos] = readVarint(buf, pos);
    const wire = key & 7;
    const field = key >>> 3;
    if (wire === 0) {
      let v: number;
      [v, pos] = readVarint(buf, pos);
      if (field === 1) out.varint = v;
    } else if (wire === 2) {
      let len: number;
      [len, pos] = readVarint(buf, pos);
      if (field === 1) out.bytes = buf.subarray(pos, pos + len);
      pos += len;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

const encodeRequest = (r: HealthCheckRequest): Buffer => {
  const s = Buffer.from(r.service ?? '');
  return s.length ? Buffer.from([0x0a, ...varint(s.length), ...s]) : Buffer.alloc(0);
};
const decodeRequest = (b: Buffer): HealthCheckRequest => ({
  service: field1(b).bytes?.toString('utf8') ?? '',
});
const encodeResponse = (r: HealthCheckResponse): Buffer => {
  const n = servingStatuses.indexOf(r.status);
  return n > 0 ? Buffer.from([0x08, ...varint(n)]) : Buffer.alloc(0);
};
const decodeResponse = (b: Buffer): HealthCheckResponse => ({
  status: servingStatuses[field1(b).varint ?? 0] ?? 'UNKNOWN',
});

/** `grpc.health.v1.Health` with its `Check` method. */
export const healthServiceDefinition = {
  Check: {
    path: '/grpc.health.v1.Health/Check',
    requestStream: false,
    responseStream: false,
    requestSerialize: encodeRequest,
    requestDeserialize: decodeRequest,
    responseSerialize: encodeResponse,
    responseDeserialize: decodeResponse,
  },
} satisfies ServiceDefinition;

const HealthClient = makeGenericClientConstructor(healthServiceDefinition, 'grpc.health.v1.Health');

export async function grpcProbe(
  host: string,
  port: number,
  service: string,
  timeoutMs: number,
): Promise<ProbeOutcome> {
  const addr = joinHostPort(host, port);
  const client = new HealthClient(addr, credentials.createInsecure(), {
    'grpc.primary_user_agent': PROBE_USER_AGENT,
  });
  const deadline = Date.now() + timeoutMs;
  const seconds = `${timeoutMs / 1000}s`;
  try {
    const ready = await new Promise<Error | undefined>((resolve) => client.waitForReady(deadline, resolve));
    if (ready) {
      return {
        result: 'Failure',
        output: `timeout: failed to connect service ${JSON.stringify(addr)} within ${seconds}: ${ready.message}`,
      };
    }
    const res = await new Promise<HealthCheckResponse | ServiceError>((resolve) => {
      const check = client['Check'] as (
        req: HealthCheckRequest,
        md: Metadata,
        opts: { deadline: number },
        cb: (err: ServiceError | null, res?: HealthCheckResponse) => void,
      ) => void;
      check.call(client, { service }, new Metadata(), { deadline }, (err, r) =>
        resolve(err ?? r ?? { status: 'UNKNOWN' }),
      );
    });
    if ('code' in res) {
      if (res.code === GrpcStatus.UNIMPLEMENTED) {
        return {
          result: 'Failure',
          output: `this server does not implement the grpc health protocol (grpc.health.v1.Health): ${res.details}`,
        };
      }
      if (res.code === GrpcStatus.DEADLINE_EXCEEDED) {
        return { result: 'Failure', output: `timeout: health rpc did not complete within ${seconds}` };
      }
      return { result: 'Failure', output: `error: health rpc probe failed: ${res.message}` };
    }
    if (res.status !== 'SERVING') {
      return {
        result: 'Failure',
        output: `service unhealthy (responded with ${JSON.stringify(res.status)})`,
      };
    }
    return { result: 'Success', output: '' };
  } finally {
    client.close();
  }
}
