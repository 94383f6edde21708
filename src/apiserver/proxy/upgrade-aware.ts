/**
 * An upgrade-aware proxy (upstream `UpgradeAwareHandler`): forwards a client's upgrade request
 * (SPDY or WebSocket) to a backend and, once the backend switches protocols, pipes the two
 * connections byte for byte, whatever protocol they speak. A refusal is relayed as a response.
 * `dialUpgrade` is the client half: it asks a backend to upgrade and hands back the socket.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import {
  type Status,
  StatusError,
  badRequest,
  internal,
  serviceUnavailable,
  unauthorized,
} from '../../apimachinery/errors.js';

export interface UpgradeTarget {
  /** Backend URL: path and query of the request to make. */
  url: URL;
  /** https: client certificate and the trust of the backend's certificate. */
  tls?: { cert?: string; key?: string; ca?: string; rejectUnauthorized?: boolean };
}

export interface Upgraded {
  res: IncomingMessage;
  socket: Duplex;
  head: Buffer;
}

/** The backend answered without switching protocols. */
export class UpgradeRefused extends Error {
  readonly code = 'UpgradeRefused';
  constructor(
    readonly statusCode: number,
    readonly headers: IncomingHttpHeaders,
    readonly body: Buffer,
  ) {
    super(`upgrade refused with ${statusCode}: ${body.toString().slice(0, 500)}`);
  }

  /** The backend's Status when it sent one, else one made from the status code and body. */
  toStatusError(): StatusError {
    try {
      const s = JSON.parse(this.body.toString()) as Partial<Status>;
      if (s.kind === 'Status' && typeof s.code === 'number') return new StatusError(s as Status);
    } catch {
      // not JSON: a plain-text error
    }
    const message = this.body.toString().trim() || `upgrade refused (${this.statusCode})`;
    switch (this.statusCode) {
      case 400:
        return badRequest(message);
      case 401:
        return unauthorized(message);
      default:
        return internal(message);
    }
  }
}

/** Hop-by-hop or credential headers never forwarded as they came. */
const dropped = new Set(['host', 'authorization', 'proxy-authorization', 'content-length']);

/** The client's headers, minus its credentials, for the backend. */
export function forwardedHeaders(req: IncomingMessage): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || dropped.has(name)) continue;
    out[name] = value;
  }
  return out;
}

function request(
  target: UpgradeTarget,
  method: string,
  headers: Record<string, string | string[]>,
): http.ClientRequest {
  const https_ = target.url.protocol === 'https:';
  const options: https.RequestOptions = {
    method,
    hostname: target.url.hostname.replace(/^\[|\]$/g, ''),
    port: target.url.port || (https_ ? 443 : 80),
    path: target.url.pathname + target.url.search,
    headers,
    agent: false,
    ...(https_ ? target.tls : {}),
  };
  return https_ ? https.request(options) : http.request(options);
}

/** Asks `target` to switch protocols; rejects with `UpgradeRefused` on any other answer. */
export function dialUpgrade(
  target: UpgradeTarget,
  method: string,
  headers: Record<string, string | string[]>,
): Promise<Upgraded> {
  return new Promise((resolve, reject) => {
    const req = request(target, method, headers);
    req.once('upgrade', (res, socket, head) => resolve({ res, socket, head }));
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () =>
        reject(new UpgradeRefused(res.statusCode ?? 502, res.headers, Buffer.concat(chunks))),
      );
      res.once('error', reject);
    });
    req.once('error', (err) => reject(serviceUnavailable(`error dialing backend: ${err.message}`)));
    req.end();
  });
}

/** Serialises a response head as it goes on the wire. */
export function responseHead(code: number, message: string, rawHeaders: string[]): string {
  let head = `HTTP/1.1 ${code} ${message}\r\n`;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) head += `${rawHeaders[i]}: ${rawHeaders[i + 1]}\r\n`;
  return head + '\r\n';
}

/** Writes an error response on a raw (not yet upgraded) connection and closes it. */
export function writeRawError(socket: Duplex, err: unknown): number {
  const e = err instanceof StatusError ? err : internal(err instanceof Error ? err.message : String(err));
  const body = JSON.stringify(e.status);
  if (socket.writable) {
    socket.end(
      responseHead(e.code, http.STATUS_CODES[e.code] ?? 'Error', [
        'Content-Type',
        'application/json',
        'Content-Length',
        String(Buffer.byteLength(body)),
        'Connection',
        'close',
      ]) + body,
    );
  }
  return e.code;
}

/** Pipes two upgraded connections until either ends. */
export function splice(a: Duplex, b: Duplex): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      a.destroy();
      b.destroy();
      resolve();
    };
    a.pipe(b);
    b.pipe(a);
    for (const s of [a, b]) {
      s.once('close', finish);
      s.once('error', finish);
      s.once('end', () => setTimeout(finish, 50).unref());
    }
  });
}

/**
 * Forwards `req` (already read up to `head`) to `target` and relays the answer to `client`:
 * the 101 and then the raw bytes both ways, or the refusal as it came.
 */
export async function proxyUpgrade(
  req: IncomingMessage,
  client: Duplex,
  head: Buffer,
  target: UpgradeTarget,
): Promise<void> {
  let upgraded: Upgraded;
  try {
    upgraded = await dialUpgrade(target, req.method ?? 'GET', forwardedHeaders(req));
  } catch (err) {
    if (err instanceof UpgradeRefused) {
      const raw: string[] = [];
      for (const [k, v] of Object.entries(err.headers)) {
        if (v === undefined || k === 'transfer-encoding' || k === 'content-length' || k === 'connection')
          continue;
        for (const one of Array.isArray(v) ? v : [v]) raw.push(k, one);
      }
      raw.push('Content-Length', String(err.body.length), 'Connection', 'close');
      client.end(
        Buffer.concat([
          Buffer.from(responseHead(err.statusCode, http.STATUS_CODES[err.statusCode] ?? '', raw)),
          err.body,
        ]),
      );
      return;
    }
    writeRawError(client, err);
    return;
  }
  const { res, socket, head: backendHead } = upgraded;
  client.write(responseHead(101, 'Switching Protocols', res.rawHeaders));
  if (backendHead.length) client.write(backendHead);
  if (head.length) socket.write(head);
  await splice(client, socket);
}
