/**
 * The kubelet API: HTTPS on the node (port 10250 by default), for the API server only.
 *
 *   GET  /containerLogs/<ns>/<pod>/<container>?follow&tailLines&sinceSeconds&sinceTime&timestamps&previous&limitBytes
 *   GET|POST /exec/<ns>/<pod>/<container>?command=…&input|stdin&output|stdout&error|stderr&tty   (upgrade)
 *   GET|POST /attach/<ns>/<pod>/<container>?input|stdin&output|stdout&error|stderr&tty           (upgrade)
 *   GET|POST /portForward/<ns>/<pod>                                                              (upgrade)
 *   GET  /healthz
 *
 * Logs are read from the CRI log files. Exec, attach and port-forward ask the runtime for a
 * streaming URL (CRI Exec/Attach/PortForward) and proxy the client's upgrade request there as it
 * came: containerd's streaming server speaks SPDY and WebSocket (v4 and older channel protocols),
 * so whatever the client negotiates with it passes through (the API server makes sure it is one
 * of those). Authentication: tls.ts.
 */
import { X509Certificate } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { StatusError, badRequest, internal, notFoundPath, unauthorized } from '../../apimachinery/errors.js';
import { proxyUpgrade, writeRawError } from '../../apiserver/proxy/upgrade-aware.js';
import type { Logger } from '../../util/log.js';
import type { RuntimeService } from '../container/runtime.js';
import { LogOptionsError, parseLogOptions } from './logs/cri-log.js';
import { streamContainerLog } from './logs/container-logs.js';
import { containerInstances, findSandbox, runningContainer } from './pods.js';
import { clientCertIssuedBy, selfSignedCert } from './tls.js';

export const DEFAULT_KUBELET_PORT = 10250;

export interface KubeletServerOptions {
  runtime: RuntimeService;
  nodeName: string;
  /** Names and addresses for the serving certificate. */
  addresses: string[];
  /** PEM of the cluster CA: clients must present a certificate it issued. Absent: every request is refused. */
  caCert?: string;
  logger: Logger;
  /** default 10250; 0: any free port. */
  port?: number;
  /** default: every interface. */
  host?: string;
  /**
   * When `port` is taken, listen on a free port instead (and advertise that one): more than one
   * node on a machine (tests, `cairn up` beside `cairn agent`). Default true.
   */
  fallbackToFreePort?: boolean;
}

export interface KubeletServer {
  port: number;
  close(): Promise<void>;
}

type Route =
  | { kind: 'containerLogs'; namespace: string; pod: string; container: string }
  | { kind: 'exec' | 'attach'; namespace: string; pod: string; container: string }
  | { kind: 'portForward'; namespace: string; pod: string }
  | { kind: 'healthz' };

export function parseRoute(pathname: string): Route | undefined {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const [kind, namespace = '', pod = '', container = ''] = parts;
  switch (kind) {
    case 'healthz':
      return parts.length === 1 ? { kind } : undefined;
    case 'containerLogs':
    case 'exec':
    case 'attach':
      return parts.length === 4 ? { kind, namespace, pod, container } : undefined;
    case 'portForward':
      return parts.length === 3 ? { kind, namespace, pod } : undefined;
    default:
      return undefined;
  }
}

const flag = (q: URLSearchParams, ...names: string[]): boolean =>
  names.some((n) => ['true', '1', ''].includes(q.get(n) ?? 'false'));

/** Which streams an exec/attach asks for (the kubelet's names and the API's). A TTY merges stderr. */
export function streamOptions(q: URLSearchParams): {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
} {
  const tty = flag(q, 'tty');
  return {
    stdin: flag(q, 'input', 'stdin'),
    stdout: flag(q, 'output', 'stdout'),
    stderr: !tty && flag(q, 'error', 'stderr'),
    tty,
  };
}

export async function startKubeletServer(o: KubeletServerOptions): Promise<KubeletServer> {
  const log = o.logger.child({ component: 'kubelet-server' });
  const ca = o.caCert ? new X509Certificate(o.caCert) : undefined;
  const { cert, key } = await selfSignedCert(`${o.nodeName}@kubelet`, [
    o.nodeName,
    'localhost',
    ...o.addresses,
  ]);
  const authorized = (req: IncomingMessage) =>
    ca !== undefined && clientCertIssuedBy(req.socket as TLSSocket, ca);

  const upgraded = new Set<Duplex>(); // streams in progress: not the HTTP server's to close
  const server: Server = createServer({ cert, key, requestCert: true, rejectUnauthorized: false });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      try {
        if (!authorized(req)) throw unauthorized();
        const url = new URL(req.url ?? '/', 'https://kubelet');
        const route = parseRoute(url.pathname);
        if (!route) throw notFoundPath();
        switch (route.kind) {
          case 'healthz':
            res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
            return;
          case 'containerLogs':
            await serveLogs(o.runtime, route, url.searchParams, req, res);
            return;
          case 'exec':
          case 'attach':
          case 'portForward':
            throw badRequest('Upgrade request required');
        }
      } catch (err) {
        const e = toStatusError(err);
        if (e.code >= 500) log.warn({ err: e.message, url: req.url }, 'request failed');
        if (res.headersSent) res.end();
        else res.writeHead(e.code, { 'Content-Type': 'application/json' }).end(JSON.stringify(e.status));
      }
    })();
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    void (async () => {
      try {
        if (!authorized(req)) throw unauthorized();
        const url = new URL(req.url ?? '/', 'https://kubelet');
        const streamingUrl = new URL(await streamingURL(o.runtime, url));
        // WebSocket port-forward names its ports in the query of the streaming URL
        if (url.pathname.startsWith('/portForward/'))
          for (const p of url.searchParams.getAll('port')) streamingUrl.searchParams.append('port', p);
        await proxyUpgrade(req, socket, head, { url: streamingUrl });
      } catch (err) {
        const e = toStatusError(err);
        if (e.code >= 500) log.warn({ err: e.message, url: req.url }, 'stream failed');
        writeRawError(socket, e);
      }
    })();
  });

  const port = await listen(server, o.host, o.port ?? DEFAULT_KUBELET_PORT, o.fallbackToFreePort ?? true);
  if (port !== (o.port ?? DEFAULT_KUBELET_PORT))
    log.warn({ wanted: o.port ?? DEFAULT_KUBELET_PORT, port }, 'kubelet port taken: listening on a free one');
  if (!ca) log.warn('no cluster CA: the kubelet API refuses every request');
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        for (const socket of upgraded) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function listen(
  server: Server,
  host: string | undefined,
  port: number,
  fallback: boolean,
): Promise<number> {
  const attempt = (p: number) =>
    new Promise<number>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      server.once('error', onError);
      server.listen(p, host, () => {
        server.off('error', onError);
        resolve((server.address() as AddressInfo).port);
      });
    });
  try {
    return await attempt(port);
  } catch (err) {
    if (!fallback || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    return attempt(0);
  }
}

function toStatusError(err: unknown): StatusError {
  if (err instanceof StatusError) return err;
  if (err instanceof LogOptionsError) return badRequest(err.message);
  return internal(err instanceof Error ? err.message : String(err));
}

async function serveLogs(
  runtime: RuntimeService,
  r: { namespace: string; pod: string; container: string },
  q: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const o = parseLogOptions(q);
  const instances = await containerInstances(runtime, r.namespace, r.pod, r.container);
  const instance = o.previous ? instances[1] : instances[0];
  if (!instance) {
    throw badRequest(
      o.previous
        ? `previous terminated container "${r.container}" in pod "${r.pod}" not found`
        : `container "${r.container}" in pod "${r.pod}" is waiting to start: ContainerCreating`,
    );
  }
  const status = (await runtime.containerStatus(instance.id)).status;
  if (!status?.log_path) throw internal(`container "${r.container}" in pod "${r.pod}" has no log file`);
  const abort = new AbortController();
  res.once('close', () => abort.abort());
  req.once('close', () => abort.abort());
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  await streamContainerLog(
    status.log_path,
    { ...o, follow: o.follow && !o.previous },
    { write: (text) => res.write(text) },
    {
      signal: abort.signal,
      running: async () => {
        const s = await runtime.containerStatus(instance.id).catch(() => undefined);
        return s?.status?.state === 'CONTAINER_RUNNING';
      },
    },
  );
  res.end();
}

/** Asks the runtime for the streaming URL of an exec, attach or port-forward request. */
async function streamingURL(runtime: RuntimeService, url: URL): Promise<string> {
  const route = parseRoute(url.pathname);
  const q = url.searchParams;
  switch (route?.kind) {
    case 'exec': {
      const cmd = q.getAll('command');
      if (cmd.length === 0) throw badRequest('you must specify at least one command for the container');
      const id = await runningContainer(runtime, route.namespace, route.pod, route.container);
      return (await runtime.exec({ container_id: id, cmd, ...streamOptions(q) })).url;
    }
    case 'attach': {
      const id = await runningContainer(runtime, route.namespace, route.pod, route.container);
      return (await runtime.attach({ container_id: id, ...streamOptions(q) })).url;
    }
    case 'portForward': {
      const sandbox = await findSandbox(runtime, route.namespace, route.pod);
      const port = q
        .getAll('port')
        .map(Number)
        .filter((p) => Number.isInteger(p) && p > 0 && p < 65536);
      return (await runtime.portForward({ pod_sandbox_id: sandbox, port })).url;
    }
    default:
      throw notFoundPath();
  }
}
