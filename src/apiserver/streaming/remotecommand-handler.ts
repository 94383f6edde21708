/**
 * Exec and attach at the API server: the pod's container, then by what the client speaks —
 *
 *   WebSocket v5/v4 channels (kubectl ≥ 1.30)  → accepted here, bridged to SPDY toward the kubelet
 *   SPDY/3.1 (kubectl < 1.30, or its fallback) → proxied as it is to the kubelet (and containerd)
 *   WebSocket, other subprotocols               → proxied as it is (containerd speaks the older ones)
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { badRequest } from '../../apimachinery/errors.js';
import { kubeletTarget, kubeletURL, podContainer } from '../proxy/kubelet.js';
import { dialUpgrade, proxyUpgrade } from '../proxy/upgrade-aware.js';
import { pickChannelProtocol } from './channels.js';
import { bridgeChannelsToSpdy, spdyExecHeaders, type StreamOptions } from './remotecommand.js';
import { type UpgradeContext, acceptWebSocket, offeredProtocols, upgradeKind } from './upgrade.js';

const flag = (q: URLSearchParams, name: string) => ['true', '1'].includes(q.get(name) ?? '');

export function streamOptionsOf(q: URLSearchParams): StreamOptions {
  const tty = flag(q, 'tty');
  return { stdin: flag(q, 'stdin'), stdout: flag(q, 'stdout'), stderr: flag(q, 'stderr') && !tty, tty };
}

export async function serveRemoteCommand(ctx: UpgradeContext, kind: 'exec' | 'attach'): Promise<void> {
  const pod = (await ctx.registry.get(ctx.info.namespace, ctx.info.name)) as Pod;
  const container = podContainer(pod, ctx.query.get('container'), false);
  const o = streamOptionsOf(ctx.query);
  if (kind === 'exec' && ctx.query.getAll('command').length === 0)
    throw badRequest('you must specify at least one command for the container');
  if (!o.stdin && !o.stdout && !o.stderr)
    throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
  const query = new URLSearchParams(ctx.query);
  query.delete('container');
  const path = `/${kind}/${[ctx.info.namespace, ctx.info.name, container].map(encodeURIComponent).join('/')}`;
  const target = kubeletTarget(await kubeletURL(ctx.api, pod), path, query, ctx.kubelet);

  const upgrade = upgradeKind(ctx.req);
  const protocol = upgrade === 'websocket' ? pickChannelProtocol(offeredProtocols(ctx.req)) : undefined;
  if (upgrade === 'websocket' && protocol) {
    // dial first: a refusal (container not running…) is still an HTTP answer the client shows
    const backend = await dialUpgrade(target, 'POST', spdyExecHeaders);
    const ws = await acceptWebSocket(ctx);
    await bridgeChannelsToSpdy(ws, protocol, backend, o);
    return;
  }
  if (upgrade === 'other') throw badRequest('Upgrade request required');
  await proxyUpgrade(ctx.req, ctx.socket, ctx.head, target);
}
