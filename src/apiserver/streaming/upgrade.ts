/**
 * Upgrade requests (WebSocket, SPDY) reaching the API server: only `pods/exec`, `pods/attach` and
 * `pods/portforward` take them. Each handler resolves the pod's kubelet and either proxies the
 * upgrade unchanged (SPDY, WebSocket protocols the backend speaks) or accepts the WebSocket here
 * and bridges it (v5 channels, the port-forward SPDY tunnel).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { badRequest, notFoundPath } from '../../apimachinery/errors.js';
import type { Api } from '../api.js';
import type { UserInfo } from '../authentication.js';
import type { RegistryStore } from '../generic-registry/store.js';
import type { KubeletClientConfig } from '../proxy/kubelet.js';
import { type ResourceRequest, parseResourcePath } from '../request-info.js';
import { channelProtocols } from './channels.js';
import { SPDY_TUNNEL_PORTFORWARD } from './tunnel.js';

export interface UpgradeContext {
  req: IncomingMessage;
  socket: Duplex;
  head: Buffer;
  query: URLSearchParams;
  info: ResourceRequest;
  api: Api;
  registry: RegistryStore;
  user: UserInfo;
  kubelet: KubeletClientConfig;
}

export type UpgradeHandler = (ctx: UpgradeContext) => Promise<void>;
export type UpgradeHandlers = Map<string, UpgradeHandler>;

export type UpgradeKind = 'websocket' | 'spdy' | 'other';

export function upgradeKind(req: IncomingMessage): UpgradeKind {
  const up = (req.headers.upgrade ?? '').toLowerCase();
  if (up === 'websocket') return 'websocket';
  if (up.startsWith('spdy/')) return 'spdy';
  return 'other';
}

/** The WebSocket subprotocols a client offers. */
export const offeredProtocols = (req: IncomingMessage): string[] =>
  (req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);

const channels = new WebSocketServer({
  noServer: true,
  perMessageDeflate: false,
  handleProtocols: (offered: Set<string>) => channelProtocols.find((p) => offered.has(p)) ?? false,
});
// `ws` refuses `SPDY/3.1+portforward.k8s.io` as a subprotocol token (the `/`): the tunnel's
// handshake is done without its parsing, the protocol named in the answer by hand
const tunnel = new WebSocketServer({ noServer: true, perMessageDeflate: false });
tunnel.on('headers', (headers: string[]) =>
  headers.push(`Sec-WebSocket-Protocol: ${SPDY_TUNNEL_PORTFORWARD}`),
);

/**
 * Completes the WebSocket handshake: with the first channel protocol the client offered, or
 * with the port-forward tunnel protocol.
 */
export function acceptWebSocket(
  ctx: UpgradeContext,
  as: 'channels' | 'tunnel' = 'channels',
): Promise<WebSocket> {
  const wss = as === 'tunnel' ? tunnel : channels;
  if (as === 'tunnel') delete ctx.req.headers['sec-websocket-protocol'];
  return new Promise((resolve) => wss.handleUpgrade(ctx.req, ctx.socket, ctx.head, (ws) => resolve(ws)));
}

export async function serveUpgrade(
  o: { api: Api; kubelet: KubeletClientConfig; handlers: UpgradeHandlers },
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  user: UserInfo,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://cairn');
  const info = parseResourcePath(url.pathname.replace(/\/+$/, ''), req.method ?? 'GET', false);
  if (!info) throw notFoundPath();
  const registry = o.api.lookup(info.group, info.version, info.resource);
  if (!registry) throw notFoundPath();
  const handler = o.handlers.get(`${info.resource}/${info.subresource}`);
  if (!handler || info.group !== '') throw badRequest(`${url.pathname} does not take upgrade requests`);
  await handler({
    req,
    socket,
    head,
    query: url.searchParams,
    info,
    api: o.api,
    registry,
    user,
    kubelet: o.kubelet,
  });
}
