/**
 * The HTTP layer of the client (upstream client-go `rest`): one keep-alive agent per client, the
 * bearer token and the cluster CA, JSON in and out, and failures as `StatusError`s carrying the
 * Status the server sent (or one synthesised from the HTTP code when the body is not a Status).
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { StatusError, type Status, type StatusReason } from '../apimachinery/errors.js';

export interface RestClientOptions {
  /**
   * `https://host:port` (or `http://` for in-process tests); several, comma-separated, for servers
   * sharing one store: a server that refuses connections is skipped for the next one.
   */
  server: string;
  /** Bearer token. */
  token?: string;
  /** PEM of the CA that signed the server's certificate. */
  caCert?: string;
  /** Skip server certificate verification (never by default). */
  insecureSkipTLSVerify?: boolean;
  userAgent?: string;
  /** Deadline of every non-watch request (default 30 s). */
  timeoutMs?: number;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Default `application/json` when there is a body. */
  contentType?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

const reasonForCode: Record<number, StatusReason> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Expired',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  501: 'NotImplemented',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

const isStatus = (v: unknown): v is Status =>
  typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'Status';

/** The error for a non-2xx answer: the server's Status when it sent one (upstream's `errors.FromObject`). */
export function errorFromResponse(code: number, body: string): StatusError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (isStatus(parsed)) return new StatusError({ ...parsed, code: parsed.code || code });
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: body.trim() || `the server responded with HTTP ${code}`,
    reason: reasonForCode[code] ?? '',
    code,
  });
}

export function encodeQuery(query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

async function readBody(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Connection failures that prove the request never reached the server: safe to send elsewhere. */
const notConnected = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

export class RestClient {
  private readonly servers: URL[];
  private current = 0;
  private readonly agent: http.Agent;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;

  constructor(readonly options: RestClientOptions) {
    this.servers = options.server.split(',').map((s) => new URL(s.trim()));
    const secure = this.server.protocol === 'https:';
    this.agent = secure
      ? new https.Agent({
          keepAlive: true,
          ...(options.caCert ? { ca: options.caCert } : {}),
          rejectUnauthorized: !options.insecureSkipTLSVerify,
        })
      : new http.Agent({ keepAlive: true });
    this.headers = {
      Accept: 'application/json',
      'User-Agent': options.userAgent ?? 'cairn',
      ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
    };
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** The server requests go to now. */
  get server(): URL {
    return this.servers[this.current] as URL;
  }

  /**
   * Sends a request and answers the response once its headers arrived (the body is left to read).
   * A server that can't be connected to is passed over for the next one, each tried once; after
   * any other network error the next request goes to the next server.
   */
  async open(method: string, path: string, options: RequestOptions = {}): Promise<IncomingMessage> {
    for (let tries = 1; ; tries++) {
      try {
        return await this.openOn(this.server, method, path, options);
      } catch (err) {
        if (this.servers.length === 1 || options.signal?.aborted) throw err;
        this.current = (this.current + 1) % this.servers.length;
        const code = (err as NodeJS.ErrnoException).code ?? '';
        if (!notConnected.has(code) || tries >= this.servers.length) throw err;
      }
    }
  }

  private openOn(
    server: URL,
    method: string,
    path: string,
    options: RequestOptions,
  ): Promise<IncomingMessage> {
    const url = new URL(path + encodeQuery(options.query), server);
    const body = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
    const headers: Record<string, string> = { ...this.headers };
    if (body) {
      headers['Content-Type'] = options.contentType ?? 'application/json';
      headers['Content-Length'] = String(body.length);
    }
    const send = url.protocol === 'https:' ? https.request : http.request;
    return new Promise((resolve, reject) => {
      options.signal?.throwIfAborted();
      const req = send(url, { method, headers, agent: this.agent, signal: options.signal }, resolve);
      req.once('error', reject);
      const timeoutMs = options.timeoutMs ?? 0;
      if (timeoutMs > 0) {
        req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${url.pathname}: timed out`)));
      }
      req.end(body);
    });
  }

  /** A request whose JSON answer is returned; non-2xx answers throw a `StatusError`. */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.open(method, path, { timeoutMs: this.timeoutMs, ...options });
    const text = await readBody(res);
    const code = res.statusCode ?? 0;
    if (code < 200 || code > 299) throw errorFromResponse(code, text);
    return (text ? JSON.parse(text) : {}) as T;
  }

  /** The server's `/version`. */
  version(signal?: AbortSignal): Promise<{ gitVersion: string; major: string; minor: string }> {
    return this.request('GET', '/version', signal ? { signal } : {});
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.agent.destroy();
  }
}
