/**
 * The API server: HTTPS (or plain HTTP for tests), bearer-token authentication, then one
 * generic path for every resource request:
 *
 *   URL → RequestInfo → registry lookup (404) → negotiate output (406)
 *       → subresource handler | get | list | watch | create | update | patch | delete
 *       → JSON / YAML / Table, or a Status error
 *
 * Non-resource paths: /version, /healthz, /livez, /readyz, /metrics, discovery, OpenAPI.
 */
import { type IncomingMessage, type ServerResponse, createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { methodNotSupported, notFoundPath, unauthorized } from '../apimachinery/errors.js';
import type { Api } from './api.js';
import { type TokenAuthenticator, type UserInfo, anonymous } from './authentication.js';
import {
  aggregatedContentType,
  aggregatedDiscovery,
  aggregatedVersion,
  apiGroupFor,
  apiGroupList,
  apiResourceList,
  apiVersions,
} from './discovery.js';
import { type RequestContext, writeError } from './handlers/context.js';
import { handleDelete, handleDeleteCollection } from './handlers/delete.js';
import { handleGet, handleList } from './handlers/read.js';
import { type WatchTuning, defaultWatchTuning, handleWatch } from './handlers/watch.js';
import { handleCreate, handlePatch, handleUpdate } from './handlers/write.js';
import { ApiMetrics } from './metrics.js';
import { negotiate } from './negotiation.js';
import { OpenAPIHandler } from './openapi.js';
import { parseResourcePath } from './request-info.js';
import { type SubresourceHandlers, builtinSubresources, kubeletSubresources } from './subresources.js';
import { handleAttach } from './handlers/attach.js';
import { handleExec } from './handlers/exec.js';
import { handlePortForward } from './handlers/portforward.js';
import type { KubeletClientConfig } from './proxy/kubelet.js';
import { writeRawError } from './proxy/upgrade-aware.js';
import { type UpgradeHandlers, serveUpgrade } from './streaming/upgrade.js';

export const serverVersion = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-cairn',
  gitCommit: '',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'node' + process.versions.node,
  compiler: 'tsc',
  platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
};

export interface ApiServerOptions {
  api: Api;
  logger: Logger;
  /** Absent: accept every request as the cluster admin (only for in-process tests). */
  authenticator?: TokenAuthenticator;
  /** PEM serving certificate and key; absent: plain HTTP. */
  tls?: { cert: string; key: string };
  host?: string;
  port?: number;
  subresources?: SubresourceHandlers;
  watch?: WatchTuning;
}

const publicPaths = new Set(['/healthz', '/livez', '/readyz', '/version']);

export class ApiServer {
  readonly metrics = new ApiMetrics();
  private readonly server;
  private readonly subresources: SubresourceHandlers;
  private readonly kubelet: KubeletClientConfig;
  private readonly upgraded = new Set<Duplex>();
  private readonly upgrades: UpgradeHandlers = new Map([
    ['pods/exec', handleExec],
    ['pods/attach', handleAttach],
    ['pods/portforward', handlePortForward],
  ]);
  private readonly openapi: OpenAPIHandler;

  constructor(private readonly options: ApiServerOptions) {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    this.server = options.tls
      ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler)
      : createHttpServer(handler);
    this.server.keepAliveTimeout = 65_000;
    // the kubelet API accepts the API server by its certificate (issued by the cluster CA)
    this.kubelet = options.tls ? { cert: options.tls.cert, key: options.tls.key } : {};
    this.subresources = new Map([
      ...kubeletSubresources(this.kubelet),
      ...(options.subresources ?? builtinSubresources()),
    ]);
    this.server.on(
      'upgrade',
      (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.handleUpgrade(req, socket, head),
    );
    this.openapi = new OpenAPIHandler(options.api);
  }

  async listen(): Promise<number> {
    const { host = '127.0.0.1', port = 0 } = this.options;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    const addr = this.server.address() as AddressInfo;
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    return `${this.options.tls ? 'https' : 'http'}://${host}:${addr.port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    for (const socket of this.upgraded) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'http://cairn');
    const labels = {
      verb: req.method ?? '',
      group: '',
      version: '',
      resource: '',
      subresource: '',
      scope: '',
    };
    let code = 200;
    try {
      const user = this.authenticate(req, url.pathname);
      code = await this.route(req, res, url, user, labels);
    } catch (err) {
      code = writeError(res, err);
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.metrics.observe(labels, code, seconds);
      if (code >= 500)
        this.options.logger.error({ method: req.method, path: url.pathname, code }, 'request failed');
      else this.options.logger.debug({ method: req.method, path: url.pathname, code, seconds }, 'request');
    }
  }

  /** WebSocket/SPDY upgrade requests: exec, attach, port-forward (streaming/upgrade.ts). */
  private async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    // upgraded connections are not the HTTP server's any more: closing must end them itself
    this.upgraded.add(socket);
    socket.once('close', () => this.upgraded.delete(socket));
    const path = new URL(req.url ?? '/', 'http://cairn').pathname;
    try {
      const user = this.authenticate(req, path);
      await serveUpgrade(
        { api: this.options.api, kubelet: this.kubelet, handlers: this.upgrades },
        req,
        socket,
        head,
        user,
      );
    } catch (err) {
      const code = writeRawError(socket, err);
      if (code >= 500)
        this.options.logger.error(
          { method: req.method, path, code, err: (err as Error).message },
          'upgrade failed',
        );
    }
  }

  private authenticate(req: IncomingMessage, path: string): UserInfo {
    const auth = this.options.authenticator;
    if (!auth) return { name: 'admin', groups: ['system:masters', 'system:authenticated'] };
    const user = auth.authenticate(req);
    if (user) return user;
    if (publicPaths.has(path)) return anonymous;
    throw unauthorized();
  }

  private writeJson(
    res: ServerResponse,
    body: unknown,
    contentType = 'application/json',
    code = 200,
  ): number {
    res.writeHead(code, { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
    return code;
  }

  private async route(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    user: UserInfo,
    labels: Record<string, string>,
  ): Promise<number> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const { api } = this.options;
    const accept = req.headers.accept;
    switch (path) {
      case '/version':
        return this.writeJson(res, serverVersion);
      case '/healthz':
      case '/livez':
      case '/readyz':
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('ok');
        return 200;
      case '/metrics': {
        const m = await this.metrics.text();
        return this.writeJson(res, m.body, m.contentType);
      }
      case '/api': {
        const v = aggregatedVersion(accept);
        if (v)
          return this.writeJson(res, aggregatedDiscovery(api.resources, true, v), aggregatedContentType(v));
        return this.writeJson(res, apiVersions(req.headers.host ?? ''));
      }
      case '/apis': {
        const v = aggregatedVersion(accept);
        if (v)
          return this.writeJson(res, aggregatedDiscovery(api.resources, false, v), aggregatedContentType(v));
        return this.writeJson(res, apiGroupList(api.resources));
      }
    }
    if (path === '/openapi/v2' || path === '/openapi/v3' || path.startsWith('/openapi/v3/')) {
      return this.openapi.serve(req, res, url);
    }
    const parts = path.split('/').filter(Boolean);
    if (parts[0] === 'apis' && parts.length === 2) {
      const g = apiGroupFor(api.resources, parts[1] ?? '');
      if (!g) throw notFoundPath();
      return this.writeJson(res, g);
    }
    if ((parts[0] === 'api' && parts.length === 2) || (parts[0] === 'apis' && parts.length === 3)) {
      const [group, version] = parts[0] === 'api' ? ['', parts[1] ?? ''] : [parts[1] ?? '', parts[2] ?? ''];
      const list = apiResourceList(api.resources, group, version);
      if (!list) throw notFoundPath();
      return this.writeJson(res, list);
    }
    const info = parseResourcePath(
      path,
      req.method ?? 'GET',
      url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1',
    );
    if (!info) throw notFoundPath();
    Object.assign(labels, {
      verb: info.verb.toUpperCase(),
      group: info.group,
      version: info.version,
      resource: info.resource,
      subresource: info.subresource,
      scope: info.name ? 'resource' : info.namespace ? 'namespace' : 'cluster',
    });
    const registry = api.lookup(info.group, info.version, info.resource);
    if (!registry) throw notFoundPath();
    const resource = registry.resource;
    // a subresource is served when the resource lists it or a handler is registered for it (serviceaccounts/token)
    const handled = this.subresources.has(`${info.resource}/${info.subresource}`);
    if (info.subresource && !resource.subresources.includes(info.subresource) && !handled)
      throw notFoundPath();
    const ctx: RequestContext = {
      req,
      res,
      query: url.searchParams,
      info,
      resource,
      registry,
      api,
      user,
      output: negotiate(accept, !info.subresource),
      warnings: [],
    };
    const custom = info.subresource
      ? this.subresources.get(`${info.resource}/${info.subresource}`)
      : undefined;
    if (custom) {
      await custom(ctx);
      return res.statusCode;
    }
    if (info.subresource && info.subresource !== 'status')
      throw methodNotSupported(
        { group: info.group, resource: `${info.resource}/${info.subresource}` },
        info.verb,
      );
    switch (info.verb) {
      case 'get':
        await handleGet(ctx);
        break;
      case 'list':
        await handleList(ctx);
        break;
      case 'watch':
        await handleWatch(ctx, this.options.watch ?? defaultWatchTuning);
        break;
      case 'create':
        if (info.name) throw methodNotSupported({ group: info.group, resource: info.resource }, 'create');
        await handleCreate(ctx);
        break;
      case 'update':
        await handleUpdate(ctx);
        break;
      case 'patch':
        await handlePatch(ctx);
        break;
      case 'delete':
        if (info.subresource)
          throw methodNotSupported({ group: info.group, resource: info.resource }, 'delete');
        await handleDelete(ctx);
        break;
      case 'deletecollection':
        await handleDeleteCollection(ctx);
        break;
    }
    return res.statusCode;
  }
}
