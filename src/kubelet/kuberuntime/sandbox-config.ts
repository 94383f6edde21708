/**
 * PodSandboxConfig for a pod (upstream kuberuntime `generatePodSandboxConfig` + `dns.go`):
 * metadata, hostname, log directory, DNS from dnsPolicy/dnsConfig, hostPort mappings, Linux
 * namespaces (hostNetwork/hostPID/hostIPC/shareProcessNamespace), cgroup parent, and the labels
 * that find the pod again after an agent restart. Pure; the host's resolv.conf is an input.
 */
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { DNSConfig, NamespaceMode, PodSandboxConfig, PortMapping } from '../container/runtime.js';
import { hashOf, POD_GRACE_ANNOTATION, POD_SPEC_HASH_ANNOTATION, podLabels } from './labels.js';
import { calculateSandboxResources } from './resources.js';
import { generateSandboxSecurityContext, hasPrivilegedContainer, podSysctls } from './security-context.js';

export interface ClusterDNS {
  nameservers: string[];
  domain: string;
}

export interface SandboxConfigInput {
  pod: Pod;
  attempt: number;
  rootDir: string;
  /** The host's /etc/resolv.conf content (dnsPolicy Default, and ClusterFirst without cluster DNS). */
  hostResolvConf: string;
  clusterDNS?: ClusterDNS | undefined;
  /** The pod-level cgroup (`/kubepods/<qos>/pod<uid>`); null leaves it to the runtime. */
  cgroupParent?: string | null;
}

/** `<rootDir>/logs/<namespace>_<name>_<uid>`: the pod's container logs. */
export const podLogDir = (rootDir: string, pod: Pod): string =>
  join(rootDir, 'logs', `${pod.metadata?.namespace}_${pod.metadata?.name}_${pod.metadata?.uid}`);

/** `<rootDir>/pods/<uid>`: per-pod files (termination message files, later volumes). */
export const podDir = (rootDir: string, uid: string): string => join(rootDir, 'pods', uid);

/** The cgroupfs path of the pod's cgroup, by QoS class (as upstream's cgroupfs driver names it). */
export function podCgroupParent(pod: Pod): string {
  const uid = pod.metadata?.uid ?? '';
  switch (pod.status?.qosClass) {
    case 'Guaranteed':
      return `/kubepods/pod${uid}`;
    case 'Burstable':
      return `/kubepods/burstable/pod${uid}`;
    default:
      return `/kubepods/besteffort/pod${uid}`;
  }
}

/** Every path the pod's cgroup may have (for cleanup when the QoS class is unknown). */
export const podCgroupCandidates = (uid: string): string[] =>
  ['', 'burstable/', 'besteffort/'].map((qos) => `/kubepods/${qos}pod${uid}`);

export function parseResolvConf(content: string): Required<DNSConfig> {
  const out: Required<DNSConfig> = { servers: [], searches: [], options: [] };
  for (const raw of content.split('\n')) {
    const [key, ...values] = raw
      .replace(/[#;].*$/, '')
      .trim()
      .split(/\s+/);
    if (key === 'nameserver' && values[0]) out.servers.push(values[0]);
    else if (key === 'search' || key === 'domain') out.searches = values;
    else if (key === 'options') out.options.push(...values);
  }
  return out;
}

const MAX_NAMESERVERS = 3;
const MAX_SEARCHES = 32;

/** DNS for the sandbox per dnsPolicy (ClusterFirst, ClusterFirstWithHostNet, Default, None) + dnsConfig. */
export function podDNSConfig(pod: Pod, hostResolvConf: string, clusterDNS?: ClusterDNS): DNSConfig {
  const policy = pod.spec?.dnsPolicy ?? 'ClusterFirst';
  const host = parseResolvConf(hostResolvConf);
  const clusterFirst =
    clusterDNS &&
    clusterDNS.nameservers.length > 0 &&
    (policy === 'ClusterFirstWithHostNet' || (policy === 'ClusterFirst' && !pod.spec?.hostNetwork));
  let base: Required<DNSConfig>;
  if (policy === 'None') base = { servers: [], searches: [], options: [] };
  else if (clusterFirst) {
    const ns = pod.metadata?.namespace ?? 'default';
    const d = clusterDNS.domain;
    base = {
      servers: [...clusterDNS.nameservers],
      searches: [`${ns}.svc.${d}`, `svc.${d}`, d, ...host.searches],
      options: ['ndots:5'],
    };
  } else base = host;
  const extra = pod.spec?.dnsConfig;
  const servers = [...base.servers, ...(extra?.nameservers ?? [])];
  const searches = [...base.searches, ...(extra?.searches ?? [])];
  const options = new Map<string, string>();
  for (const o of base.options) options.set(o.split(':')[0]!, o);
  for (const o of extra?.options ?? [])
    options.set(o.name ?? '', o.value !== undefined ? `${o.name}:${o.value}` : (o.name ?? ''));
  return {
    servers: [...new Set(servers)].slice(0, MAX_NAMESERVERS),
    searches: [...new Set(searches)].slice(0, MAX_SEARCHES),
    options: [...options.values()].filter(Boolean),
  };
}

export function portMappings(pod: Pod): PortMapping[] {
  const all = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  return all.flatMap((c) =>
    (c.ports ?? [])
      .filter((p) => p.hostPort)
      .map((p) => ({
        protocol: (p.protocol ?? 'TCP') as PortMapping['protocol'],
        container_port: p.containerPort,
        host_port: p.hostPort,
        host_ip: p.hostIP ?? '',
      })),
  );
}

/** A DNS-1123 label: the pod's hostname, else its name, cut at 63 characters. */
export function podHostname(pod: Pod): string {
  const name = pod.spec?.hostname || pod.metadata?.name || '';
  return name.slice(0, 63).replace(/[-.]+$/, '');
}

export function namespaceOptions(pod: Pod): {
  network: NamespaceMode;
  pid: NamespaceMode;
  ipc: NamespaceMode;
} {
  const spec = pod.spec;
  return {
    network: spec?.hostNetwork ? 'NODE' : 'POD',
    pid: spec?.hostPID ? 'NODE' : spec?.shareProcessNamespace ? 'POD' : 'CONTAINER',
    ipc: spec?.hostIPC ? 'NODE' : 'POD',
  };
}

/** Any container privileged (init and ephemeral ones too): the sandbox must be privileged as well. */
export const isPrivilegedPod = hasPrivilegedContainer;

export function generatePodSandboxConfig(input: SandboxConfigInput): PodSandboxConfig {
  const { pod } = input;
  const hostNetwork = pod.spec?.hostNetwork ?? false;
  const config: PodSandboxConfig = {
    metadata: {
      name: pod.metadata?.name ?? '',
      namespace: pod.metadata?.namespace ?? '',
      uid: pod.metadata?.uid ?? '',
      attempt: input.attempt,
    },
    log_directory: podLogDir(input.rootDir, pod),
    dns_config: podDNSConfig(pod, input.hostResolvConf, input.clusterDNS),
    port_mappings: portMappings(pod),
    labels: podLabels(pod),
    annotations: {
      ...(pod.metadata?.annotations ?? {}),
      [POD_SPEC_HASH_ANNOTATION]: hashOf(pod.spec ?? {}),
      [POD_GRACE_ANNOTATION]: String(pod.spec?.terminationGracePeriodSeconds ?? 30),
    },
    linux: {
      security_context: generateSandboxSecurityContext(pod, namespaceOptions(pod)),
      sysctls: podSysctls(pod),
      resources: calculateSandboxResources(pod),
      ...(input.cgroupParent ? { cgroup_parent: input.cgroupParent } : {}),
    },
  };
  if (!hostNetwork) {
    const hostname = podHostname(pod);
    config.hostname = hostname;
  }
  return config;
}
