/**
 * The probe mechanisms (upstream `pkg/probe`): each one checks a container once and answers a
 * `ProbeOutcome`. `Warning` counts as a success (an HTTP redirect that was not followed);
 * `Unknown` as a failure. Expected negative outcomes (refused, timed out, 500) are returned;
 * a thrown error means the check itself could not be carried out.
 */
import type { Container } from 'kubernetes-types/core/v1.js';

export type ProbeOutcomeResult = 'Success' | 'Warning' | 'Failure' | 'Unknown';

export interface ProbeOutcome {
  result: ProbeOutcomeResult;
  /** Response body, command output or the reason it failed (the `Unhealthy` event's message). */
  output: string;
}

/** `kube-probe/<major.minor>`: the User-Agent of HTTP and gRPC probes. */
export const PROBE_USER_AGENT = 'kube-probe/1.30';

/** A probe's `port` by number, or by the name of one of the container's ports (upstream `ResolveContainerPort`). */
export function resolveContainerPort(port: number | string, container: Container): number {
  let n: number | undefined;
  if (typeof port === 'number') n = port;
  else {
    n = container.ports?.find((p) => p.name === port)?.containerPort;
    if (n === undefined) throw new Error(`couldn't find port: ${port} in ${container.name}`);
  }
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`invalid port number: ${n}`);
  return n;
}

/** `host:port`, IPv6 literals bracketed. */
export const joinHostPort = (host: string, port: number): string =>
  host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
