/**
 * One gRPC channel to a CRI runtime over its unix socket, and unary calls with per-call deadlines
 * and cancellation. Method definitions come from the vendored proto (proto.ts).
 */
import { Client, credentials, Metadata, type ChannelOptions } from '@grpc/grpc-js';
import type { ServiceDefinition } from '@grpc/proto-loader';
import { RuntimeError } from '../container/errors.js';
import type { CallOptions } from '../container/runtime.js';
import { runtimeErrorFromGrpc } from './errors.js';
import { loadCriServices } from './proto.js';

export interface CriConnectionOptions {
  /** Path of the runtime's unix socket (`/run/containerd/containerd.sock`), or a `unix:` target. */
  socket: string;
  /** Deadline of a call that sets none (default 2 min, upstream's runtime-request-timeout). */
  defaultTimeoutMs?: number;
  /** Largest message either way (default 16 MiB, as upstream's kubelet). */
  maxMessageBytes?: number;
  /** The proto to load (default: the vendored one). */
  protoPath?: string;
}

export type CriServiceName = 'runtime' | 'image';

export const socketTarget = (socket: string): string =>
  socket.startsWith('unix:') ? socket : `unix://${socket}`;

export class CriConnection {
  readonly defaultTimeoutMs: number;
  private readonly client: Client;
  private readonly services: Record<CriServiceName, ServiceDefinition>;

  constructor(options: CriConnectionOptions) {
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? 120_000;
    const max = options.maxMessageBytes ?? 16 * 1024 * 1024;
    const channelOptions: ChannelOptions = {
      'grpc.max_receive_message_length': max,
      'grpc.max_send_message_length': max,
      // a restarted runtime is found again within a second, not after grpc's 1–120 s backoff
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 1000,
    };
    this.client = new Client(socketTarget(options.socket), credentials.createInsecure(), channelOptions);
    this.services = loadCriServices(options.protoPath);
  }

  /** Calls `service.method` (`'runtime'`, `'RunPodSandbox'`); failures are RuntimeErrors. */
  unary<Res>(service: CriServiceName, method: string, request: object, opts: CallOptions = {}): Promise<Res> {
    const def = this.services[service][method];
    if (!def) return Promise.reject(new Error(`CRI ${service} service has no method ${method}`));
    const timeoutMs = opts.timeoutMs ?? this.defaultTimeoutMs;
    return new Promise<Res>((resolve, reject) => {
      if (opts.signal?.aborted) {
        reject(new RuntimeError('Canceled', 'aborted before the call', method));
        return;
      }
      const onAbort = (): void => call.cancel();
      const call = this.client.makeUnaryRequest<object, object>(
        def.path,
        def.requestSerialize,
        def.responseDeserialize,
        request,
        new Metadata(),
        { deadline: new Date(Date.now() + timeoutMs) },
        (err, res) => {
          opts.signal?.removeEventListener('abort', onAbort);
          if (err) reject(runtimeErrorFromGrpc(err, method));
          else resolve(res as Res);
        },
      );
      opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  close(): void {
    this.client.close();
  }
}
