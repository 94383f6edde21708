/**
 * CRI v1 message shapes shared by sandboxes, containers and images (third_party/cri-api/api.proto).
 *
 * Conventions, for every file in this folder:
 * - Field names are the proto's own (snake_case), exactly as `@grpc/proto-loader` with
 *   `keepCase: true` delivers them, so the CRI client passes messages through unchanged and the
 *   proto comments are the documentation.
 * - Enums are their proto names as strings (`'CONTAINER_RUNNING'`).
 * - int64: responses carry decimal strings (`Int64`, nanosecond timestamps exceed 2^53); requests
 *   and messages used in both directions accept numbers too (`Int64Input`).
 * - Requests: every field optional (proto3 defaults). Responses: scalars, lists and maps always
 *   present, a sub-message unset by the runtime is `null`.
 * - The single deviation: `KeyValue.value` (bytes on the wire) is a string here; the CRI client
 *   encodes it.
 */

/** A proto int64 as delivered in a response: a decimal string. */
export type Int64 = string;
/** A proto int64 in a request: a number (when it fits) or a decimal string. */
export type Int64Input = number | string;

export type Labels = Record<string, string>;

export interface KeyValue {
  key: string;
  value: string;
}

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export type MountPropagation =
  'PROPAGATION_PRIVATE' | 'PROPAGATION_HOST_TO_CONTAINER' | 'PROPAGATION_BIDIRECTIONAL';
export type NamespaceMode = 'POD' | 'CONTAINER' | 'NODE' | 'TARGET';

export interface ImageSpec {
  image: string;
  annotations?: Labels;
  user_specified_image?: string;
  runtime_handler?: string;
  image_ref?: string;
}

export interface IDMapping {
  host_id: number;
  container_id: number;
  length: number;
}

export interface Mount {
  container_path: string;
  host_path: string;
  readonly?: boolean;
  selinux_relabel?: boolean;
  propagation?: MountPropagation;
  uidMappings?: IDMapping[];
  gidMappings?: IDMapping[];
  recursive_read_only?: boolean;
  image?: ImageSpec | null;
  image_sub_path?: string;
}

export interface UserNamespace {
  mode?: NamespaceMode;
  uids?: IDMapping[];
  gids?: IDMapping[];
}

export interface NamespaceOption {
  network?: NamespaceMode;
  pid?: NamespaceMode;
  ipc?: NamespaceMode;
  target_id?: string;
  userns_options?: UserNamespace | null;
}

export interface Int64Value {
  value: Int64Input;
}

export interface SELinuxOption {
  user?: string;
  role?: string;
  type?: string;
  level?: string;
}

export interface SecurityProfile {
  profile_type?: 'RuntimeDefault' | 'Unconfined' | 'Localhost';
  localhost_ref?: string;
}

export interface HugepageLimit {
  page_size: string;
  limit: Int64Input;
}

export interface LinuxContainerResources {
  cpu_period?: Int64Input;
  cpu_quota?: Int64Input;
  cpu_shares?: Int64Input;
  memory_limit_in_bytes?: Int64Input;
  oom_score_adj?: Int64Input;
  cpuset_cpus?: string;
  cpuset_mems?: string;
  hugepage_limits?: HugepageLimit[];
  unified?: Labels;
  memory_swap_limit_in_bytes?: Int64Input;
}

/** `UInt64Value`: a wrapper so that "unset" differs from 0. */
export interface UInt64Value {
  value: Int64;
}

export interface PsiData {
  Total: Int64;
  Avg10: number;
  Avg60: number;
  Avg300: number;
}

export interface PsiStats {
  Full: PsiData | null;
  Some: PsiData | null;
}

export interface CpuUsage {
  timestamp: Int64;
  usage_core_nano_seconds: UInt64Value | null;
  usage_nano_cores: UInt64Value | null;
  psi?: PsiStats | null;
}

export interface MemoryUsage {
  timestamp: Int64;
  working_set_bytes: UInt64Value | null;
  available_bytes: UInt64Value | null;
  usage_bytes: UInt64Value | null;
  rss_bytes: UInt64Value | null;
  page_faults: UInt64Value | null;
  major_page_faults: UInt64Value | null;
  psi?: PsiStats | null;
}

export interface FilesystemUsage {
  timestamp: Int64;
  fs_id: { mountpoint: string } | null;
  used_bytes: UInt64Value | null;
  inodes_used: UInt64Value | null;
}
