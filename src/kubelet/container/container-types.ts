/** CRI v1 container messages (conventions: common-types.ts). */
import type {
  CpuUsage,
  FilesystemUsage,
  ImageSpec,
  Int64,
  Int64Input,
  Int64Value,
  KeyValue,
  Labels,
  LinuxContainerResources,
  MemoryUsage,
  Mount,
  NamespaceOption,
  SecurityProfile,
  SELinuxOption,
} from './common-types.js';

export type ContainerState =
  'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';

/** The proto's `Signal` enum: `RUNTIME_DEFAULT` or a signal name (`SIGTERM`, `SIGRTMINPLUS1`, …). */
export type StopSignal = string;

export interface ContainerMetadata {
  name: string;
  attempt: number;
}

export interface Capability {
  add_capabilities?: string[];
  drop_capabilities?: string[];
  add_ambient_capabilities?: string[];
}

export interface LinuxContainerSecurityContext {
  capabilities?: Capability | null;
  privileged?: boolean;
  namespace_options?: NamespaceOption | null;
  selinux_options?: SELinuxOption | null;
  run_as_user?: Int64Value | null;
  run_as_group?: Int64Value | null;
  run_as_username?: string;
  readonly_rootfs?: boolean;
  supplemental_groups?: Int64Input[];
  supplemental_groups_policy?: 'Merge' | 'Strict';
  no_new_privs?: boolean;
  masked_paths?: string[];
  readonly_paths?: string[];
  seccomp?: SecurityProfile | null;
  apparmor?: SecurityProfile | null;
}

export interface LinuxContainerConfig {
  resources?: LinuxContainerResources | null;
  security_context?: LinuxContainerSecurityContext | null;
}

export interface Device {
  container_path: string;
  host_path: string;
  permissions: string;
}

export interface ContainerConfig {
  metadata: ContainerMetadata;
  image: ImageSpec;
  command?: string[];
  args?: string[];
  working_dir?: string;
  envs?: KeyValue[];
  mounts?: Mount[];
  devices?: Device[];
  labels?: Labels;
  annotations?: Labels;
  /** Relative to the sandbox's `log_directory`. */
  log_path?: string;
  stdin?: boolean;
  stdin_once?: boolean;
  tty?: boolean;
  linux?: LinuxContainerConfig | null;
  stop_signal?: StopSignal;
}

export interface ContainerFilter {
  id?: string;
  state?: { state: ContainerState } | null;
  pod_sandbox_id?: string;
  label_selector?: Labels;
}

export interface Container {
  id: string;
  pod_sandbox_id: string;
  metadata: ContainerMetadata | null;
  image: ImageSpec | null;
  image_ref: string;
  state: ContainerState;
  created_at: Int64;
  labels: Labels;
  annotations: Labels;
  image_id: string;
}

export interface ContainerStatus {
  id: string;
  metadata: ContainerMetadata | null;
  state: ContainerState;
  /** Nanoseconds since the epoch; 0 when not (yet) there. */
  created_at: Int64;
  started_at: Int64;
  finished_at: Int64;
  exit_code: number;
  image: ImageSpec | null;
  image_ref: string;
  /** containerd: `Completed`, `Error`, `OOMKilled`, … */
  reason: string;
  message: string;
  labels: Labels;
  annotations: Labels;
  mounts: Mount[];
  /** Absolute path of the CRI log file. */
  log_path: string;
  resources: { linux: LinuxContainerResources | null } | null;
  image_id: string;
  stop_signal: StopSignal;
}

export interface ContainerStatusResponse {
  status: ContainerStatus | null;
  info: Labels;
}

export interface ExecSyncResponse {
  stdout: Buffer;
  stderr: Buffer;
  exit_code: number;
}

export interface ExecRequest {
  container_id: string;
  cmd: string[];
  tty?: boolean;
  stdin?: boolean;
  stdout?: boolean;
  stderr?: boolean;
}

export interface AttachRequest {
  container_id: string;
  stdin?: boolean;
  tty?: boolean;
  stdout?: boolean;
  stderr?: boolean;
}

export interface PortForwardRequest {
  pod_sandbox_id: string;
  port?: number[];
}

/** A single-use URL on the runtime's streaming server (WebSocket v4 channel protocol). */
export interface StreamingResponse {
  url: string;
}

export interface ContainerStats {
  attributes: {
    id: string;
    metadata: ContainerMetadata | null;
    labels: Labels;
    annotations: Labels;
  } | null;
  cpu: CpuUsage | null;
  memory: MemoryUsage | null;
  writable_layer: FilesystemUsage | null;
}
