/**
 * Defaulting of a decoded KubeSchedulerConfiguration (upstream's v1 SetDefaults_*): one
 * `default-scheduler` profile when none is given, profiles' plugins merged into the default
 * set, backoff 1 s → 10 s, adaptive percentageOfNodesToScore, and the Lease
 * `kube-system/kube-scheduler` for leader election (15 s / 10 s / 2 s).
 */
import { defaultPlugins, mergePlugins } from './default-plugins.js';
import type { RawConfiguration } from './decode.js';
import { type KubeSchedulerConfiguration, type Profile, defaultSchedulerName } from './types.js';

export function setDefaults(raw: RawConfiguration): KubeSchedulerConfiguration {
  const rawProfiles = raw.profiles?.length ? raw.profiles : [{}];
  const profiles: Profile[] = rawProfiles.map((p) => ({
    schedulerName: p.schedulerName || defaultSchedulerName,
    ...(p.percentageOfNodesToScore !== undefined
      ? { percentageOfNodesToScore: p.percentageOfNodesToScore }
      : {}),
    plugins: mergePlugins(defaultPlugins(), p.plugins),
    pluginConfig: (p.pluginConfig ?? []).map((c) => ({ ...c })),
  }));
  const le = raw.leaderElection ?? {};
  return {
    profiles,
    percentageOfNodesToScore: raw.percentageOfNodesToScore ?? 0,
    podInitialBackoffSeconds: raw.podInitialBackoffSeconds ?? 1,
    podMaxBackoffSeconds: raw.podMaxBackoffSeconds ?? 10,
    leaderElection: {
      leaderElect: le.leaderElect ?? true,
      leaseDurationSeconds: le.leaseDurationSeconds ?? 15,
      renewDeadlineSeconds: le.renewDeadlineSeconds ?? 10,
      retryPeriodSeconds: le.retryPeriodSeconds ?? 2,
      resourceNamespace: le.resourceNamespace || 'kube-system',
      resourceName: le.resourceName || 'kube-scheduler',
    },
  };
}

/** The configuration a scheduler runs with when no file is given. */
export const defaultConfiguration = (): KubeSchedulerConfiguration => setDefaults({});
