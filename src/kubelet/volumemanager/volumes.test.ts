import { lstat, mkdtemp, readFile, readdir, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TokenRequest } from 'kubernetes-types/authentication/v1.js';
import type { ConfigMap, Pod, Secret, Volume } from 'kubernetes-types/core/v1.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContainerConfigError } from '../kuberuntime/container-config.js';
import { writeAtomic } from './atomic-writer.js';
import { noopMounter, VolumeManager, VolumeSetupError, type Mounter } from './index.js';
import { makeMounts } from './mounts.js';
import type { ObjectSource } from './object-source.js';
import { checkHostPathType } from './plugins/host-path.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cairn-vol-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const payload = (entries: Record<string, string>, mode = 0o644) =>
  new Map(Object.entries(entries).map(([k, v]) => [k, { data: Buffer.from(v), mode }]));

describe('atomic writer', () => {
  it('writes through a ..data symlink and swaps it on change', async () => {
    expect(await writeAtomic(dir, payload({ a: '1', 'sub/b': '2' }))).toBe(true);
    const first = await readlink(join(dir, '..data'));
    expect(await readFile(join(dir, 'a'), 'utf8')).toBe('1');
    expect(await readFile(join(dir, 'sub/b'), 'utf8')).toBe('2');
    expect((await lstat(join(dir, 'a'))).isSymbolicLink()).toBe(true);
    expect(await writeAtomic(dir, payload({ a: '1', 'sub/b': '2' }))).toBe(false);

    expect(await writeAtomic(dir, payload({ a: 'changed' }))).toBe(true);
    const second = await readlink(join(dir, '..data'));
    expect(second).not.toBe(first);
    expect(await readFile(join(dir, 'a'), 'utf8')).toBe('changed');
    const names = (await readdir(dir)).sort();
    expect(names).toEqual(['..data', 'a', second].sort());
  });

  it('applies modes and refuses escaping paths', async () => {
    await writeAtomic(dir, payload({ k: 'v' }, 0o400));
    expect((await stat(join(dir, 'k'))).mode & 0o777).toBe(0o400);
    await expect(writeAtomic(dir, payload({ '../x': 'v' }))).rejects.toThrow(/must not contain '..'/);
  });
});

describe('hostPath types', () => {
  it.each([
    ['DirectoryOrCreate', 'newdir', undefined],
    ['Directory', 'missing', 'is not a directory'],
    ['FileOrCreate', 'newfile', undefined],
    ['File', 'missing', 'is not a file'],
    ['Socket', 'missing', 'is not a socket file'],
    ['CharDevice', 'missing', 'is not a character device'],
    ['BlockDevice', 'missing', 'is not a block device'],
    ['', 'missing', undefined],
  ])('%s on %s', async (type, name, error) => {
    const p = join(dir, name);
    const done = checkHostPathType(p, type);
    if (error) await expect(done).rejects.toThrow(`hostPath type check failed: ${p} ${error}`);
    else await done;
  });

  it('checks existing paths', async () => {
    await writeFile(join(dir, 'f'), '');
    await checkHostPathType(join(dir, 'f'), 'File');
    await expect(checkHostPathType(join(dir, 'f'), 'Directory')).rejects.toThrow(/not a directory/);
    await checkHostPathType('/dev/null', 'CharDevice');
    await checkHostPathType(dir, 'DirectoryOrCreate');
  });
});

const b64 = (s: string) => Buffer.from(s).toString('base64');

function setup(volumes: Volume[], objects: Partial<ObjectSource> = {}, mounter?: Mounter) {
  const cms = new Map<string, ConfigMap>();
  const secrets = new Map<string, Secret>();
  const tokens: TokenRequest[] = [];
  const source: ObjectSource = {
    getConfigMap: async (ns, n) => cms.get(`${ns}/${n}`),
    getSecret: async (ns, n) => secrets.get(`${ns}/${n}`),
    requestToken: async (_ns, _n, req) => {
      tokens.push(req);
      return {
        ...req,
        status: { token: `tok-${tokens.length}`, expirationTimestamp: '2099-01-01T00:00:00Z' },
      };
    },
    ...objects,
  };
  const pod: Pod = {
    metadata: { name: 'p', namespace: 'ns', uid: 'uid-1', labels: { a: 'b' } },
    spec: {
      serviceAccountName: 'default',
      containers: [{ name: 'c', resources: { limits: { memory: '1Mi' } } }],
      volumes,
    },
  };
  const vm = new VolumeManager({
    rootDir: dir,
    objects: source,
    runtimeInfo: () => ({ podIPs: ['10.0.0.7'], hostIPs: ['192.168.0.1'] }),
    allocatable: () => ({ memory: '1Gi', cpu: '2' }),
    firstMountTimeoutMs: 0,
    mounter: mounter ?? noopMounter,
  });
  return { vm, pod, cms, secrets, tokens };
}

const volDir = (plugin: string, name: string) => join(dir, 'pods', 'uid-1', 'volumes', plugin, name);

describe('volume manager', () => {
  it('sets up emptyDir, and memory emptyDir as a tmpfs with the size limit', async () => {
    const mounted: Array<[string, bigint | undefined]> = [];
    const mounter: Mounter = {
      mountTmpfs: async (d, size) => void mounted.push([d, size]),
      isMountPoint: async (d) => mounted.some(([m]) => m === d),
      mountPointsUnder: async () => mounted.map(([m]) => m),
      unmount: async () => undefined,
    };
    const { vm, pod } = setup(
      [
        { name: 'scratch', emptyDir: {} },
        { name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
      ],
      {},
      mounter,
    );
    const vols = await vm.setUpPod(pod);
    expect(vols.get('scratch')).toEqual({
      hostPath: volDir('kubernetes.io~empty-dir', 'scratch'),
      readOnly: false,
    });
    expect((await stat(volDir('kubernetes.io~empty-dir', 'scratch'))).mode & 0o777).toBe(0o777);
    await vm.setUpPod(pod);
    expect(mounted).toEqual([[volDir('kubernetes.io~empty-dir', 'mem'), 64n * 1024n * 1024n]]);
  });

  it('projects configMap keys/items with modes and refreshes them', async () => {
    const { vm, pod, cms } = setup([
      { name: 'all', configMap: { name: 'cfg' } },
      {
        name: 'some',
        configMap: { name: 'cfg', items: [{ key: 'b', path: 'x/b.txt', mode: 0o600 }], defaultMode: 0o440 },
      },
      { name: 'opt', configMap: { name: 'missing', optional: true } },
    ]);
    cms.set('ns/cfg', { data: { a: 'A', b: 'B' }, binaryData: { bin: b64('\x00\x01') } });
    await vm.setUpPod(pod);
    const all = volDir('kubernetes.io~configmap', 'all');
    expect(await readFile(join(all, 'a'), 'utf8')).toBe('A');
    expect(await readFile(join(all, 'bin'))).toEqual(Buffer.from([0, 1]));
    expect((await stat(join(all, 'a'))).mode & 0o777).toBe(0o644);
    const some = volDir('kubernetes.io~configmap', 'some');
    expect(await readdir(some)).toContain('x');
    expect((await stat(join(some, 'x/b.txt'))).mode & 0o777).toBe(0o600);
    expect(await readdir(volDir('kubernetes.io~configmap', 'opt'))).toContain('..data');

    cms.set('ns/cfg', { data: { a: 'A2', b: 'B' } });
    await vm.setUpPod(pod);
    expect(await readFile(join(all, 'a'), 'utf8')).toBe('A2');
    expect(await readdir(all)).not.toContain('bin');
  });

  it('fails with upstream-like messages', async () => {
    const { vm, pod, cms } = setup([
      { name: 'v', configMap: { name: 'cfg', items: [{ key: 'nope', path: 'p' }] } },
    ]);
    await expect(vm.setUpPod(pod)).rejects.toThrow(
      'MountVolume.SetUp failed for volume "v" : configmap "cfg" not found',
    );
    cms.set('ns/cfg', { data: {} });
    await expect(vm.setUpPod(pod)).rejects.toThrow(VolumeSetupError);
    await expect(vm.setUpPod(pod)).rejects.toThrow('configmap references non-existent config key: nope');
    const s = setup([{ name: 'v', persistentVolumeClaim: { claimName: 'c' } }]);
    await expect(s.vm.setUpPod(s.pod)).rejects.toThrow(/unsupported volume type/);
  });

  it('writes secrets and the downward API', async () => {
    const { vm, pod, secrets } = setup([
      { name: 's', secret: { secretName: 'sec', defaultMode: 0o400 } },
      {
        name: 'd',
        downwardAPI: {
          items: [
            { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
            { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
            {
              path: 'mem',
              resourceFieldRef: { containerName: 'c', resource: 'limits.memory', divisor: '1Ki' },
            },
          ],
        },
      },
    ]);
    secrets.set('ns/sec', { data: { pw: b64('hunter2') } });
    const vols = await vm.setUpPod(pod);
    expect(vols.get('s')?.readOnly).toBe(true);
    const s = volDir('kubernetes.io~secret', 's');
    expect(await readFile(join(s, 'pw'), 'utf8')).toBe('hunter2');
    expect((await stat(join(s, 'pw'))).mode & 0o777).toBe(0o400);
    const d = volDir('kubernetes.io~downward-api', 'd');
    expect(await readFile(join(d, 'labels'), 'utf8')).toBe('a="b"');
    expect(await readFile(join(d, 'name'), 'utf8')).toBe('p');
    expect(await readFile(join(d, 'mem'), 'utf8')).toBe('1024');
  });

  it('builds the service account volume from a bound token, the CA and the namespace', async () => {
    const { vm, pod, cms, tokens } = setup([
      {
        name: 'kube-api-access-abcde',
        projected: {
          defaultMode: 0o644,
          sources: [
            { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            {
              downwardAPI: { items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }] },
            },
          ],
        },
      },
    ]);
    cms.set('ns/kube-root-ca.crt', { data: { 'ca.crt': 'PEM' } });
    await vm.setUpPod(pod);
    await vm.setUpPod(pod);
    const d = volDir('kubernetes.io~projected', 'kube-api-access-abcde');
    expect(await readFile(join(d, 'token'), 'utf8')).toBe('tok-1');
    expect(await readFile(join(d, 'ca.crt'), 'utf8')).toBe('PEM');
    expect(await readFile(join(d, 'namespace'), 'utf8')).toBe('ns');
    expect(tokens).toHaveLength(1); // reused until 80 % of its lifetime
    expect(tokens[0]?.spec.boundObjectRef).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      name: 'p',
      uid: 'uid-1',
    });
    expect(tokens[0]?.spec.expirationSeconds).toBe(3607);
  });

  it('mounts volumes into containers, with /etc/hosts', async () => {
    const { vm, pod } = setup([{ name: 'data', emptyDir: {} }]);
    pod.spec!.hostAliases = [{ ip: '1.2.3.4', hostnames: ['foo', 'bar'] }];
    const c = { name: 'c', volumeMounts: [{ name: 'data', mountPath: '/data', subPath: 'sub' }] };
    const mounts = await vm.containerMounts(pod, c, []);
    expect(mounts).toEqual([
      {
        container_path: '/data',
        host_path: join(volDir('kubernetes.io~empty-dir', 'data'), 'sub'),
        readonly: false,
        propagation: 'PROPAGATION_PRIVATE',
      },
      {
        container_path: '/etc/hosts',
        host_path: join(dir, 'pods', 'uid-1', 'etc-hosts'),
        readonly: false,
        propagation: 'PROPAGATION_PRIVATE',
      },
    ]);
    expect((await stat(join(volDir('kubernetes.io~empty-dir', 'data'), 'sub'))).isDirectory()).toBe(true);
    const hosts = await readFile(join(dir, 'pods', 'uid-1', 'etc-hosts'), 'utf8');
    expect(hosts).toContain('127.0.0.1\tlocalhost');
    expect(hosts).toContain('10.0.0.7\tp\n');
    expect(hosts).toContain('1.2.3.4\tfoo\tbar');
    pod.spec!.hostNetwork = true;
    expect(await vm.containerMounts(pod, { name: 'c' }, [])).toEqual([]);
  });
});

describe('container mounts', () => {
  const vols = new Map([
    ['rw', { hostPath: '/v/rw', readOnly: false }],
    ['ro', { hostPath: '/v/ro', readOnly: true }],
  ]);
  it('forces read-only for payload volumes and maps propagation', async () => {
    const m = await makeMounts(
      {
        name: 'c',
        volumeMounts: [
          { name: 'ro', mountPath: '/a' },
          { name: 'ro', mountPath: '/b', subPathExpr: '$(POD)' },
          { name: 'rw', mountPath: '/c', readOnly: true, mountPropagation: 'HostToContainer' },
        ],
      },
      vols,
      [{ key: 'POD', value: 'p1' }],
    );
    expect(m.map((x) => [x.container_path, x.host_path, x.readonly, x.propagation])).toEqual([
      ['/a', '/v/ro', true, 'PROPAGATION_PRIVATE'],
      ['/b', '/v/ro/p1', true, 'PROPAGATION_PRIVATE'],
      ['/c', '/v/rw', true, 'PROPAGATION_HOST_TO_CONTAINER'],
    ]);
  });

  it.each([
    [{ name: 'x', mountPath: '/x' }, 'cannot find volume "x"'],
    [{ name: 'ro', mountPath: '/x', subPath: '../etc' }, "must not contain '..'"],
    [{ name: 'ro', mountPath: '/x', subPath: '/etc' }, 'must be a relative path'],
    [{ name: 'rw', mountPath: '/x', mountPropagation: 'Bidirectional' }, 'only to privileged'],
  ])('refuses %j', async (mount, message) => {
    const err = await makeMounts({ name: 'c', volumeMounts: [mount] }, vols, []).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContainerConfigError);
    expect((err as Error).message).toContain(message);
  });
});
