/**
 * The images no registry serves here, built from Debian packages and imported into containerd's
 * `k8s.io` namespace (the one CRI uses) with `ctr images import`:
 * - `localhost/pause:latest`: the sandbox image (catatonit), needed before the first RunPodSandbox;
 * - `localhost/busybox:latest`: the test workload image (busybox-static; default command `sh`);
 * - `localhost/cairn-node:<node version>` (only when asked for): the host's `node` and `etcd`
 *   (Debian `etcd-server`) with their libraries, what the self-hosted control plane's pods run.
 * Idempotent: an image the runtime already has (CRI ImageStatus) is skipped.
 */
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ImageService } from '../container/runtime.js';
import { defaultExecFile, type ExecFileFn } from '../network/bridge.js';
import { writeDockerArchive, type ImageSpecification } from './image-archive.js';
import { buildBinariesRootfs, buildBusyboxRootfs, buildPauseRootfs } from './rootfs.js';

export const PAUSE_IMAGE = 'localhost/pause:latest';
export const BUSYBOX_IMAGE = 'localhost/busybox:latest';
/** Tagged with the Node.js version whose binary it holds (a new node makes a new image). */
export const cairnNodeImageName = (nodeVersion = process.version): string =>
  `localhost/cairn-node:${nodeVersion}`;

export interface LocalImage {
  spec: ImageSpecification;
  /** The Debian package the content comes from (named in errors when a binary is missing). */
  debianPackage: string;
  binary: string;
  buildRootfs(dir: string, exec: ExecFileFn): Promise<void>;
}

export const pauseImage = (catatonit = '/usr/bin/catatonit'): LocalImage => ({
  spec: {
    name: PAUSE_IMAGE,
    entrypoint: ['/catatonit', '-P'],
    createdBy: 'cairn: catatonit -P (Debian catatonit)',
  },
  debianPackage: 'catatonit',
  binary: catatonit,
  buildRootfs: (dir) => buildPauseRootfs(dir, catatonit),
});

/** The busybox image; `name` imports it under another name (a stand-in on air-gapped nodes). */
export const busyboxImage = (busybox = '/bin/busybox', name = BUSYBOX_IMAGE): LocalImage => ({
  spec: {
    name,
    cmd: ['sh'],
    createdBy: 'cairn: busybox --install -s (Debian busybox-static)',
  },
  debianPackage: 'busybox-static',
  binary: busybox,
  buildRootfs: async (dir, exec) => void (await buildBusyboxRootfs(dir, busybox, { exec })),
});

/** The host's node (this process's own binary by default) and etcd, with their libraries. */
export const cairnNodeImage = (node = process.execPath, etcd = '/usr/bin/etcd'): LocalImage => ({
  spec: {
    name: cairnNodeImageName(),
    cmd: [node],
    createdBy: `cairn: ${node} and ${etcd} with their ldd libraries (Debian etcd-server)`,
  },
  debianPackage: 'etcd-server',
  binary: etcd,
  buildRootfs: async (dir, exec) => void (await buildBinariesRootfs(dir, [node, etcd], { exec })),
});

export class ImageBuildError extends Error {
  constructor(
    readonly code: 'MissingBinary' | 'ImportFailed',
    message: string,
  ) {
    super(message);
    this.name = 'ImageBuildError';
  }
}

export interface EnsureImagesOptions {
  /** containerd's socket, for `ctr -a`. */
  socket: string;
  /** default: both local images */
  images?: LocalImage[];
  /** default /usr/bin/ctr */
  ctr?: string;
  exec?: ExecFileFn;
  /** Where archives are built (default: a temporary folder, removed afterwards). */
  workDir?: string;
  /** How long CRI may take to see an imported image (default 10 s). */
  visibleTimeoutMs?: number;
}

export interface EnsuredImage {
  name: string;
  /** `sha256:…` as CRI reports it. */
  id: string;
  imported: boolean;
}

/** Makes sure every local image is in the runtime; builds and imports the missing ones. */
export async function ensureLocalImages(
  runtime: ImageService,
  options: EnsureImagesOptions,
): Promise<EnsuredImage[]> {
  const exec = options.exec ?? defaultExecFile;
  const result: EnsuredImage[] = [];
  for (const image of options.images ?? [pauseImage(), busyboxImage()]) {
    const name = image.spec.name;
    const present = (await runtime.imageStatus({ image: name })).image;
    if (present) {
      result.push({ name, id: present.id, imported: false });
      continue;
    }
    await access(image.binary).catch(() => {
      throw new ImageBuildError(
        'MissingBinary',
        `${image.binary} is missing: install the Debian package ${image.debianPackage} (scripts/install-deps.sh)`,
      );
    });
    const work = await mkdtemp(join(options.workDir ?? tmpdir(), 'cairn-build-'));
    try {
      const rootfs = join(work, 'rootfs');
      await image.buildRootfs(rootfs, exec);
      const archive = join(work, 'image.tar');
      await writeDockerArchive(rootfs, image.spec, archive, { exec });
      const ctr = options.ctr ?? '/usr/bin/ctr';
      try {
        await exec(ctr, ['-a', options.socket, '-n', 'k8s.io', 'images', 'import', archive]);
      } catch (err) {
        const detail = (err as { stderr?: string }).stderr || (err as Error).message;
        throw new ImageBuildError('ImportFailed', `ctr images import of ${name} failed: ${detail}`);
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
    result.push({
      name,
      id: await waitVisible(runtime, name, options.visibleTimeoutMs ?? 10_000),
      imported: true,
    });
  }
  return result;
}

/** CRI learns about images imported by ctr through containerd events: wait until it lists this one. */
async function waitVisible(runtime: ImageService, name: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const image = (await runtime.imageStatus({ image: name })).image;
    if (image) return image.id;
    if (Date.now() > deadline) {
      throw new ImageBuildError('ImportFailed', `${name} was imported but CRI ImageStatus does not see it`);
    }
    await sleep(50);
  }
}
