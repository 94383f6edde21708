/**
 * HTTP probe (upstream `pkg/probe/http`): a GET with the probe's headers (User-Agent
 * `kube-probe/…` and an any-type Accept unless given; a `Host` header sets the request's host),
 * no keep-alive, TLS certificates not verified. Redirects are followed up to 10 times while they
 * stay on the same host; a redirect elsewhere is not followed and its 3xx answer counts as a
 * success with a warning. 200–399 succeeds, anything else (or no answer within the timeout)
 * fails. The body is read up to 10 KiB for the event message.
 */
import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { HTTPHeader } from 'kubernetes-types/core/v1.js';
import { joinHostPort, PROBE_USER_AGENT, type ProbeOutcome } from './index.js';

const MAX_BODY = 10 * 1024;
const MAX_REDIRECTS = 10;

export interface HTTPGetTarget {
  scheme: string;
  host: string;
  port: number;
  path: string;
  headers: HTTPHeader[];
}

export interface HTTPResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** `scheme://host:port/path` as upstream formats a probe's URL. */
export function probeURL(t: Pick<HTTPGetTarget, 'scheme' | 'host' | 'port' | 'path'>): URL {
  const scheme = (t.scheme || 'HTTP').toLowerCase();
  const path = t.path ? (t.path.startsWith('/') ? t.path : `/${t.path}`) : '/';
  return new URL(`${scheme}://${joinHostPort(t.host, t.port)}${path}`);
}

/** The request headers: the probe's, repeated names kept, then the defaults for what is missing. */
export function probeHeaders(given: HTTPHeader[]): OutgoingHttpHeaders {
  const headers: Record<string, string[]> = {};
  for (const h of given) (headers[h.name.toLowerCase()] ??= []).push(h.value);
  headers['user-agent'] ??= [PROBE_USER_AGENT];
  if (!headers['accept']) headers['accept'] = ['*/*'];
  else if (headers['accept'].every((v) => v === '')) delete headers['accept'];
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) out[k] = v.length === 1 ? v[0] : v;
  return out;
}

function getOnce(url: URL, headers: OutgoingHttpHeaders, signal: AbortSignal): Promise<HTTPResponse> {
  return new Promise((resolve, reject) => {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(
      url,
      { method: 'GET', headers, agent: false, signal, rejectUnauthorized: false },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < MAX_BODY) chunks.push(chunk.subarray(0, MAX_BODY - size));
          size += chunk.length;
        });
        res.on('end', () =>
          resolve({
            statusCode: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/**
 * GET with the probe's redirect rules; rejects on transport errors and the timeout, which
 * covers the whole exchange, redirects included.
 */
export async function httpGet(
  url: URL,
  headers: OutgoingHttpHeaders,
  timeoutMs: number,
): Promise<HTTPResponse & { redirectStopped: boolean }> {
  const signal = AbortSignal.timeout(timeoutMs);
  const first = url.hostname;
  let current = url;
  for (let redirects = 0; ; redirects++) {
    const res = await getOnce(current, headers, signal).catch((err: Error) => {
      if (signal.aborted) throw new Error(`Get "${current.href}": context deadline exceeded`);
      throw new Error(`Get "${current.href}": ${err.message}`);
    });
    const location = res.headers.location;
    if (res.statusCode < 300 || res.statusCode >= 400 || !location || res.statusCode === 304) {
      return { ...res, redirectStopped: false };
    }
    const next = new URL(location, current);
    if (next.hostname !== first) return { ...res, redirectStopped: true };
    if (redirects + 1 >= MAX_REDIRECTS) {
      throw new Error(`Get "${next.href}": stopped after ${MAX_REDIRECTS} redirects`);
    }
    current = next;
  }
}

export async function httpProbe(target: HTTPGetTarget, timeoutMs: number): Promise<ProbeOutcome> {
  const headers = probeHeaders(target.headers);
  let res;
  try {
    res = await httpGet(probeURL(target), headers, timeoutMs);
  } catch (err) {
    return { result: 'Failure', output: (err as Error).message };
  }
  if (res.statusCode >= 200 && res.statusCode < 400) {
    if (res.statusCode >= 300) {
      return { result: 'Warning', output: `Probe terminated redirects, Response body: ${res.body}` };
    }
    return { result: 'Success', output: res.body };
  }
  return { result: 'Failure', output: `HTTP probe failed with statuscode: ${res.statusCode}` };
}
