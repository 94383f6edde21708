/**
 * `pods/portforward` (upgrade): connections to the pod's ports, by what the client speaks —
 *
 *   WebSocket `SPDY/3.1+portforward.k8s.io` (kubectl ≥ 1.31) → accepted here; the SPDY inside
 *       is passed through to a SPDY upgrade at the kubelet (streaming/tunnel.ts)
 *   SPDY/3.1 `portforward.k8s.io` (older kubectl)           → proxied as it is to the kubelet
 *   WebSocket `portforward.k8s.io` (`?ports=`)               → proxied as it is
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { badRequest } from '../../apimachinery/errors.js';
import { kubeletTarget, kubeletURL } from '../proxy/kubelet.js';
import { dialUpgrade, proxyUpgrade } from '../proxy/upgrade-aware.js';
import { SPDY_TUNNEL_PORTFORWARD, spdyPortForwardHeaders, tunnelWebSocket } from '../streaming/tunnel.js';
import { type UpgradeContext, acceptWebSocket, offeredProtocols, upgradeKind } from '../streaming/upgrade.js';

export async function handlePortForward(ctx: UpgradeContext): Promise<void> {
  const pod = (await ctx.registry.get(ctx.info.namespace, ctx.info.name)) as Pod;
  const query = new URLSearchParams();
  for (const p of ctx.query.getAll('ports')) query.append('port', p);
  const path = `/portForward/${encodeURIComponent(ctx.info.namespace)}/${encodeURIComponent(ctx.info.name)}`;
  const target = kubeletTarget(await kubeletURL(ctx.api, pod), path, query, ctx.kubelet);
  const upgrade = upgradeKind(ctx.req);
  if (upgrade === 'websocket' && offeredProtocols(ctx.req).includes(SPDY_TUNNEL_PORTFORWARD)) {
    const backend = await dialUpgrade(target, 'POST', spdyPortForwardHeaders);
    const ws = await acceptWebSocket(ctx, 'tunnel');
    await tunnelWebSocket(ws, backend);
    return;
  }
  if (upgrade === 'other') throw badRequest('Upgrade request required');
  await proxyUpgrade(ctx.req, ctx.socket, ctx.head, target);
}
