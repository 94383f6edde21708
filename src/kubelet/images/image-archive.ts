/**
 * docker-archive tarballs (`docker save` format: manifest.json + config JSON + one layer tar),
 * which `ctr images import` reads keeping the full `localhost/…` name from `RepoTags` (an OCI
 * layout would keep only the tag). The JSON parts are pure functions; tarring uses the system
 * `tar`, deterministically (sorted, mtime 0, root-owned), so a rebuild gives the same image id.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ExecFileFn } from '../network/bridge.js';
import { defaultExecFile } from '../network/bridge.js';

export interface ImageSpecification {
  /** Full name with tag, e.g. `localhost/busybox:latest`. */
  name: string;
  entrypoint?: string[];
  cmd?: string[];
  env?: string[];
  workingDir?: string;
  labels?: Record<string, string>;
  /** What made the layer, for `history` (e.g. `busybox-static 1:1.35.0-4`). */
  createdBy: string;
}

export const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const EPOCH = '1970-01-01T00:00:00Z';

/** OCI/Docker architecture name of a Node `process.arch`. */
export function ociArchitecture(arch: string = process.arch): string {
  const names: Record<string, string> = {
    x64: 'amd64',
    ia32: '386',
    arm64: 'arm64',
    arm: 'arm',
    ppc64: 'ppc64le',
  };
  return names[arch] ?? arch;
}

/** The image config JSON (the image id is the sha256 of these exact bytes). */
export function imageConfigJson(
  spec: ImageSpecification,
  layerDiffId: string,
  arch = ociArchitecture(),
): string {
  const config: Record<string, unknown> = { Env: spec.env ?? [DEFAULT_PATH] };
  if (spec.entrypoint) config['Entrypoint'] = spec.entrypoint;
  if (spec.cmd) config['Cmd'] = spec.cmd;
  config['WorkingDir'] = spec.workingDir ?? '/';
  if (spec.labels) config['Labels'] = spec.labels;
  return JSON.stringify({
    architecture: arch,
    os: 'linux',
    created: EPOCH,
    config,
    rootfs: { type: 'layers', diff_ids: [layerDiffId] },
    history: [{ created: EPOCH, created_by: spec.createdBy }],
  });
}

/** manifest.json of a one-layer docker-archive. */
export function dockerManifestJson(name: string, configFile: string, layerFile: string): string {
  return JSON.stringify([{ Config: configFile, RepoTags: [name], Layers: [layerFile] }]);
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** Deterministic `tar` of a folder's content (GNU tar). */
export const tarArgs = (dir: string, out: string, entries: string[] = ['.']): string[] => [
  '--create',
  '--file',
  out,
  '--directory',
  dir,
  '--sort=name',
  '--mtime=@0',
  '--owner=0',
  '--group=0',
  '--numeric-owner',
  '--format=gnu',
  ...entries,
];

export interface WriteArchiveOptions {
  exec?: ExecFileFn;
  /** default /usr/bin/tar (else `tar` from PATH) */
  tar?: string;
}

/** Writes `out` as a docker-archive of `rootfs` (one layer); returns the image id (`sha256:…`). */
export async function writeDockerArchive(
  rootfs: string,
  spec: ImageSpecification,
  out: string,
  options: WriteArchiveOptions = {},
): Promise<string> {
  const exec = options.exec ?? defaultExecFile;
  const tar = options.tar ?? '/usr/bin/tar';
  const work = await mkdtemp(join(tmpdir(), 'cairn-image-'));
  try {
    const layerTmp = join(work, 'layer.tar');
    await exec(tar, tarArgs(rootfs, layerTmp));
    const diffId = await sha256File(layerTmp);
    await mkdir(join(work, diffId));
    await rename(layerTmp, join(work, diffId, 'layer.tar'));
    const config = imageConfigJson(spec, `sha256:${diffId}`);
    const configId = sha256(config);
    await writeFile(join(work, `${configId}.json`), config);
    const layerFile = `${diffId}/layer.tar`;
    await writeFile(
      join(work, 'manifest.json'),
      dockerManifestJson(spec.name, `${configId}.json`, layerFile),
    );
    await mkdir(dirname(out), { recursive: true });
    await exec(tar, tarArgs(work, out, ['manifest.json', `${configId}.json`, layerFile]));
    return `sha256:${configId}`;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
