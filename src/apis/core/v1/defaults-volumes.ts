/**
 * Volume defaults (upstream's `SetDefaults_Volume` and the per-source defaulters): a volume with
 * no source is an `emptyDir`, file-projecting sources get mode 0644 (420), a hostPath gets an
 * empty `type`, and each legacy plugin its documented defaults.
 */
import type { DownwardAPIVolumeFile, ObjectFieldSelector, Volume } from 'kubernetes-types/core/v1.js';
import { canonicalizeQuantity, setDefaultsResourceList } from './resource-list.js';

/** 0644: the mode of files written by secret, configMap, downwardAPI and projected volumes. */
export const DEFAULT_FILE_MODE = 0o644;

/** Every source field of a VolumeSource (a volume sets exactly one). */
export const VOLUME_SOURCES = [
  'awsElasticBlockStore',
  'azureDisk',
  'azureFile',
  'cephfs',
  'cinder',
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'fc',
  'flexVolume',
  'flocker',
  'gcePersistentDisk',
  'gitRepo',
  'glusterfs',
  'hostPath',
  'image',
  'iscsi',
  'nfs',
  'persistentVolumeClaim',
  'photonPersistentDisk',
  'portworxVolume',
  'projected',
  'quobyte',
  'rbd',
  'scaleIO',
  'secret',
  'storageos',
  'vsphereVolume',
] as const;

export function setDefaultsObjectFieldSelector(sel: ObjectFieldSelector | undefined): void {
  if (sel && !sel.apiVersion) sel.apiVersion = 'v1';
}

const defaultFiles = (items: DownwardAPIVolumeFile[] | undefined): void => {
  for (const item of items ?? []) setDefaultsObjectFieldSelector(item.fieldRef);
};

export function setDefaultsVolume(volume: Volume): void {
  const v = volume as Volume & Record<string, unknown>;
  if (!VOLUME_SOURCES.some((k) => v[k] !== undefined && v[k] !== null)) volume.emptyDir = {};
  if (volume.emptyDir?.sizeLimit !== undefined) {
    volume.emptyDir.sizeLimit = canonicalizeQuantity(volume.emptyDir.sizeLimit) as string;
  }
  if (volume.hostPath) volume.hostPath.type ??= '';
  if (volume.secret) volume.secret.defaultMode ??= DEFAULT_FILE_MODE;
  if (volume.configMap) volume.configMap.defaultMode ??= DEFAULT_FILE_MODE;
  if (volume.downwardAPI) {
    volume.downwardAPI.defaultMode ??= DEFAULT_FILE_MODE;
    defaultFiles(volume.downwardAPI.items);
  }
  if (volume.projected) {
    volume.projected.defaultMode ??= DEFAULT_FILE_MODE;
    for (const source of volume.projected.sources ?? []) {
      defaultFiles(source.downwardAPI?.items);
      if (source.serviceAccountToken) source.serviceAccountToken.expirationSeconds ??= 3600;
    }
  }
  if (volume.iscsi) volume.iscsi.iscsiInterface ||= 'default';
  if (volume.rbd) {
    volume.rbd.pool ||= 'rbd';
    volume.rbd.user ||= 'admin';
    volume.rbd.keyring ||= '/etc/ceph/keyring';
  }
  if (volume.azureDisk) {
    volume.azureDisk.cachingMode ??= 'ReadWrite';
    volume.azureDisk.fsType ??= 'ext4';
    volume.azureDisk.readOnly ??= false;
    volume.azureDisk.kind ??= 'Shared';
  }
  if (volume.scaleIO) {
    volume.scaleIO.storageMode ||= 'ThinProvisioned';
    volume.scaleIO.fsType ||= 'xfs';
  }
  const claim = volume.ephemeral?.volumeClaimTemplate?.spec;
  if (claim) {
    claim.volumeMode ??= 'Filesystem';
    setDefaultsResourceList(claim.resources?.limits);
    setDefaultsResourceList(claim.resources?.requests);
  }
}
