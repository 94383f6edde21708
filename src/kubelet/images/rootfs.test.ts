import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cairnNodeImage, cairnNodeImageName } from './local-images.js';
import { buildBinariesRootfs, parseLddOutput } from './rootfs.js';

describe('parseLddOutput', () => {
  it.each([
    {
      name: 'a dynamic binary: resolved libraries and the loader, no vdso',
      out: [
        '\tlinux-vdso.so.1 (0x00007ffd)',
        '\tlibdl.so.2 => /lib/x86_64-linux-gnu/libdl.so.2 (0x00007f48)',
        '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f48)',
        '\t/lib64/ld-linux-x86-64.so.2 (0x00007f48)',
      ].join('\n'),
      want: [
        '/lib/x86_64-linux-gnu/libdl.so.2',
        '/lib/x86_64-linux-gnu/libc.so.6',
        '/lib64/ld-linux-x86-64.so.2',
      ],
    },
    { name: 'a static binary', out: '\tstatically linked\n', want: [] },
    { name: 'a library not found is skipped', out: '\tlibfoo.so.1 => not found\n', want: [] },
    {
      name: 'duplicates once',
      out: 'a => /lib/a.so (0x1)\na => /lib/a.so (0x1)\n',
      want: ['/lib/a.so'],
    },
  ])('$name', ({ out, want }) => {
    expect(parseLddOutput(out)).toEqual(want);
  });
});

describe('buildBinariesRootfs', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('copies each binary and the libraries ldd names to the same paths', async () => {
    const host = await mkdtemp(join(tmpdir(), 'cairn-host-'));
    const root = await mkdtemp(join(tmpdir(), 'cairn-rootfs-'));
    dirs.push(host, root);
    const bin = join(host, 'tool');
    const lib = join(host, 'liba.so.1');
    const staticBin = join(host, 'static-tool');
    await writeFile(bin, 'BIN');
    await writeFile(lib, 'LIB');
    await writeFile(staticBin, 'STATIC');
    const calls: string[][] = [];
    const files = await buildBinariesRootfs(root, [bin, staticBin], {
      exec: async (file, args) => {
        calls.push([file, ...args]);
        if (args[0] === staticBin) throw Object.assign(new Error('not a dynamic executable'), { code: 1 });
        return { stdout: `\tliba.so.1 => ${lib} (0x1)\n`, stderr: '' };
      },
    });
    expect(calls).toEqual([
      ['/usr/bin/ldd', bin],
      ['/usr/bin/ldd', staticBin],
    ]);
    expect(files.sort()).toEqual([bin, lib, staticBin].sort());
    expect(await readFile(join(root, bin), 'utf8')).toBe('BIN');
    expect(await readFile(join(root, lib), 'utf8')).toBe('LIB');
    expect((await stat(join(root, bin))).mode & 0o777).toBe(0o755);
    expect((await stat(join(root, 'tmp'))).isDirectory()).toBe(true);
  });
});

describe('the cairn-node image', () => {
  it('is named after the node version and holds node and etcd', () => {
    expect(cairnNodeImageName('v20.1.0')).toBe('localhost/cairn-node:v20.1.0');
    const image = cairnNodeImage('/usr/bin/node', '/usr/bin/etcd');
    expect(image.spec.name).toBe(cairnNodeImageName(process.version));
    expect(image.binary).toBe('/usr/bin/etcd');
    expect(image.debianPackage).toBe('etcd-server');
  });
});
