/**
 * KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1), the parts Cairn's scheduler
 * reads: profiles with their plugins per extension point (multiPoint included) and pluginConfig,
 * percentageOfNodesToScore, the queue's backoff bounds and leader election.
 */

export const apiVersion = 'kubescheduler.config.k8s.io/v1';
export const kind = 'KubeSchedulerConfiguration';
export const defaultSchedulerName = 'default-scheduler';

/** Extension points a profile configures plugins for, in upstream's field order. */
export const extensionPoints = [
  'preEnqueue',
  'queueSort',
  'preFilter',
  'filter',
  'postFilter',
  'preScore',
  'score',
  'reserve',
  'permit',
  'preBind',
  'bind',
  'postBind',
  'multiPoint',
] as const;
export type ExtensionPoint = (typeof extensionPoints)[number];

export interface PluginRef {
  name: string;
  /** Score weight (score and multiPoint only); 0 or unset counts as 1. */
  weight?: number;
}

export interface PluginSet {
  enabled?: PluginRef[];
  /** `{ name: '*' }` disables every default plugin of the extension point. */
  disabled?: PluginRef[];
}

export type Plugins = Partial<Record<ExtensionPoint, PluginSet>>;

export interface PluginConfig {
  name: string;
  /** The plugin's args as written, `apiVersion`/`kind` removed; defaulting belongs to the plugin. */
  args?: unknown;
}

export interface Profile {
  schedulerName: string;
  percentageOfNodesToScore?: number;
  /** After defaulting: upstream's default plugins merged with the profile's own. */
  plugins: Plugins;
  pluginConfig: PluginConfig[];
}

export interface LeaderElectionConfiguration {
  leaderElect: boolean;
  leaseDurationSeconds: number;
  renewDeadlineSeconds: number;
  retryPeriodSeconds: number;
  resourceNamespace: string;
  resourceName: string;
}

export interface KubeSchedulerConfiguration {
  profiles: Profile[];
  /** 0: adaptive (50% minus 1% per 125 nodes, at least 5%). */
  percentageOfNodesToScore: number;
  podInitialBackoffSeconds: number;
  podMaxBackoffSeconds: number;
  leaderElection: LeaderElectionConfiguration;
}
