import { describe, expect, it } from 'vitest';
import { containerdPaths, renderContainerdConfig } from './config.js';

describe('containerdPaths', () => {
  it('keeps everything under the data dir', () => {
    const p = containerdPaths('/var/lib/cairn');
    expect(p).toMatchObject({
      config: '/var/lib/cairn/containerd/config.toml',
      root: '/var/lib/cairn/containerd/root',
      state: '/var/lib/cairn/containerd/state',
      socket: '/var/lib/cairn/containerd/containerd.sock',
      log: '/var/lib/cairn/containerd/containerd.log',
      certsDir: '/var/lib/cairn/containerd/certs.d',
      cniConfDir: '/var/lib/cairn/cni/net.d',
    });
    for (const path of Object.values(p)) expect(path.startsWith('/var/lib/cairn/')).toBe(true);
  });
});

describe('renderContainerdConfig', () => {
  const paths = containerdPaths('/data');
  const toml = renderContainerdConfig({ paths, streamPort: 41234 });
  const section = (name: string): string => {
    const start = toml.indexOf(`[${name}]\n`);
    expect(start, name).toBeGreaterThanOrEqual(0);
    const rest = toml.slice(start + name.length + 3);
    return rest.slice(0, rest.search(/^\[/m) === -1 ? undefined : rest.search(/^\[/m));
  };
  const cri = 'plugins."io.containerd.grpc.v1.cri"';

  it('is a version 2 config rooted in the data dir', () => {
    expect(toml).toMatch(/^version = 2$/m);
    expect(toml).toContain('root = "/data/containerd/root"\nstate = "/data/containerd/state"');
    expect(section('grpc')).toContain('address = "/data/containerd/containerd.sock"');
  });

  it('sets the CRI keys these machines need', () => {
    const body = section(cri);
    for (const line of [
      'sandbox_image = "localhost/pause:latest"',
      'restrict_oom_score_adj = true',
      'disable_hugetlb_controller = true',
      'tolerate_missing_hugetlb_controller = true',
      'netns_mounts_under_state_dir = true',
      'stream_server_address = "127.0.0.1"',
      'stream_server_port = "41234"',
    ]) {
      expect(body).toContain(line);
    }
    expect(section(`${cri}.cni`)).toBe(
      '  bin_dir = "/usr/lib/cni"\n  conf_dir = "/data/cni/net.d"\n  max_conf_num = 1\n\n',
    );
    expect(section(`${cri}.registry`)).toContain('config_path = "/data/containerd/certs.d"');
  });

  it('declares runc by default, and other handlers when asked', () => {
    expect(section(`${cri}.containerd`)).toContain('default_runtime_name = "runc"');
    expect(section(`${cri}.containerd.runtimes."runc"`)).toContain('runtime_type = "io.containerd.runc.v2"');
    expect(section(`${cri}.containerd.runtimes."runc".options`)).toContain('BinaryName = "/usr/sbin/runc"');
    const two = renderContainerdConfig({
      paths,
      streamPort: 1,
      runtimes: [
        { name: 'runc', binaryName: '/usr/sbin/runc' },
        { name: 'crun', binaryName: '/usr/bin/crun' },
      ],
      sandboxImage: 'example.com/pause:3.9',
    });
    expect(two).toContain(
      '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes."crun".options]\n  BinaryName = "/usr/bin/crun"',
    );
    expect(two).toContain('sandbox_image = "example.com/pause:3.9"');
  });

  it('quotes paths as TOML strings', () => {
    const odd = renderContainerdConfig({ paths: containerdPaths('/d "q"'), streamPort: 1 });
    expect(odd).toContain('root = "/d \\"q\\"/containerd/root"');
  });
});
