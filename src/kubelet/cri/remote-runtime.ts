/**
 * The Runtime interface over CRI v1 gRPC (upstream `pkg/kubelet/cri/remote`: remote_runtime.go and
 * remote_image.go in one class). Messages pass through as they are (types and proto share field
 * names); the only conversions are `KeyValue.value` to bytes and unwrapping single-field responses.
 */
import type {
  AttachRequest,
  AuthConfig,
  CallOptions,
  Container,
  ContainerConfig,
  ContainerFilter,
  ContainerStats,
  ContainerStatusResponse,
  ExecRequest,
  ExecSyncResponse,
  Image,
  ImageSpec,
  ImageStatusResponse,
  Labels,
  LinuxContainerResources,
  PodSandbox,
  PodSandboxConfig,
  PodSandboxFilter,
  PodSandboxStatusResponse,
  PortForwardRequest,
  Runtime,
  StatusResponse,
  StreamingResponse,
  VersionResponse,
} from '../container/runtime.js';
import { RuntimeError } from '../container/errors.js';
import { CriConnection, type CriConnectionOptions } from './connection.js';

export interface RemoteRuntimeOptions extends CriConnectionOptions {
  /** Deadline of PullImage (default 10 min: layers can be large). */
  pullTimeoutMs?: number;
}

/** KeyValue.value is `bytes` in the proto: a JS string would be base64-decoded by protobufjs. */
const encodeContainerConfig = (config: ContainerConfig): object => ({
  ...config,
  envs: (config.envs ?? []).map((e) => ({ key: e.key, value: Buffer.from(e.value) })),
});

export class RemoteRuntime implements Runtime {
  private readonly conn: CriConnection;
  private readonly pullTimeoutMs: number;

  constructor(options: RemoteRuntimeOptions) {
    this.conn = new CriConnection(options);
    this.pullTimeoutMs = options.pullTimeoutMs ?? 600_000;
  }

  private rt<Res>(method: string, request: object, opts?: CallOptions): Promise<Res> {
    return this.conn.unary<Res>('runtime', method, request, opts);
  }

  private img<Res>(method: string, request: object, opts?: CallOptions): Promise<Res> {
    return this.conn.unary<Res>('image', method, request, opts);
  }

  version(apiVersion = 'v1', opts?: CallOptions): Promise<VersionResponse> {
    return this.rt('Version', { version: apiVersion }, opts);
  }

  status(verbose = false, opts?: CallOptions): Promise<StatusResponse> {
    return this.rt('Status', { verbose }, opts);
  }

  async runPodSandbox(config: PodSandboxConfig, runtimeHandler = '', opts?: CallOptions): Promise<string> {
    const res = await this.rt<{ pod_sandbox_id: string }>(
      'RunPodSandbox',
      { config, runtime_handler: runtimeHandler },
      opts,
    );
    return res.pod_sandbox_id;
  }

  async stopPodSandbox(podSandboxId: string, opts?: CallOptions): Promise<void> {
    await this.rt('StopPodSandbox', { pod_sandbox_id: podSandboxId }, opts);
  }

  async removePodSandbox(podSandboxId: string, opts?: CallOptions): Promise<void> {
    await this.rt('RemovePodSandbox', { pod_sandbox_id: podSandboxId }, opts);
  }

  podSandboxStatus(
    podSandboxId: string,
    verbose = false,
    opts?: CallOptions,
  ): Promise<PodSandboxStatusResponse> {
    return this.rt('PodSandboxStatus', { pod_sandbox_id: podSandboxId, verbose }, opts);
  }

  async listPodSandbox(filter?: PodSandboxFilter, opts?: CallOptions): Promise<PodSandbox[]> {
    return (await this.rt<{ items: PodSandbox[] }>('ListPodSandbox', { filter: filter ?? null }, opts)).items;
  }

  async createContainer(
    podSandboxId: string,
    config: ContainerConfig,
    sandboxConfig: PodSandboxConfig,
    opts?: CallOptions,
  ): Promise<string> {
    const request = {
      pod_sandbox_id: podSandboxId,
      config: encodeContainerConfig(config),
      sandbox_config: sandboxConfig,
    };
    return (await this.rt<{ container_id: string }>('CreateContainer', request, opts)).container_id;
  }

  async startContainer(containerId: string, opts?: CallOptions): Promise<void> {
    await this.rt('StartContainer', { container_id: containerId }, opts);
  }

  async stopContainer(containerId: string, timeoutSeconds: number, opts?: CallOptions): Promise<void> {
    // the runtime waits up to `timeout` for the stop signal to work: the deadline must outlast it
    const timeoutMs = opts?.timeoutMs ?? this.conn.defaultTimeoutMs + timeoutSeconds * 1000;
    await this.rt(
      'StopContainer',
      { container_id: containerId, timeout: timeoutSeconds },
      { ...opts, timeoutMs },
    );
  }

  async removeContainer(containerId: string, opts?: CallOptions): Promise<void> {
    await this.rt('RemoveContainer', { container_id: containerId }, opts);
  }

  async listContainers(filter?: ContainerFilter, opts?: CallOptions): Promise<Container[]> {
    return (await this.rt<{ containers: Container[] }>('ListContainers', { filter: filter ?? null }, opts))
      .containers;
  }

  containerStatus(
    containerId: string,
    verbose = false,
    opts?: CallOptions,
  ): Promise<ContainerStatusResponse> {
    return this.rt('ContainerStatus', { container_id: containerId, verbose }, opts);
  }

  async updateContainerResources(
    containerId: string,
    resources: LinuxContainerResources,
    annotations: Labels = {},
    opts?: CallOptions,
  ): Promise<void> {
    await this.rt(
      'UpdateContainerResources',
      { container_id: containerId, linux: resources, annotations },
      opts,
    );
  }

  execSync(
    containerId: string,
    cmd: string[],
    timeoutSeconds: number,
    opts?: CallOptions,
  ): Promise<ExecSyncResponse> {
    // as upstream: the call's deadline is the command's timeout plus the usual request timeout
    const timeoutMs = opts?.timeoutMs ?? this.conn.defaultTimeoutMs + timeoutSeconds * 1000;
    return this.rt(
      'ExecSync',
      { container_id: containerId, cmd, timeout: timeoutSeconds },
      { ...opts, timeoutMs },
    );
  }

  exec(req: ExecRequest, opts?: CallOptions): Promise<StreamingResponse> {
    return this.rt('Exec', req, opts);
  }

  attach(req: AttachRequest, opts?: CallOptions): Promise<StreamingResponse> {
    return this.rt('Attach', req, opts);
  }

  portForward(req: PortForwardRequest, opts?: CallOptions): Promise<StreamingResponse> {
    return this.rt('PortForward', req, opts);
  }

  async containerStats(containerId: string, opts?: CallOptions): Promise<ContainerStats> {
    const res = await this.rt<{ stats: ContainerStats | null }>(
      'ContainerStats',
      { container_id: containerId },
      opts,
    );
    if (!res.stats)
      throw new RuntimeError('NotFound', `no stats for container ${containerId}`, 'ContainerStats');
    return res.stats;
  }

  async listImages(filter?: ImageSpec, opts?: CallOptions): Promise<Image[]> {
    const request = { filter: filter ? { image: filter } : null };
    return (await this.img<{ images: Image[] }>('ListImages', request, opts)).images;
  }

  imageStatus(image: ImageSpec, verbose = false, opts?: CallOptions): Promise<ImageStatusResponse> {
    return this.img('ImageStatus', { image, verbose }, opts);
  }

  async pullImage(
    image: ImageSpec,
    auth?: AuthConfig | null,
    sandboxConfig?: PodSandboxConfig | null,
    opts?: CallOptions,
  ): Promise<string> {
    const request = { image, auth: auth ?? null, sandbox_config: sandboxConfig ?? null };
    const callOpts = { ...opts, timeoutMs: opts?.timeoutMs ?? this.pullTimeoutMs };
    return (await this.img<{ image_ref: string }>('PullImage', request, callOpts)).image_ref;
  }

  async removeImage(image: ImageSpec, opts?: CallOptions): Promise<void> {
    await this.img('RemoveImage', { image }, opts);
  }

  close(): void {
    this.conn.close();
  }
}
