/**
 * Volume plugins (upstream `pkg/volume`): each plugin sets up one kind of volume source in a
 * per-pod directory `<rootDir>/pods/<uid>/volumes/<plugin name>/<volume name>` (hostPath uses
 * the host's path itself) and says where containers mount it from.
 */
import type { Pod, Volume } from 'kubernetes-types/core/v1.js';
import type { PodRuntimeInfo } from '../envvars/field-path.js';
import type { Mounter } from './mounter.js';
import type { ObjectSource } from './object-source.js';
import type { TokenManager } from './token-manager.js';

export interface VolumeHost {
  objects: ObjectSource;
  mounter: Mounter;
  tokens: TokenManager;
  /** The node's allocatable (downward API resourceFieldRef without limits). */
  allocatable: () => Record<string, string>;
  /** Keep secret-bearing volumes (secret, projected) on tmpfs, as upstream does. */
  memoryBackedSecrets: boolean;
  now: () => Date;
}

export interface VolumeSpec {
  pod: Pod;
  volume: Volume;
  /** `<rootDir>/pods/<uid>/volumes/<plugin>/<name>` (not used by hostPath). */
  dir: string;
  info: PodRuntimeInfo;
}

export interface MountedVolume {
  /** Where containers bind-mount the volume from. */
  hostPath: string;
  /** Always mounted read-only (configMap, secret, downwardAPI, projected). */
  readOnly: boolean;
}

export interface VolumePlugin {
  /** Upstream's escaped plugin name, the folder under `volumes/` (e.g. `kubernetes.io~empty-dir`). */
  readonly name: string;
  canSupport(volume: Volume): boolean;
  /** Sets the volume up (idempotent: called again on every resync, refreshing contents). */
  setUp(spec: VolumeSpec, host: VolumeHost): Promise<MountedVolume>;
}

/** A volume that cannot be set up: the pod stays ContainerCreating (upstream FailedMount). */
export class VolumeSetupError extends Error {
  readonly reason = 'FailedMount';
  constructor(
    readonly volume: string,
    message: string,
  ) {
    super(`MountVolume.SetUp failed for volume "${volume}" : ${message}`);
    this.name = 'VolumeSetupError';
  }
}
