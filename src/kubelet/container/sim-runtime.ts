/**
 * `sim`: an in-process Runtime (CRI-shaped, same interface as the gRPC client) for fast unit tests
 * and, later, for many simulated nodes in one process. Nothing runs: sandboxes get IPs from a
 * counter and containers follow a scriptable behaviour on an injected clock (exit with a code
 * after N ms, or run until stopped). Time is the clock's: with `FakeClock` a test advances it.
 *
 * A container's life here: createContainer → CREATED; startContainer → RUNNING (startError: the
 * call fails and it stays CREATED); the behaviour's exit timer or stopContainer → EXITED;
 * removeContainer/removePodSandbox → gone.
 */
import { writeFileSync } from 'node:fs';
import type { Clock } from '../lifecycle.js';
import {
  RuntimeError,
  type Container,
  type ContainerConfig,
  type ContainerState,
  type ContainerStatus,
  type ContainerStatusResponse,
  type ExecSyncResponse,
  type Image,
  type ImageSpec,
  type PodSandbox,
  type PodSandboxConfig,
  type PodSandboxFilter,
  type PodSandboxStatus,
  type PodSandboxStatusResponse,
  type Runtime,
  type StatusResponse,
  type VersionResponse,
  type ContainerFilter,
  type ContainerStats,
  type StreamingResponse,
} from './runtime.js';

/** What a started container does. No `exit`: it runs until stopped. */
export interface SimBehaviour {
  exit?: { code: number; afterMs: number; reason?: string; message?: string };
  /** Written to the host file mounted at the container's terminationMessagePath on exit. */
  terminationMessage?: string;
  /** StartContainer fails with this message. */
  startError?: string;
  /** Exit code when stopped (default 137, as a process killed by the stop signal's fallback). */
  stopExitCode?: number;
}

export type SimBehaviourFn = (config: ContainerConfig, sandbox: PodSandboxConfig) => SimBehaviour | undefined;

export interface SimRuntimeOptions {
  clock: Clock;
  behaviour?: SimBehaviourFn;
  /** Images present from the start (default: localhost/pause:latest, localhost/busybox:latest). */
  images?: string[];
  /** Images that PullImage can fetch (default none: every pull of an absent image fails). */
  pullable?: string[];
  /** Sandbox IPs are `<ipPrefix><n>` (default `10.244.0.`). */
  ipPrefix?: string;
}

/** A clock whose time only moves when a test says so; timers fire in order inside `advance`. */
export class FakeClock implements Clock {
  private ms: number;
  private seq = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  constructor(start = Date.parse('2025-01-01T00:00:00Z')) {
    this.ms = start;
  }
  now(): Date {
    return new Date(this.ms);
  }
  setTimeout(fn: () => void, ms: number): { cancel(): void } {
    const id = ++this.seq;
    this.timers.set(id, { at: this.ms + Math.max(0, ms), fn });
    return { cancel: () => this.timers.delete(id) };
  }
  advance(ms: number): void {
    const end = this.ms + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers)
        if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      this.ms = Math.max(this.ms, next[1].at);
      next[1].fn();
    }
    this.ms = end;
  }
}

interface SimSandbox {
  id: string;
  config: PodSandboxConfig;
  state: 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
  createdAt: string;
  ip: string;
}

interface SimContainer {
  id: string;
  sandboxId: string;
  config: ContainerConfig;
  sandboxConfig: PodSandboxConfig;
  state: ContainerState;
  createdAt: string;
  startedAt: string;
  finishedAt: string;
  exitCode: number;
  reason: string;
  message: string;
  behaviour: SimBehaviour;
  timer?: { cancel(): void };
}

const nanos = (d: Date): string => (BigInt(d.getTime()) * 1_000_000n).toString();
const matches = (labels: Record<string, string>, selector?: Record<string, string>): boolean =>
  Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);

export class SimRuntime implements Runtime {
  readonly sandboxes = new Map<string, SimSandbox>();
  readonly containers = new Map<string, SimContainer>();
  /** Every CRI call by method name, for assertions. */
  readonly calls: string[] = [];
  private readonly images = new Map<string, Image>();
  private nextId = 0;
  private nextIp = 1;
  behaviour: SimBehaviourFn;

  constructor(private readonly options: SimRuntimeOptions) {
    this.behaviour = options.behaviour ?? (() => undefined);
    for (const name of options.images ?? ['localhost/pause:latest', 'localhost/busybox:latest'])
      this.addImage(name);
  }

  private id(prefix: string): string {
    return `${prefix}${(++this.nextId).toString(16).padStart(12, '0')}`;
  }
  private addImage(name: string): Image {
    const image: Image = {
      id: `sha256:${Buffer.from(name).toString('hex').padEnd(64, '0').slice(0, 64)}`,
      repo_tags: [name],
      repo_digests: [],
      size: '1000000',
      uid: null,
      username: '',
      spec: null,
      pinned: false,
    };
    this.images.set(name, image);
    return image;
  }
  private findImage(ref: string): Image | undefined {
    return this.images.get(ref) ?? [...this.images.values()].find((i) => i.id === ref);
  }
  private sandbox(id: string, method: string): SimSandbox {
    const s = this.sandboxes.get(id);
    if (!s) throw new RuntimeError('NotFound', `sandbox ${id} not found`, method);
    return s;
  }
  private container(id: string, method: string): SimContainer {
    const c = this.containers.get(id);
    if (!c) throw new RuntimeError('NotFound', `container ${id} not found`, method);
    return c;
  }
  private exit(c: SimContainer, code: number, reason?: string, message = ''): void {
    if (c.state !== 'CONTAINER_RUNNING') return;
    c.timer?.cancel();
    c.state = 'CONTAINER_EXITED';
    c.exitCode = code;
    c.reason = reason ?? (code === 0 ? 'Completed' : 'Error');
    c.message = message;
    c.finishedAt = nanos(this.options.clock.now());
    const path = c.config.annotations?.['io.kubernetes.container.terminationMessagePath'];
    const mount = c.config.mounts?.find((m) => m.container_path === path);
    if (mount && c.behaviour.terminationMessage !== undefined) {
      writeFileSync(mount.host_path, c.behaviour.terminationMessage);
    }
  }

  async version(): Promise<VersionResponse> {
    return { version: '0.1.0', runtime_name: 'sim', runtime_version: '0.1.0', runtime_api_version: 'v1' };
  }
  async status(): Promise<StatusResponse> {
    const ok = (type: string) => ({ type, status: true, reason: '', message: '' });
    return {
      status: { conditions: [ok('RuntimeReady'), ok('NetworkReady')] },
      info: {},
      runtime_handlers: [],
    };
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    this.calls.push('RunPodSandbox');
    const id = this.id('s');
    const hostNetwork = config.linux?.security_context?.namespace_options?.network === 'NODE';
    const ip = hostNetwork ? '' : `${this.options.ipPrefix ?? '10.244.0.'}${this.nextIp++}`;
    const createdAt = nanos(this.options.clock.now());
    this.sandboxes.set(id, { id, config, state: 'SANDBOX_READY', createdAt, ip });
    return id;
  }
  async stopPodSandbox(id: string): Promise<void> {
    this.calls.push('StopPodSandbox');
    const s = this.sandboxes.get(id);
    if (!s) return;
    for (const c of this.containers.values()) {
      if (c.sandboxId === id) this.exit(c, c.behaviour.stopExitCode ?? 137);
    }
    s.state = 'SANDBOX_NOTREADY';
  }
  async removePodSandbox(id: string): Promise<void> {
    this.calls.push('RemovePodSandbox');
    for (const c of [...this.containers.values()]) {
      if (c.sandboxId === id) {
        c.timer?.cancel();
        this.containers.delete(c.id);
      }
    }
    this.sandboxes.delete(id);
  }
  private sandboxStatus(s: SimSandbox): PodSandboxStatus {
    const ns = s.config.linux?.security_context?.namespace_options ?? null;
    return {
      id: s.id,
      metadata: s.config.metadata,
      state: s.state,
      created_at: s.createdAt,
      network: { ip: s.ip, additional_ips: [] },
      linux: { namespaces: { options: ns } },
      labels: s.config.labels ?? {},
      annotations: s.config.annotations ?? {},
      runtime_handler: '',
    };
  }
  async podSandboxStatus(id: string): Promise<PodSandboxStatusResponse> {
    this.calls.push('PodSandboxStatus');
    const s = this.sandbox(id, 'PodSandboxStatus');
    return {
      status: this.sandboxStatus(s),
      info: {},
      containers_statuses: [],
      timestamp: nanos(this.options.clock.now()),
    };
  }
  async listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]> {
    this.calls.push('ListPodSandbox');
    return [...this.sandboxes.values()]
      .filter(
        (s) => (!filter?.id || s.id === filter.id) && (!filter?.state || s.state === filter.state.state),
      )
      .filter((s) => matches(s.config.labels ?? {}, filter?.label_selector))
      .map((s) => {
        const { id, metadata, state, created_at, labels, annotations, runtime_handler } =
          this.sandboxStatus(s);
        return { id, metadata, state, created_at, labels, annotations, runtime_handler };
      });
  }

  async createContainer(
    sandboxId: string,
    config: ContainerConfig,
    sandboxConfig: PodSandboxConfig,
  ): Promise<string> {
    this.calls.push('CreateContainer');
    const s = this.sandbox(sandboxId, 'CreateContainer');
    if (s.state !== 'SANDBOX_READY')
      throw new RuntimeError('FailedPrecondition', 'sandbox not ready', 'CreateContainer');
    if (!this.findImage(config.image.image)) {
      throw new RuntimeError('NotFound', `image ${config.image.image} not found`, 'CreateContainer');
    }
    const id = this.id('c');
    this.containers.set(id, {
      id,
      sandboxId,
      config,
      sandboxConfig,
      state: 'CONTAINER_CREATED',
      createdAt: nanos(this.options.clock.now()),
      startedAt: '0',
      finishedAt: '0',
      exitCode: 0,
      reason: '',
      message: '',
      behaviour: this.behaviour(config, sandboxConfig) ?? {},
    });
    return id;
  }
  async startContainer(id: string): Promise<void> {
    this.calls.push('StartContainer');
    const c = this.container(id, 'StartContainer');
    if (c.state !== 'CONTAINER_CREATED')
      throw new RuntimeError('FailedPrecondition', `container ${id} is ${c.state}`);
    if (c.behaviour.startError) throw new RuntimeError('Unknown', c.behaviour.startError, 'StartContainer');
    c.state = 'CONTAINER_RUNNING';
    c.startedAt = nanos(this.options.clock.now());
    const exit = c.behaviour.exit;
    if (exit)
      c.timer = this.options.clock.setTimeout(
        () => this.exit(c, exit.code, exit.reason, exit.message),
        exit.afterMs,
      );
  }
  async stopContainer(id: string, _timeoutSeconds = 0): Promise<void> {
    this.calls.push('StopContainer');
    const c = this.container(id, 'StopContainer');
    this.exit(c, c.behaviour.stopExitCode ?? 137);
    if (c.state === 'CONTAINER_CREATED') c.state = 'CONTAINER_EXITED';
  }
  async removeContainer(id: string): Promise<void> {
    this.calls.push('RemoveContainer');
    this.containers.get(id)?.timer?.cancel();
    this.containers.delete(id);
  }
  private toContainer(c: SimContainer): Container {
    const image = this.findImage(c.config.image.image);
    return {
      id: c.id,
      pod_sandbox_id: c.sandboxId,
      metadata: c.config.metadata,
      image: c.config.image,
      image_ref: image?.id ?? '',
      state: c.state,
      created_at: c.createdAt,
      labels: c.config.labels ?? {},
      annotations: c.config.annotations ?? {},
      image_id: image?.id ?? '',
    };
  }
  async listContainers(filter?: ContainerFilter): Promise<Container[]> {
    this.calls.push('ListContainers');
    return [...this.containers.values()]
      .filter(
        (c) =>
          (!filter?.id || c.id === filter.id) &&
          (!filter?.pod_sandbox_id || c.sandboxId === filter.pod_sandbox_id),
      )
      .filter(
        (c) =>
          (!filter?.state || c.state === filter.state.state) &&
          matches(c.config.labels ?? {}, filter?.label_selector),
      )
      .map((c) => this.toContainer(c));
  }
  async containerStatus(id: string): Promise<ContainerStatusResponse> {
    this.calls.push('ContainerStatus');
    const c = this.container(id, 'ContainerStatus');
    const base = this.toContainer(c);
    const logDir = c.sandboxConfig.log_directory ?? '';
    const status: ContainerStatus = {
      ...base,
      started_at: c.startedAt,
      finished_at: c.finishedAt,
      exit_code: c.exitCode,
      reason: c.reason,
      message: c.message,
      mounts: c.config.mounts ?? [],
      log_path: c.config.log_path ? `${logDir}/${c.config.log_path}` : '',
      resources: null,
      stop_signal: '',
    };
    return { status, info: {} };
  }
  async updateContainerResources(): Promise<void> {}
  async execSync(id: string): Promise<ExecSyncResponse> {
    this.container(id, 'ExecSync');
    return { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exit_code: 0 };
  }
  async exec(): Promise<StreamingResponse> {
    throw new RuntimeError('Unimplemented', 'the sim runtime does not stream', 'Exec');
  }
  async attach(): Promise<StreamingResponse> {
    throw new RuntimeError('Unimplemented', 'the sim runtime does not stream', 'Attach');
  }
  async portForward(): Promise<StreamingResponse> {
    throw new RuntimeError('Unimplemented', 'the sim runtime does not stream', 'PortForward');
  }
  async containerStats(id: string): Promise<ContainerStats> {
    const c = this.container(id, 'ContainerStats');
    return {
      attributes: {
        id,
        metadata: c.config.metadata,
        labels: c.config.labels ?? {},
        annotations: c.config.annotations ?? {},
      },
      cpu: null,
      memory: null,
      writable_layer: null,
    };
  }

  async listImages(): Promise<Image[]> {
    return [...this.images.values()];
  }
  async imageStatus(spec: ImageSpec): Promise<{ image: Image | null; info: Record<string, string> }> {
    return { image: this.findImage(spec.image) ?? null, info: {} };
  }
  async pullImage(spec: ImageSpec): Promise<string> {
    this.calls.push('PullImage');
    if (!(this.options.pullable ?? []).includes(spec.image)) {
      throw new RuntimeError(
        'Unknown',
        `failed to pull and unpack image "${spec.image}": not found`,
        'PullImage',
      );
    }
    return (this.findImage(spec.image) ?? this.addImage(spec.image)).id;
  }
  async removeImage(spec: ImageSpec): Promise<void> {
    const image = this.findImage(spec.image);
    if (image) for (const tag of image.repo_tags) this.images.delete(tag);
  }
  close(): void {
    for (const c of this.containers.values()) c.timer?.cancel();
  }
}
