/**
 * The API type schemas: generated from the installed `kubernetes-types` declarations (see
 * `declarations.ts`), completed with upstream's patch metadata and the few types the declarations
 * lack, and cached as `dist/openapi/definitions.json` under the project root (the build writes it
 * with `scripts/gen-openapi.ts`; `loadDefinitions()` regenerates it when stale or missing).
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Definitions } from '../apimachinery/schema.js';
import { definitionsFromDeclarations, type DeclarationFile } from './declarations.js';
import { INT_OR_STRING } from './names.js';
import { applyPatchMetadata } from './patch-metadata.js';

const here = dirname(fileURLToPath(import.meta.url));
/** `.ts` when run from source (vitest, tsx), `.js` when compiled into `dist/`. */
const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
/** The modules whose changes alter the generated definitions. */
const GENERATOR_MODULES = ['definitions', 'declarations', 'names', 'number-formats', 'patch-metadata'];

/** Types upstream publishes that the declarations do not spell out as such. */
const HAND_WRITTEN: Definitions = {
  [INT_OR_STRING]: {
    description:
      'A value that may be given either as a 32-bit integer or as a string, such as a port ' +
      'number or port name, or an absolute count or a percentage.',
    type: 'string',
    format: 'int-or-string',
    'x-kubernetes-int-or-string': true,
  },
};

/** The directory holding the installed `kubernetes-types` package. */
export function kubernetesTypesDir(): string {
  return dirname(createRequire(import.meta.url).resolve('kubernetes-types/package.json'));
}

/** `v1.30.0`: the Kubernetes version the schemas describe, published as the documents' `info.version`. */
export function kubernetesVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(join(kubernetesTypesDir(), 'package.json'), 'utf8'));
  const version = pkg && typeof pkg === 'object' && 'version' in pkg ? String(pkg.version) : '0.0.0';
  return `v${version}`;
}

/** The nearest ancestor of this module holding a `package.json`: the same from `src/` and `dist/src/`. */
export function projectRoot(): string {
  let dir = here;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${here}`);
    dir = parent;
  }
  return dir;
}

export const definitionsCachePath = (): string => join(projectRoot(), 'dist', 'openapi', 'definitions.json');

function declarationFiles(root: string): DeclarationFile[] {
  const files: DeclarationFile[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(path);
      else if (entry.isFile() && entry.name.endsWith('.d.ts')) {
        const module = relative(root, path)
          .split(sep)
          .join('/')
          .replace(/\.d\.ts$/, '');
        files.push({ module, text: readFileSync(path, 'utf8') });
      }
    }
  };
  walk(root);
  return files;
}

function sortedByName(defs: Definitions): Definitions {
  return Object.fromEntries(Object.entries(defs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Parses the declarations afresh (≈0.3–0.5 s). */
export function generateDefinitions(): Definitions {
  const defs = definitionsFromDeclarations(declarationFiles(kubernetesTypesDir()));
  Object.assign(defs, structuredClone(HAND_WRITTEN));
  applyPatchMetadata(defs);
  return sortedByName(defs);
}

const changedAt = (path: string): number => {
  const st = statSync(path);
  return Math.max(st.mtimeMs, st.ctimeMs);
};

/** When the inputs of the generation last changed: the package install and the generator modules. */
function inputsChangedAt(): number {
  const pkg = kubernetesTypesDir();
  let latest = Math.max(changedAt(pkg), changedAt(join(pkg, 'package.json')));
  for (const name of GENERATOR_MODULES) {
    const path = join(here, name + ext);
    if (existsSync(path)) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

/** Generates the definitions and writes them to the cache file. Returns the path written. */
export function writeDefinitionsCache(defs: Definitions = generateDefinitions()): string {
  const path = definitionsCachePath();
  mkdirSync(dirname(path), { recursive: true });
  // Written aside and renamed, so that a concurrent reader never sees half a file.
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(defs));
  renameSync(temp, path);
  return path;
}

function readCache(): Definitions | undefined {
  try {
    const path = definitionsCachePath();
    if (!existsSync(path) || statSync(path).mtimeMs <= inputsChangedAt()) return undefined;
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Definitions)
      : undefined;
  } catch {
    return undefined;
  }
}

let memo: Definitions | undefined;

/**
 * The definitions, memoized: from the cache file when it is newer than its inputs, otherwise
 * generated (and the cache rewritten, best-effort). Callers must not mutate the result.
 */
export function loadDefinitions(): Definitions {
  if (memo) return memo;
  const cached = readCache();
  if (cached) return (memo = cached);
  const defs = generateDefinitions();
  try {
    writeDefinitionsCache(defs);
  } catch {
    // A read-only install still works; it only pays the generation on each start.
  }
  return (memo = defs);
}
