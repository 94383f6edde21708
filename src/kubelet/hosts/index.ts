/**
 * The pod's managed /etc/hosts (upstream kubelet `makeHostsMount`/`managedHostsFileContent`):
 * written to `<podDir>/etc-hosts` and bind-mounted into every container, except for hostNetwork
 * pods (they see the node's own file) and containers that mount something at /etc/hosts already.
 *
 *   loopback and IPv6 well-known names
 *   <pod IP>  <hostname>.<subdomain>.<namespace>.svc.<cluster domain>  <hostname>   (per pod IP)
 *   hostAliases, one line per IP
 */
import { writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { Mount } from '../container/runtime.js';

export const ETC_HOSTS_PATH = '/etc/hosts';

const HEADER = [
  '# Kubernetes-style hosts file, managed by the Cairn agent: edits are lost when the pod restarts.',
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'fe00::0\tip6-mcastprefix',
  'fe00::1\tip6-allnodes',
  'fe00::2\tip6-allrouters',
];

export interface HostsInput {
  pod: Pod;
  podIPs: string[];
  /** The pod's hostname (spec.hostname or its name, as the sandbox got it). */
  hostname: string;
  /** Cluster domain (default cluster.local). */
  clusterDomain?: string;
}

/** The file's content (pure). */
export function hostsFileContent(input: HostsInput): string {
  const { pod } = input;
  const lines = [...HEADER];
  const sub = pod.spec?.subdomain;
  const ns = pod.metadata?.namespace ?? 'default';
  const names = sub
    ? `${input.hostname}.${sub}.${ns}.svc.${input.clusterDomain ?? 'cluster.local'}\t${input.hostname}`
    : input.hostname;
  for (const ip of input.podIPs) lines.push(`${ip}\t${names}`);
  const aliases = pod.spec?.hostAliases ?? [];
  if (aliases.length) {
    lines.push('', "# Entries from the pod's hostAliases.");
    for (const a of aliases)
      if (a.ip && a.hostnames?.length) lines.push(`${a.ip}\t${a.hostnames.join('\t')}`);
  }
  return lines.join('\n') + '\n';
}

/** Whether the container gets the managed file (not hostNetwork, no pod IP yet, or its own mount). */
export function shouldMountHostsFile(pod: Pod, container: Container, podIPs: string[]): boolean {
  if (pod.spec?.hostNetwork || podIPs.length === 0) return false;
  return !(container.volumeMounts ?? []).some((m) => m.mountPath === ETC_HOSTS_PATH);
}

/** Writes `<podDir>/etc-hosts` (atomically) and returns its mount for the container, or null. */
export async function makeHostsMount(
  podDir: string,
  input: HostsInput,
  container: Container,
): Promise<Mount | null> {
  if (!shouldMountHostsFile(input.pod, container, input.podIPs)) return null;
  const file = join(podDir, 'etc-hosts');
  const tmp = `${file}.tmp`;
  await writeFile(tmp, hostsFileContent(input), { mode: 0o644 });
  await rename(tmp, file);
  return {
    container_path: ETC_HOSTS_PATH,
    host_path: file,
    readonly: false,
    propagation: 'PROPAGATION_PRIVATE',
  };
}
