/**
 * Atomic updates of a volume's files (upstream `volume/util.AtomicWriter`), so a reader never sees
 * half of an update:
 *
 *   <dir>/..2024_01_02_03_04_05.123456789/<files>   the current payload, in a timestamped dir
 *   <dir>/..data -> ..2024_…                         swapped with one rename(2) of a new symlink
 *   <dir>/<top-level path> -> ..data/<top-level path> user-visible names, made once
 *
 * An unchanged payload writes nothing. Names starting with `..` are reserved.
 */
import {
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  rename,
  rm,
  stat,
  symlink,
  writeFile,
  chmod,
} from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';

export interface FileProjection {
  data: Buffer;
  /** File mode (e.g. 0o644). */
  mode: number;
}

/** Relative path → content. */
export type Payload = Map<string, FileProjection>;

const DATA_DIR = '..data';
const DATA_TMP = '..data_tmp';

/** A relative path without `..` elements, not starting with `..` (upstream's validatePath). */
export function validatePayloadPath(p: string): string | undefined {
  if (!p) return 'path must not be empty';
  if (p.startsWith('/')) return `invalid path: must be relative path: ${p}`;
  if (p.length > 4096) return `invalid path: must be less than or equal to 4096 characters`;
  const parts = p.split('/');
  if (parts.includes('..')) return `invalid path: must not contain '..': ${p}`;
  if (p.startsWith('..')) return `invalid path: must not start with '..': ${p}`;
  return undefined;
}

const timestampDir = (now: Date): string => {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const t = `${now.getUTCFullYear()}_${pad(now.getUTCMonth() + 1)}_${pad(now.getUTCDate())}_${pad(now.getUTCHours())}_${pad(now.getUTCMinutes())}_${pad(now.getUTCSeconds())}`;
  return `..${t}.${pad(now.getUTCMilliseconds(), 3)}${Math.floor(Math.random() * 1e6)
    .toString()
    .padStart(6, '0')}`;
};

async function walk(root: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const d of await readdir(join(root, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${d.name}` : d.name;
    if (d.isDirectory()) out.push(...(await walk(root, p)));
    else out.push(p);
  }
  return out;
}

async function sameAsCurrent(current: string, payload: Payload): Promise<boolean> {
  let files: string[];
  try {
    files = await walk(current);
  } catch {
    return false;
  }
  if (files.length !== payload.size) return false;
  for (const f of files) {
    const want = payload.get(f);
    if (!want) return false;
    const [data, st] = await Promise.all([readFile(join(current, f)), stat(join(current, f))]);
    if (!data.equals(want.data) || (st.mode & 0o7777) !== want.mode) return false;
  }
  return true;
}

const topLevel = (p: string): string => normalize(p).split(sep)[0]!;

/** Writes `payload` into `dir` atomically; returns whether anything changed. */
export async function writeAtomic(dir: string, payload: Payload, now = new Date()): Promise<boolean> {
  for (const p of payload.keys()) {
    const bad = validatePayloadPath(p);
    if (bad) throw new Error(bad);
  }
  await mkdir(dir, { recursive: true });
  const dataLink = join(dir, DATA_DIR);
  const old = await readlink(dataLink).catch(() => undefined);
  if (old && (await sameAsCurrent(join(dir, old), payload))) return false;

  const ts = timestampDir(now);
  const tsDir = join(dir, ts);
  await mkdir(tsDir, { mode: 0o755 });
  for (const [p, f] of payload) {
    const file = join(tsDir, p);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, f.data);
    await chmod(file, f.mode); // writeFile's mode is filtered by the umask
  }
  const tmp = join(dir, DATA_TMP);
  await rm(tmp, { force: true });
  await symlink(ts, tmp);
  await rename(tmp, dataLink);

  const wanted = new Set([...payload.keys()].map(topLevel));
  for (const name of wanted) {
    const link = join(dir, name);
    const st = await lstat(link).catch(() => undefined);
    if (!st) await symlink(join(DATA_DIR, name), link);
  }
  // names no longer in the payload, and the previous payload
  for (const name of await readdir(dir)) {
    if (name.startsWith('..')) {
      if (name !== DATA_DIR && name !== ts) await rm(join(dir, name), { recursive: true, force: true });
      continue;
    }
    if (!wanted.has(name)) await rm(join(dir, name), { recursive: true, force: true });
  }
  return true;
}
