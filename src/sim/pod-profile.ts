/**
 * How simulated pods behave: a profile for all pods of a run, and per-pod overrides by annotation.
 *
 * Built-in profiles (`--pod-profile NAME`):
 *   default  start 1 s after binding, each init container runs 1 s, containers run until deleted
 *   fast     everything at once, containers run until deleted
 *   batch    as default, but every container exits 0 after 5 s (restartPolicy Never/OnFailure pods
 *            end Succeeded; under Always the container is restarted, as upstream does)
 *
 * A profile file (`--pod-profile FILE`, JSON or YAML) has the same fields, durations as `1500ms`,
 * `5s`, `2m` or plain milliseconds:
 *   { startDelay: 1s, initContainerDuration: 1s, exitAfter: 5s, exitCode: 0, terminationDelay: 0s }
 *
 * Per-pod annotations (they win over the profile):
 *   cairn.dev/sim-start-delay: 10s   time from binding until the sandbox is up and containers start
 *   cairn.dev/sim-exit-after: 3s     containers exit this long after each start
 *   cairn.dev/sim-exit-code: "1"     with this code (default 0; alone it means exit at once)
 *   cairn.dev/sim-crash-after: 2s    containers exit with code 1 (or sim-exit-code) this long after
 *                                    each start: under restartPolicy Always/OnFailure the pod goes
 *                                    into CrashLoopBackOff with a growing restartCount
 *   cairn.dev/sim-termination-delay: 5s  time a deleted pod's containers take to stop (capped by the
 *                                    grace period)
 */
import { readFile } from 'node:fs/promises';
import type { Pod } from 'kubernetes-types/core/v1.js';
import YAML from 'yaml';

export const ANNOTATION_START_DELAY = 'cairn.dev/sim-start-delay';
export const ANNOTATION_EXIT_AFTER = 'cairn.dev/sim-exit-after';
export const ANNOTATION_EXIT_CODE = 'cairn.dev/sim-exit-code';
export const ANNOTATION_CRASH_AFTER = 'cairn.dev/sim-crash-after';
export const ANNOTATION_TERMINATION_DELAY = 'cairn.dev/sim-termination-delay';

export interface PodProfile {
  name: string;
  /** Binding → sandbox ready and the first container started (image pull, create). */
  startDelayMs: number;
  /** How long each (non-sidecar) init container runs before it exits 0. */
  initContainerMs: number;
  /** Containers exit this long after each start; absent: they run until stopped. */
  exit?: { afterMs: number; code: number };
  /** A deleted pod's containers stop this long after the deletion is seen (at most the grace period). */
  terminationMs: number;
}

export const builtinProfiles: Record<string, PodProfile> = {
  default: { name: 'default', startDelayMs: 1000, initContainerMs: 1000, terminationMs: 0 },
  fast: { name: 'fast', startDelayMs: 0, initContainerMs: 0, terminationMs: 0 },
  batch: {
    name: 'batch',
    startDelayMs: 1000,
    initContainerMs: 1000,
    exit: { afterMs: 5000, code: 0 },
    terminationMs: 0,
  },
};

export class PodProfileError extends Error {
  readonly code = 'InvalidPodProfile';
  constructor(message: string) {
    super(message);
    this.name = 'PodProfileError';
  }
}

/** `1500ms`, `5s`, `2m`, `1h`, `1m30s` or a plain number of milliseconds. */
export function parseDuration(v: unknown): number {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  if (typeof v !== 'string') throw new PodProfileError(`not a duration: ${JSON.stringify(v)}`);
  const s = v.trim();
  if (!s) throw new PodProfileError('not a duration: an empty string');
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let rest = s;
  while (rest) {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)/.exec(rest);
    if (!m) throw new PodProfileError(`not a duration: ${JSON.stringify(v)} (use e.g. 1500ms, 5s, 2m)`);
    total += Number(m[1]) * (unit[m[2] ?? 's'] ?? 1000);
    rest = rest.slice(m[0].length);
  }
  return total;
}

function exitCode(v: unknown): number {
  const n = typeof v === 'string' ? Number(v.trim()) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 255)
    throw new PodProfileError(`not an exit code (0-255): ${JSON.stringify(v)}`);
  return n;
}

/** A profile from its JSON/YAML form. */
export function parseProfile(doc: unknown, name: string): PodProfile {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw new PodProfileError(`pod profile ${name}: expected a mapping`);
  const d = doc as Record<string, unknown>;
  const known = ['name', 'startDelay', 'initContainerDuration', 'exitAfter', 'exitCode', 'terminationDelay'];
  const unknown = Object.keys(d).filter((k) => !known.includes(k));
  if (unknown.length)
    throw new PodProfileError(`pod profile ${name}: unknown field(s) ${unknown.join(', ')}`);
  const base = builtinProfiles.default as PodProfile;
  const exitAfter = d.exitAfter === undefined ? undefined : parseDuration(d.exitAfter);
  const code = d.exitCode === undefined ? 0 : exitCode(d.exitCode);
  return {
    name: typeof d.name === 'string' ? d.name : name,
    startDelayMs: d.startDelay === undefined ? base.startDelayMs : parseDuration(d.startDelay),
    initContainerMs:
      d.initContainerDuration === undefined ? base.initContainerMs : parseDuration(d.initContainerDuration),
    ...(exitAfter !== undefined || d.exitCode !== undefined
      ? { exit: { afterMs: exitAfter ?? 0, code } }
      : {}),
    terminationMs: d.terminationDelay === undefined ? 0 : parseDuration(d.terminationDelay),
  };
}

/** A built-in profile by name, or a JSON/YAML profile file. */
export async function loadProfile(nameOrFile: string): Promise<PodProfile> {
  const builtin = builtinProfiles[nameOrFile];
  if (builtin) return builtin;
  let text: string;
  try {
    text = await readFile(nameOrFile, 'utf8');
  } catch {
    throw new PodProfileError(
      `pod profile ${JSON.stringify(nameOrFile)} is neither built in (${Object.keys(builtinProfiles).join(', ')}) ` +
        'nor a readable file',
    );
  }
  return parseProfile(YAML.parse(text), nameOrFile);
}

/** What one pod does: the profile with its annotations applied. A bad annotation is ignored, with the reason. */
export function podBehaviour(pod: Pod, profile: PodProfile): { behaviour: PodProfile; errors: string[] } {
  const a = pod.metadata?.annotations ?? {};
  const errors: string[] = [];
  const read = <T>(key: string, parse: (v: unknown) => T): T | undefined => {
    if (a[key] === undefined) return undefined;
    try {
      return parse(a[key]);
    } catch (err) {
      errors.push(`${key}: ${(err as Error).message}`);
      return undefined;
    }
  };
  const start = read(ANNOTATION_START_DELAY, parseDuration);
  const exitAfter = read(ANNOTATION_EXIT_AFTER, parseDuration);
  const crashAfter = read(ANNOTATION_CRASH_AFTER, parseDuration);
  const code = read(ANNOTATION_EXIT_CODE, exitCode);
  const termination = read(ANNOTATION_TERMINATION_DELAY, parseDuration);
  let exit = profile.exit;
  if (crashAfter !== undefined) exit = { afterMs: crashAfter, code: code ?? 1 };
  else if (exitAfter !== undefined) exit = { afterMs: exitAfter, code: code ?? 0 };
  else if (code !== undefined) exit = { afterMs: exit?.afterMs ?? 0, code };
  const behaviour: PodProfile = {
    ...profile,
    startDelayMs: start ?? profile.startDelayMs,
    terminationMs: termination ?? profile.terminationMs,
  };
  if (exit) behaviour.exit = exit;
  else delete behaviour.exit;
  return { behaviour, errors };
}
