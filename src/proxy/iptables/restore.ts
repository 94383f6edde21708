/**
 * `iptables-restore --noflush` inputs (pure): only our chains are declared (which creates or
 * flushes them), only our rules are written, and the built-in chains are touched only to
 * insert a missing jump into our chains or delete a stale one — nothing else in any table
 * changes. What exists comes from `iptables-save -t <table>`, parsed by `parseSave`.
 */
import type { ChainNames } from './chains.js';
import type { Table, TableRules } from './rules.js';

export interface SavedTable {
  chains: string[];
  /** `-A <chain> …` lines, verbatim. */
  rules: string[];
}

/** One table of `iptables-save -t <table>` output; an empty text (table not loaded) is empty. */
export function parseSave(text: string): SavedTable {
  const chains: string[] = [];
  const rules: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith(':')) chains.push(line.slice(1).split(' ')[0] ?? '');
    else if (line.startsWith('-A ')) rules.push(line);
  }
  return { chains, rules };
}

const BUILTIN = new Set(['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING']);

/** The jumps from built-in chains into our chains found in a saved table. */
export function ourJumps(saved: SavedTable, names: ChainNames): string[] {
  return saved.rules.filter((rule) => {
    const [, chain] = rule.split(' ');
    const target = / -j (\S+)$/.exec(rule)?.[1];
    return chain !== undefined && BUILTIN.has(chain) && target !== undefined && names.owns(target);
  });
}

/**
 * The restore input that makes our part of `table` what `desired` says, given what `saved`
 * shows: desired chains declared and refilled, stale ones of ours emptied and deleted, jumps
 * inserted at the top (before CNI's POSTROUTING rules, whose ACCEPT would skip our masquerade)
 * only when missing.
 */
export function renderSync(table: Table, desired: TableRules, saved: SavedTable, names: ChainNames): string {
  const want = new Set(desired.chains);
  const stale = saved.chains.filter((c) => names.owns(c) && !want.has(c));
  const existingJumps = ourJumps(saved, names);
  const lines = [
    `*${table}`,
    ...[...desired.chains, ...stale].map((c) => `:${c} - [0:0]`),
    ...existingJumps.filter((j) => !desired.jumps.includes(j)).map(toDelete),
    ...desired.rules,
    ...stale.map((c) => `-X ${c}`),
    ...desired.jumps.filter((j) => !existingJumps.includes(j)).map(toInsert),
    'COMMIT',
  ];
  return lines.join('\n') + '\n';
}

/** The restore input that removes every jump into our chains and the chains; none when nothing is ours. */
export function renderCleanup(table: Table, saved: SavedTable, names: ChainNames): string | undefined {
  const ours = saved.chains.filter((c) => names.owns(c));
  const jumps = ourJumps(saved, names);
  if (ours.length === 0 && jumps.length === 0) return undefined;
  const lines = [
    `*${table}`,
    ...ours.map((c) => `:${c} - [0:0]`),
    ...jumps.map(toDelete),
    ...ours.map((c) => `-X ${c}`),
    'COMMIT',
  ];
  return lines.join('\n') + '\n';
}

const toDelete = (rule: string): string => rule.replace(/^-A /, '-D ');
const toInsert = (rule: string): string => rule.replace(/^-A (\S+) /, '-I $1 1 ');
