/**
 * The file pod source (upstream `pkg/kubelet/config/file.go` + `common.go`): every manifest in a
 * directory (YAML or JSON, one or many documents per file; dotfiles ignored) becomes a static
 * pod of this node, run by the agent without the API server.
 *
 *   manifest ──parse──▶ defaults ──hash (content + node + file)──▶ uid = hash
 *            ──▶ name `<name>-<node>`, namespace default, spec.nodeName = node,
 *                annotations config.hash / config.source=file / config.seen
 *
 * The directory is rescanned every `periodMs` and on fs.watch events. A changed manifest has a
 * new hash, hence a new uid: the old pod is removed and the new one added (a restart); a manifest
 * that goes removes its pods. An unreadable or invalid manifest is logged and skipped.
 */
import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { parseAllDocuments } from 'yaml';
import { setDefaultsPod } from '../../apis/core/v1/defaults.js';
import { validatePodCreate } from '../../apis/core/validation/pod.js';
import { fieldErrorMessage } from '../../apimachinery/validation/field.js';
import type { Logger } from '../../util/log.js';
import { stableJson } from '../kuberuntime/labels.js';
import {
  CONFIG_HASH_ANNOTATION,
  CONFIG_SEEN_ANNOTATION,
  CONFIG_SOURCE_ANNOTATION,
  FILE_SOURCE,
  type PodUpdates,
} from './sources.js';

export class ManifestError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'ManifestError';
  }
}

/** The Pod documents of one manifest file (empty documents skipped; anything but a Pod is an error). */
export function parseManifest(text: string, file: string): Pod[] {
  const pods: Pod[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new ManifestError(file, doc.errors[0]?.message ?? 'invalid YAML');
    const obj: unknown = doc.toJS();
    if (obj === null || obj === undefined) continue;
    if (typeof obj !== 'object' || Array.isArray(obj)) throw new ManifestError(file, 'not an object');
    const { apiVersion, kind } = obj as { apiVersion?: unknown; kind?: unknown };
    if (kind !== 'Pod' || (apiVersion !== undefined && apiVersion !== 'v1')) {
      throw new ManifestError(file, `expected a v1 Pod, got ${String(apiVersion)}/${String(kind)}`);
    }
    pods.push(obj as Pod);
  }
  return pods;
}

/** `<name>-<node>`: a static pod's name (upstream `generatePodName`). */
export const staticPodName = (name: string, nodeName: string): string => `${name}-${nodeName}`;

/** md5 over the defaulted manifest, then the node and file (what makes the uid unique per node). */
export function staticPodHash(pod: Pod, nodeName: string, file: string): string {
  return createHash('md5')
    .update(stableJson(pod))
    .update(`host:${nodeName}`)
    .update(`file:${file}`)
    .digest('hex');
}

/**
 * A manifest's pod as this node runs it (upstream `applyDefaults`): defaulted, uid = hash,
 * named after the node, bound to it, annotated with its hash and source, and tolerating every
 * NoExecute taint (a static pod is never evicted for one).
 */
export function toStaticPod(manifest: Pod, nodeName: string, file: string): Pod {
  const pod = structuredClone(manifest);
  setDefaultsPod(pod);
  const hash = pod.metadata?.uid || staticPodHash(pod, nodeName, file);
  const meta = pod.metadata ?? {};
  const spec = pod.spec ?? { containers: [] };
  return {
    ...pod,
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...meta,
      uid: hash,
      name: staticPodName(meta.name ?? '', nodeName),
      namespace: meta.namespace || 'default',
      annotations: {
        ...meta.annotations,
        [CONFIG_HASH_ANNOTATION]: hash,
        [CONFIG_SOURCE_ANNOTATION]: FILE_SOURCE,
      },
    },
    spec: {
      ...spec,
      nodeName,
      tolerations: [...(spec.tolerations ?? []), { operator: 'Exists', effect: 'NoExecute' }],
    },
  };
}

/** The static pods of one manifest file; invalid pods throw a ManifestError naming the file. */
export function staticPodsOf(text: string, file: string, nodeName: string): Pod[] {
  return parseManifest(text, file).map((manifest) => {
    if (!manifest.metadata?.name) throw new ManifestError(file, 'metadata.name: Required value');
    const pod = toStaticPod(manifest, nodeName, file);
    const errs = validatePodCreate(pod);
    if (errs.length > 0) throw new ManifestError(file, errs.map(fieldErrorMessage).join('; '));
    return pod;
  });
}

export interface FileSourceOptions {
  dir: string;
  nodeName: string;
  updates: PodUpdates;
  logger: Logger;
  /** Rescan period (default 2 s; fs.watch events rescan sooner). */
  periodMs?: number;
  now?: () => Date;
}

export interface FileSource {
  /** The static pods currently desired, by uid. */
  pods(): Pod[];
  /** Rescans now; resolves when the updates have been sent. */
  rescan(): Promise<void>;
  /** Resolves when the last scan ended (the signal aborted). */
  stopped: Promise<void>;
}

/** Starts the source; resolves after the first scan has been delivered. */
export async function startFileSource(o: FileSourceOptions, signal: AbortSignal): Promise<FileSource> {
  const log = o.logger.child({ component: 'file-source', dir: o.dir });
  const now = o.now ?? (() => new Date());
  const current = new Map<string, Pod>();
  const lastGood = new Map<string, Pod[]>();
  let scanning: Promise<void> | null = null;
  let again = false;

  const scanOnce = async () => {
    const next = new Map<string, Pod>();
    for (const pod of await readDir(o.dir, o.nodeName, lastGood, log)) {
      const uid = pod.metadata?.uid ?? '';
      if (next.has(uid)) log.warn({ pod: pod.metadata?.name }, 'duplicate static pod ignored');
      else next.set(uid, pod);
    }
    if (signal.aborted) return;
    for (const [uid, pod] of current) {
      if (next.has(uid)) continue;
      current.delete(uid);
      log.info({ pod: pod.metadata?.name, uid }, 'static pod removed');
      o.updates.remove(pod);
    }
    for (const [uid, pod] of next) {
      if (current.has(uid)) continue;
      const seen: Pod = {
        ...pod,
        metadata: {
          ...pod.metadata,
          annotations: { ...pod.metadata?.annotations, [CONFIG_SEEN_ANNOTATION]: now().toISOString() },
        },
      };
      current.set(uid, seen);
      log.info({ pod: pod.metadata?.name, uid }, 'static pod added');
      o.updates.update(seen);
    }
  };
  const rescan = (): Promise<void> => {
    if (scanning) {
      again = true;
      return scanning;
    }
    scanning = (async () => {
      try {
        do {
          again = false;
          await scanOnce();
        } while (again && !signal.aborted);
      } finally {
        scanning = null;
      }
    })();
    return scanning;
  };

  await mkdir(o.dir, { recursive: true }).catch((err: Error) => log.warn({ err: err.message }, 'mkdir'));
  await rescan();
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(o.dir, { signal }, () => void rescan());
    watcher.on('error', () => undefined);
  } catch {
    // polling alone still works
  }
  const stopped = new Promise<void>((resolve) => {
    const timer = setInterval(() => void rescan(), o.periodMs ?? 2000);
    timer.unref();
    const stop = () => {
      clearInterval(timer);
      watcher?.close();
      void (scanning ?? Promise.resolve()).then(() => resolve());
    };
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
  return { pods: () => [...current.values()], rescan, stopped };
}

/**
 * Every static pod of the directory's manifests, in file name order. A file that fails to parse
 * or is empty (being written, or broken) keeps the pods it last had; one never parsed is skipped;
 * only removing the file removes its pods.
 */
async function readDir(
  dir: string,
  nodeName: string,
  lastGood: Map<string, Pod[]>,
  log: Logger,
): Promise<Pod[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => !n.startsWith('.')).sort();
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'cannot read the manifest directory');
    return [];
  }
  const pods: Pod[] = [];
  const files = new Set(names.map((n) => join(dir, n)));
  for (const file of lastGood.keys()) if (!files.has(file)) lastGood.delete(file);
  for (const file of files) {
    try {
      if (!(await stat(file)).isFile()) continue;
      const text = await readFile(file, 'utf8');
      // an empty file is most likely being rewritten (truncated first): keep its pods until it has content
      if (text.trim() === '' && lastGood.has(file)) throw new ManifestError(file, 'empty (being written?)');
      const parsed = staticPodsOf(text, file, nodeName);
      lastGood.set(file, parsed);
      pods.push(...parsed);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      log.warn({ file, err: (err as Error).message }, 'manifest not (re)read');
      pods.push(...(lastGood.get(file) ?? []));
    }
  }
  return pods;
}
