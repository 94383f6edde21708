/**
 * `pods/log` (GET): the container's log from its node's kubelet (`/containerLogs`), streamed to
 * the client as text/plain as it arrives (`follow=true` keeps the response open until the
 * container stops or the client leaves). Query: container, follow, previous, timestamps,
 * tailLines, sinceSeconds, sinceTime, limitBytes (upstream's PodLogOptions).
 */
import https from 'node:https';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { badRequest, methodNotSupported, serviceUnavailable } from '../../apimachinery/errors.js';
import { type KubeletClientConfig, kubeletTarget, kubeletURL, podContainer } from '../proxy/kubelet.js';
import type { SubresourceHandler } from '../subresources.js';

const forwarded = [
  'follow',
  'previous',
  'timestamps',
  'tailLines',
  'sinceSeconds',
  'sinceTime',
  'limitBytes',
];

export function logHandler(kubelet: KubeletClientConfig): SubresourceHandler {
  return async (ctx) => {
    if (ctx.info.verb !== 'get') throw methodNotSupported({ group: '', resource: 'pods/log' }, ctx.info.verb);
    if (ctx.query.get('insecureSkipTLSVerifyBackend') === 'true')
      throw badRequest(
        'insecureSkipTLSVerifyBackend: not supported (the kubelet certificate is never verified)',
      );
    const pod = (await ctx.registry.get(ctx.info.namespace, ctx.info.name)) as Pod;
    const container = podContainer(pod, ctx.query.get('container'));
    const query = new URLSearchParams();
    for (const name of forwarded) {
      const v = ctx.query.get(name);
      if (v !== null) query.set(name, v);
    }
    const ns = encodeURIComponent(ctx.info.namespace);
    const target = kubeletTarget(
      await kubeletURL(ctx.api, pod),
      `/containerLogs/${ns}/${encodeURIComponent(ctx.info.name)}/${encodeURIComponent(container)}`,
      query,
      kubelet,
    );
    await new Promise<void>((resolve, reject) => {
      const req = https.request(target.url, { method: 'GET', agent: false, ...target.tls }, (res) => {
        const code = res.statusCode ?? 502;
        ctx.res.writeHead(code, {
          'Content-Type': res.headers['content-type'] ?? 'text/plain',
          'Cache-Control': 'no-cache, private',
        });
        ctx.res.flushHeaders();
        res.pipe(ctx.res);
        res.once('end', resolve);
        res.once('error', () => {
          ctx.res.end();
          resolve();
        });
      });
      req.once('error', (err) => reject(serviceUnavailable(`error talking to the kubelet: ${err.message}`)));
      // the client went away (kubectl logs -f interrupted): stop following on the node too
      ctx.res.once('close', () => {
        req.destroy();
        resolve();
      });
      req.end();
    });
  };
}
