/** CRI v1 pod sandbox messages (conventions: common-types.ts). */
import type {
  Int64,
  Int64Input,
  Int64Value,
  Labels,
  LinuxContainerResources,
  NamespaceOption,
  Protocol,
  SecurityProfile,
  SELinuxOption,
} from './common-types.js';
import type { ContainerStatus } from './container-types.js';

export type PodSandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';

export interface DNSConfig {
  servers?: string[];
  searches?: string[];
  options?: string[];
}

export interface PortMapping {
  protocol?: Protocol;
  container_port: number;
  host_port?: number;
  host_ip?: string;
}

export interface PodSandboxMetadata {
  name: string;
  uid: string;
  namespace: string;
  attempt: number;
}

export interface LinuxSandboxSecurityContext {
  namespace_options?: NamespaceOption | null;
  selinux_options?: SELinuxOption | null;
  run_as_user?: Int64Value | null;
  run_as_group?: Int64Value | null;
  readonly_rootfs?: boolean;
  supplemental_groups?: Int64Input[];
  supplemental_groups_policy?: 'Merge' | 'Strict';
  privileged?: boolean;
  seccomp?: SecurityProfile | null;
  apparmor?: SecurityProfile | null;
}

export interface LinuxPodSandboxConfig {
  cgroup_parent?: string;
  security_context?: LinuxSandboxSecurityContext | null;
  sysctls?: Labels;
  overhead?: LinuxContainerResources | null;
  resources?: LinuxContainerResources | null;
}

export interface PodSandboxConfig {
  metadata: PodSandboxMetadata;
  hostname?: string;
  /** Folder of the pod's container logs (`ContainerConfig.log_path` is relative to it). */
  log_directory?: string;
  dns_config?: DNSConfig | null;
  port_mappings?: PortMapping[];
  labels?: Labels;
  annotations?: Labels;
  linux?: LinuxPodSandboxConfig | null;
}

export interface PodIP {
  ip: string;
}

export interface PodSandboxNetworkStatus {
  ip: string;
  additional_ips: PodIP[];
}

export interface PodSandboxStatus {
  id: string;
  metadata: PodSandboxMetadata | null;
  state: PodSandboxState;
  /** Nanoseconds since the epoch. */
  created_at: Int64;
  network: PodSandboxNetworkStatus | null;
  linux: { namespaces: { options: NamespaceOption | null } | null } | null;
  labels: Labels;
  annotations: Labels;
  runtime_handler: string;
}

export interface PodSandboxStatusResponse {
  status: PodSandboxStatus | null;
  /** Runtime-specific details, filled when `verbose` (containerd: JSON under `info`). */
  info: Labels;
  containers_statuses: ContainerStatus[];
  timestamp: Int64;
}

export interface PodSandboxFilter {
  id?: string;
  state?: { state: PodSandboxState } | null;
  label_selector?: Labels;
}

export interface PodSandbox {
  id: string;
  metadata: PodSandboxMetadata | null;
  state: PodSandboxState;
  created_at: Int64;
  labels: Labels;
  annotations: Labels;
  runtime_handler: string;
}
