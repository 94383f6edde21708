/** Picks the definitions an OpenAPI document needs: those reachable from its operations and kinds. */
import { refName, type Definitions, type GroupVersionKind, type Schema } from '../apimachinery/schema.js';
import { META } from './names.js';

/** Meta types every document carries, whether or not an operation mentions them. */
export const META_ROOTS = [
  'APIGroup',
  'APIGroupList',
  'APIResourceList',
  'APIVersions',
  'DeleteOptions',
  'ListMeta',
  'Patch',
  'Status',
  'WatchEvent',
].map((name) => `${META}.${name}`);

/** Kinds every served group version accepts too (upstream lists them under each of them). */
const SHARED_KINDS = [`${META}.DeleteOptions`, `${META}.WatchEvent`];

function collectRefs(value: unknown, out: string[]): void {
  if (Array.isArray(value)) {
    for (const v of value) collectRefs(v, out);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(refName(v));
      else collectRefs(v, out);
    }
  }
}

/** The definitions reachable from `roots` through `$ref`s, sorted by name (schemas are shared, not copied). */
export function reachableDefinitions(defs: Definitions, roots: Iterable<string>): Definitions {
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length) {
    const name = stack.pop() as string;
    if (seen.has(name) || !defs[name]) continue;
    seen.add(name);
    collectRefs(defs[name], stack);
  }
  const out: Definitions = {};
  for (const name of [...seen].sort()) out[name] = defs[name] as Schema;
  return out;
}

/** Replaces DeleteOptions and WatchEvent by copies whose group-version-kinds include `gvs`. */
export function withSharedKinds(
  defs: Definitions,
  gvs: Array<{ group: string; version: string }>,
): Definitions {
  const out = { ...defs };
  for (const name of SHARED_KINDS) {
    const def = out[name];
    if (!def) continue;
    const kind = name.slice(name.lastIndexOf('.') + 1);
    const gvks: GroupVersionKind[] = [...(def['x-kubernetes-group-version-kind'] ?? [])];
    for (const { group, version } of gvs) {
      if (!gvks.some((g) => g.group === group && g.version === version)) gvks.push({ group, version, kind });
    }
    out[name] = { ...def, 'x-kubernetes-group-version-kind': gvks };
  }
  return out;
}
