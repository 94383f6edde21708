/**
 * The container runtime as the agent sees it: CRI v1's RuntimeService + ImageService (upstream
 * `k8s.io/cri-api/pkg/apis/services.go`), method for method, with the messages of
 * third_party/cri-api/api.proto as TypeScript types (snake_case field names, enums as strings,
 * int64 responses as decimal strings: see common-types.ts).
 *
 * Two implementations: `cri/` (gRPC to containerd over its unix socket) and, later, `sim` (an
 * in-process fake). Failures are `RuntimeError`s with a stable `code` (errors.ts); expected
 * outcomes (a non-zero exit of ExecSync, an absent image in ImageStatus) are returned values.
 */
import type { ImageSpec, Labels, LinuxContainerResources } from './common-types.js';
import type {
  AttachRequest,
  Container,
  ContainerConfig,
  ContainerFilter,
  ContainerStats,
  ContainerStatusResponse,
  ExecRequest,
  ExecSyncResponse,
  PortForwardRequest,
  StreamingResponse,
} from './container-types.js';
import type { AuthConfig, Image, ImageStatusResponse } from './image-types.js';
import type {
  PodSandbox,
  PodSandboxConfig,
  PodSandboxFilter,
  PodSandboxStatusResponse,
} from './sandbox-types.js';

export type * from './common-types.js';
export type * from './container-types.js';
export type * from './image-types.js';
export type * from './sandbox-types.js';
export * from './errors.js';

/** Per-call options: cancellation and a deadline overriding the implementation's default. */
export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface VersionResponse {
  version: string;
  runtime_name: string;
  runtime_version: string;
  runtime_api_version: string;
}

export interface RuntimeCondition {
  /** `RuntimeReady`, `NetworkReady`. */
  type: string;
  status: boolean;
  reason: string;
  message: string;
}

export interface StatusResponse {
  status: { conditions: RuntimeCondition[] } | null;
  info: Labels;
  runtime_handlers: { name: string; features: Record<string, boolean> | null }[];
}

export interface RuntimeService {
  /** `apiVersion` is the CRI version the caller speaks (`v1`). */
  version(apiVersion?: string, opts?: CallOptions): Promise<VersionResponse>;
  status(verbose?: boolean, opts?: CallOptions): Promise<StatusResponse>;

  /** Creates and starts the sandbox (network namespace, CNI, pause process); returns its id. */
  runPodSandbox(config: PodSandboxConfig, runtimeHandler?: string, opts?: CallOptions): Promise<string>;
  /** Idempotent: kills the sandbox's containers and releases its network. */
  stopPodSandbox(podSandboxId: string, opts?: CallOptions): Promise<void>;
  /** Idempotent: removing an absent sandbox is not an error. */
  removePodSandbox(podSandboxId: string, opts?: CallOptions): Promise<void>;
  podSandboxStatus(
    podSandboxId: string,
    verbose?: boolean,
    opts?: CallOptions,
  ): Promise<PodSandboxStatusResponse>;
  listPodSandbox(filter?: PodSandboxFilter, opts?: CallOptions): Promise<PodSandbox[]>;

  /** Returns the new container's id. */
  createContainer(
    podSandboxId: string,
    config: ContainerConfig,
    sandboxConfig: PodSandboxConfig,
    opts?: CallOptions,
  ): Promise<string>;
  startContainer(containerId: string, opts?: CallOptions): Promise<void>;
  /** Stop signal, then SIGKILL after `timeoutSeconds` (0: at once). */
  stopContainer(containerId: string, timeoutSeconds: number, opts?: CallOptions): Promise<void>;
  removeContainer(containerId: string, opts?: CallOptions): Promise<void>;
  listContainers(filter?: ContainerFilter, opts?: CallOptions): Promise<Container[]>;
  containerStatus(
    containerId: string,
    verbose?: boolean,
    opts?: CallOptions,
  ): Promise<ContainerStatusResponse>;
  updateContainerResources(
    containerId: string,
    resources: LinuxContainerResources,
    annotations?: Labels,
    opts?: CallOptions,
  ): Promise<void>;

  /** Runs `cmd` to completion (`timeoutSeconds` 0: no limit); a non-zero exit is a result, not an error. */
  execSync(
    containerId: string,
    cmd: string[],
    timeoutSeconds: number,
    opts?: CallOptions,
  ): Promise<ExecSyncResponse>;
  exec(req: ExecRequest, opts?: CallOptions): Promise<StreamingResponse>;
  attach(req: AttachRequest, opts?: CallOptions): Promise<StreamingResponse>;
  portForward(req: PortForwardRequest, opts?: CallOptions): Promise<StreamingResponse>;

  containerStats(containerId: string, opts?: CallOptions): Promise<ContainerStats>;
}

export interface ImageService {
  listImages(filter?: ImageSpec, opts?: CallOptions): Promise<Image[]>;
  /** `image: null` when absent. */
  imageStatus(image: ImageSpec, verbose?: boolean, opts?: CallOptions): Promise<ImageStatusResponse>;
  /** Returns the image reference (`sha256:…`) of the pulled image. */
  pullImage(
    image: ImageSpec,
    auth?: AuthConfig | null,
    sandboxConfig?: PodSandboxConfig | null,
    opts?: CallOptions,
  ): Promise<string>;
  /** Removes every tag of the image; removing an absent image is not an error. */
  removeImage(image: ImageSpec, opts?: CallOptions): Promise<void>;
}

/** What the agent holds: both services, and a way to let go of the connection. */
export interface Runtime extends RuntimeService, ImageService {
  close(): void;
}
