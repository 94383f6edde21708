/**
 * Decoding a KubeSchedulerConfiguration document (YAML or JSON) strictly, as upstream's
 * strict decoder does: wrong apiVersion/kind, unknown fields and wrongly typed values are errors
 * naming the field. Plugin args keep their content, minus their own apiVersion/kind.
 */
import { parse } from 'yaml';
import {
  type ExtensionPoint,
  type PluginConfig,
  type PluginRef,
  type Plugins,
  apiVersion,
  extensionPoints,
  kind,
} from './types.js';

export interface RawProfile {
  schedulerName?: string;
  percentageOfNodesToScore?: number;
  plugins?: Plugins;
  pluginConfig?: PluginConfig[];
}

export interface RawLeaderElection {
  leaderElect?: boolean;
  leaseDurationSeconds?: number;
  renewDeadlineSeconds?: number;
  retryPeriodSeconds?: number;
  resourceNamespace?: string;
  resourceName?: string;
}

export interface RawConfiguration {
  profiles?: RawProfile[];
  percentageOfNodesToScore?: number;
  podInitialBackoffSeconds?: number;
  podMaxBackoffSeconds?: number;
  leaderElection?: RawLeaderElection;
}

export class ConfigError extends Error {
  readonly code = 'InvalidSchedulerConfiguration';
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function object(v: unknown, path: string, allowed: readonly string[]): Obj {
  if (!isObj(v)) throw new ConfigError(`${path}: expected an object`);
  for (const k of Object.keys(v)) {
    if (!allowed.includes(k)) throw new ConfigError(`${path ? `${path}.` : ''}${k}: unknown field "${k}"`);
  }
  return v;
}

function str(v: unknown, path: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ConfigError(`${path}: expected a string`);
  return v;
}

function int(v: unknown, path: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ConfigError(`${path}: expected an integer`);
  return v;
}

function list(v: unknown, path: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ConfigError(`${path}: expected a list`);
  return v;
}

/** A Go duration (`15s`, `1m30s`, `500ms`) in whole seconds. */
export function durationSeconds(v: unknown, path: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  const text = typeof v === 'string' ? v : '';
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== text) {
    throw new ConfigError(`${path}: invalid duration ${JSON.stringify(v)}`);
  }
  return parts.reduce((sum, p) => sum + Number(p[1]) * (units[p[2] ?? 's'] ?? 1), 0);
}

function pluginRefs(v: unknown, path: string): PluginRef[] {
  return list(v, path).map((item, i) => {
    const p = object(item, `${path}[${i}]`, ['name', 'weight']);
    const name = str(p.name, `${path}[${i}].name`) ?? '';
    const weight = int(p.weight, `${path}[${i}].weight`);
    return weight === undefined ? { name } : { name, weight };
  });
}

function plugins(v: unknown, path: string): Plugins | undefined {
  if (v === undefined || v === null) return undefined;
  const o = object(v, path, extensionPoints);
  const out: Plugins = {};
  for (const point of extensionPoints as readonly ExtensionPoint[]) {
    if (o[point] === undefined || o[point] === null) continue;
    const set = object(o[point], `${path}.${point}`, ['enabled', 'disabled']);
    out[point] = {
      enabled: pluginRefs(set.enabled, `${path}.${point}.enabled`),
      disabled: pluginRefs(set.disabled, `${path}.${point}.disabled`),
    };
  }
  return out;
}

function pluginConfig(v: unknown, path: string): PluginConfig[] {
  return list(v, path).map((item, i) => {
    const c = object(item, `${path}[${i}]`, ['name', 'args']);
    const name = str(c.name, `${path}[${i}].name`) ?? '';
    if (c.args === undefined || c.args === null) return { name };
    const args = { ...object(c.args, `${path}[${i}].args`, Object.keys(c.args as Obj)) };
    delete args.apiVersion;
    delete args.kind;
    return { name, args };
  });
}

export function decodeConfiguration(text: string): RawConfiguration {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new ConfigError(`not a valid YAML document: ${(err as Error).message}`);
  }
  const o = object(doc ?? {}, '', [
    'apiVersion',
    'kind',
    'profiles',
    'percentageOfNodesToScore',
    'podInitialBackoffSeconds',
    'podMaxBackoffSeconds',
    'leaderElection',
    'parallelism',
    'clientConnection',
    'healthzBindAddress',
    'metricsBindAddress',
    'enableProfiling',
    'enableContentionProfiling',
    'extenders',
    'delayCacheUntilActive',
  ]);
  if (o.apiVersion !== apiVersion || o.kind !== kind) {
    throw new ConfigError(
      `expected apiVersion ${apiVersion} and kind ${kind}, got ${String(o.apiVersion)} ${String(o.kind)}`,
    );
  }
  if (list(o.extenders, 'extenders').length) throw new ConfigError('extenders: not supported by Cairn');
  const out: RawConfiguration = {};
  const pct = int(o.percentageOfNodesToScore, 'percentageOfNodesToScore');
  if (pct !== undefined) out.percentageOfNodesToScore = pct;
  const initial = int(o.podInitialBackoffSeconds, 'podInitialBackoffSeconds');
  if (initial !== undefined) out.podInitialBackoffSeconds = initial;
  const max = int(o.podMaxBackoffSeconds, 'podMaxBackoffSeconds');
  if (max !== undefined) out.podMaxBackoffSeconds = max;
  out.profiles = list(o.profiles, 'profiles').map((item, i) => {
    const path = `profiles[${i}]`;
    const p = object(item, path, ['schedulerName', 'percentageOfNodesToScore', 'plugins', 'pluginConfig']);
    const profile: RawProfile = { pluginConfig: pluginConfig(p.pluginConfig, `${path}.pluginConfig`) };
    const name = str(p.schedulerName, `${path}.schedulerName`);
    if (name !== undefined) profile.schedulerName = name;
    const ppct = int(p.percentageOfNodesToScore, `${path}.percentageOfNodesToScore`);
    if (ppct !== undefined) profile.percentageOfNodesToScore = ppct;
    const pl = plugins(p.plugins, `${path}.plugins`);
    if (pl) profile.plugins = pl;
    return profile;
  });
  if (o.leaderElection !== undefined && o.leaderElection !== null)
    out.leaderElection = leaderElection(o.leaderElection);
  return out;
}

function leaderElection(v: unknown): RawLeaderElection {
  const path = 'leaderElection';
  const le = object(v, path, [
    'leaderElect',
    'leaseDuration',
    'renewDeadline',
    'retryPeriod',
    'resourceLock',
    'resourceName',
    'resourceNamespace',
  ]);
  if (le.resourceLock !== undefined && le.resourceLock !== 'leases') {
    throw new ConfigError(`${path}.resourceLock: only "leases" is supported`);
  }
  if (le.leaderElect !== undefined && typeof le.leaderElect !== 'boolean') {
    throw new ConfigError(`${path}.leaderElect: expected a boolean`);
  }
  const out: RawLeaderElection = {};
  if (typeof le.leaderElect === 'boolean') out.leaderElect = le.leaderElect;
  const lease = durationSeconds(le.leaseDuration, `${path}.leaseDuration`);
  if (lease !== undefined) out.leaseDurationSeconds = lease;
  const renew = durationSeconds(le.renewDeadline, `${path}.renewDeadline`);
  if (renew !== undefined) out.renewDeadlineSeconds = renew;
  const retry = durationSeconds(le.retryPeriod, `${path}.retryPeriod`);
  if (retry !== undefined) out.retryPeriodSeconds = retry;
  const ns = str(le.resourceNamespace, `${path}.resourceNamespace`);
  if (ns) out.resourceNamespace = ns;
  const name = str(le.resourceName, `${path}.resourceName`);
  if (name) out.resourceName = name;
  return out;
}
