/**
 * containerd's config for the agent's private instance (version 2 schema, containerd 1.6), with the
 * keys that differ from `containerd config default` on these machines (shared/cri/FACTS.md), and
 * where everything lives under the data dir.
 */
import { join } from 'node:path';

export interface ContainerdPaths {
  /** `<dataDir>/containerd`: everything containerd owns. */
  base: string;
  config: string;
  root: string;
  state: string;
  socket: string;
  log: string;
  pidFile: string;
  /** Registry hosts config (`certs.d/<host>/hosts.toml`), read by containerd without a restart. */
  certsDir: string;
  /** CNI conf dir that containerd loads (cairn writes one conflist there). */
  cniConfDir: string;
  /** host-local IPAM allocations. */
  cniIpamDir: string;
}

export function containerdPaths(dataDir: string): ContainerdPaths {
  const base = join(dataDir, 'containerd');
  return {
    base,
    config: join(base, 'config.toml'),
    root: join(base, 'root'),
    state: join(base, 'state'),
    socket: join(base, 'containerd.sock'),
    log: join(base, 'containerd.log'),
    pidFile: join(base, 'containerd.pid'),
    certsDir: join(base, 'certs.d'),
    cniConfDir: join(dataDir, 'cni', 'net.d'),
    cniIpamDir: join(dataDir, 'cni', 'ipam'),
  };
}

export interface RuntimeHandlerConfig {
  /** The CRI runtime handler name (`RunPodSandboxRequest.runtime_handler`, RuntimeClass.handler). */
  name: string;
  /** OCI runtime binary for the runc v2 shim (`/usr/sbin/runc`, `/usr/bin/crun`). */
  binaryName: string;
}

export interface ContainerdConfigOptions {
  paths: ContainerdPaths;
  /** Sandbox image; must be present before the first RunPodSandbox (default `localhost/pause:latest`). */
  sandboxImage?: string;
  /** Streaming server (exec/attach/port-forward URLs) address and port; port 0 is not usable. */
  streamAddress?: string;
  streamPort: number;
  /** Runtime handlers; the first is the default (default: runc at /usr/sbin/runc). */
  runtimes?: RuntimeHandlerConfig[];
  cniBinDir?: string;
  /** Snapshotter (default overlayfs). */
  snapshotter?: string;
}

export const DEFAULT_SANDBOX_IMAGE = 'localhost/pause:latest';
export const DEFAULT_RUNTIMES: RuntimeHandlerConfig[] = [{ name: 'runc', binaryName: '/usr/sbin/runc' }];

/** A TOML basic string (JSON's escapes are a subset TOML accepts). */
const str = (s: string): string => JSON.stringify(s);

export function renderContainerdConfig(options: ContainerdConfigOptions): string {
  const { paths } = options;
  const runtimes = options.runtimes?.length ? options.runtimes : DEFAULT_RUNTIMES;
  const cri = '[plugins."io.containerd.grpc.v1.cri"';
  const lines = [
    '# Written by cairn for its private containerd; rewritten at every start.',
    'version = 2',
    `root = ${str(paths.root)}`,
    `state = ${str(paths.state)}`,
    'oom_score = 0',
    // snapshotters this machine has no use for (their probing only adds noise to the log)
    'disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs"]',
    '',
    '[grpc]',
    `  address = ${str(paths.socket)}`,
    '',
    '[plugins."io.containerd.internal.v1.opt"]',
    `  path = ${str(join(paths.root, 'opt'))}`,
    '',
    `${cri}]`,
    `  sandbox_image = ${str(options.sandboxImage ?? DEFAULT_SANDBOX_IMAGE)}`,
    `  stream_server_address = ${str(options.streamAddress ?? '127.0.0.1')}`,
    `  stream_server_port = ${str(String(options.streamPort))}`,
    '  enable_tls_streaming = false',
    // no CAP_SYS_RESOURCE here: without it runc fails "can't get final child's PID from pipe: EOF"
    '  restrict_oom_score_adj = true',
    '  disable_hugetlb_controller = true',
    '  tolerate_missing_hugetlb_controller = true',
    '  netns_mounts_under_state_dir = true',
    '  max_container_log_line_size = 16384',
    '',
    `${cri}.containerd]`,
    `  snapshotter = ${str(options.snapshotter ?? 'overlayfs')}`,
    `  default_runtime_name = ${str(runtimes[0]?.name ?? 'runc')}`,
    '',
  ];
  for (const rt of runtimes) {
    lines.push(
      `${cri}.containerd.runtimes.${str(rt.name)}]`,
      '  runtime_type = "io.containerd.runc.v2"',
      '',
      `${cri}.containerd.runtimes.${str(rt.name)}.options]`,
      `  BinaryName = ${str(rt.binaryName)}`,
      // runc's state (default /run/containerd/runc) stays under the state dir too
      `  Root = ${str(join(paths.state, 'runc'))}`,
      '  SystemdCgroup = false',
      '',
    );
  }
  lines.push(
    `${cri}.cni]`,
    `  bin_dir = ${str(options.cniBinDir ?? '/usr/lib/cni')}`,
    `  conf_dir = ${str(paths.cniConfDir)}`,
    '  max_conf_num = 1',
    '',
    `${cri}.registry]`,
    `  config_path = ${str(paths.certsDir)}`,
    '',
  );
  return lines.join('\n');
}
