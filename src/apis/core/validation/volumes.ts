/**
 * Pod volumes: unique DNS-label names and exactly one source each, with the source-specific
 * checks of upstream's `validateVolumeSource` (including its historical field-path quirks).
 */
import type {
  DownwardAPIVolumeFile,
  KeyToPath,
  ProjectedVolumeSource,
  Volume,
} from 'kubernetes-types/core/v1.js';
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import {
  type FieldError,
  type FieldPath,
  forbidden,
  invalid,
  notSupported,
  required,
} from '../../../apimachinery/validation/field.js';
import {
  validateDNS1123Label,
  validateFileMode,
  validateLocalDescendingPath,
  validateLocalNonReservedPath,
  validatePathNoBacksteps,
} from './common.js';
import { validateObjectFieldSelector, validateResourceFieldSelector } from './env.js';
import { parseQuantityField } from './resources.js';

const HOST_PATH_TYPES = [
  '',
  'BlockDevice',
  'CharDevice',
  'Directory',
  'DirectoryOrCreate',
  'File',
  'FileOrCreate',
  'Socket',
];
const VOLUME_FIELD_PATHS = [
  'metadata.annotations',
  'metadata.labels',
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
];

/** The sources in the order upstream checks them (the first one set wins, later ones conflict). */
const SOURCE_ORDER = [
  'emptyDir',
  'hostPath',
  'gitRepo',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'flocker',
  'persistentVolumeClaim',
  'rbd',
  'cinder',
  'cephfs',
  'quobyte',
  'downwardAPI',
  'fc',
  'flexVolume',
  'configMap',
  'azureFile',
  'vsphereVolume',
  'photonPersistentDisk',
  'portworxVolume',
  'azureDisk',
  'storageos',
  'projected',
  'scaleIO',
  'csi',
  'ephemeral',
  'image',
];

/** Where upstream reports "may not specify more than 1 volume type" for a source, when it differs. */
const CONFLICT_PATH: Record<string, string> = { downwardAPI: 'downwarAPI', cephfs: 'cephFS' };
/** Where upstream validates a source, when it differs from its field name. */
const SOURCE_PATH: Record<string, string> = { gcePersistentDisk: 'persistentDisk' };

/** Required string fields of the legacy in-tree sources, checked as upstream does. */
const REQUIRED_FIELDS: Record<string, string[]> = {
  gcePersistentDisk: ['pdName'],
  awsElasticBlockStore: ['volumeID'],
  persistentVolumeClaim: ['claimName'],
  gitRepo: ['repository'],
  iscsi: ['targetPortal', 'iqn'],
  glusterfs: ['endpoints', 'path'],
  rbd: ['image'],
  cinder: ['volumeID'],
  flexVolume: ['driver'],
  azureFile: ['secretName', 'shareName'],
  azureDisk: ['diskName', 'diskURI'],
  vsphereVolume: ['volumePath'],
  photonPersistentDisk: ['pdID'],
  portworxVolume: ['volumeID'],
  scaleIO: ['gateway', 'system', 'volumeName'],
  storageos: ['volumeName'],
  quobyte: ['volume'],
};

export interface VolumesResult {
  /** Valid volumes by name, for volumeMounts to refer to. */
  volumes: Map<string, Volume>;
  errors: FieldError[];
}

export function validateVolumes(
  volumes: Volume[] | undefined,
  podMeta: ObjectMeta | undefined,
  path: FieldPath,
): VolumesResult {
  const errors: FieldError[] = [];
  const valid = new Map<string, Volume>();
  const names = new Set<string>();
  (volumes ?? []).forEach((vol, i) => {
    const p = path.index(i);
    const namePath = p.child('name');
    const el = validateVolumeSource(vol, p, podMeta);
    if (!vol.name) el.push(required(namePath));
    else el.push(...validateDNS1123Label(vol.name, namePath));
    if (names.has(vol.name))
      el.push({ type: 'FieldValueDuplicate', field: String(namePath), value: vol.name, detail: '' });
    if (el.length === 0) {
      names.add(vol.name);
      valid.set(vol.name, vol);
    } else {
      errors.push(...el);
    }
  });
  return { volumes: valid, errors };
}

function validateVolumeSource(vol: Volume, path: FieldPath, podMeta: ObjectMeta | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const source = vol as Volume & Record<string, unknown>;
  let count = 0;
  for (const kind of SOURCE_ORDER) {
    const value = source[kind];
    if (value === undefined || value === null) continue;
    if (count > 0) {
      errs.push(
        forbidden(path.child(CONFLICT_PATH[kind] ?? kind), 'may not specify more than 1 volume type'),
      );
      continue;
    }
    count++;
    errs.push(...validateSource(kind, vol, path.child(SOURCE_PATH[kind] ?? kind), podMeta));
  }
  if (count === 0) errs.push(required(path, 'must specify a volume type'));
  return errs;
}

function validateSource(
  kind: string,
  vol: Volume,
  p: FieldPath,
  podMeta: ObjectMeta | undefined,
): FieldError[] {
  const errs: FieldError[] = [];
  const src = (vol as unknown as Record<string, Record<string, unknown>>)[kind] ?? {};
  for (const f of REQUIRED_FIELDS[kind] ?? []) if (!src[f]) errs.push(required(p.child(f)));
  switch (kind) {
    case 'emptyDir':
      if (vol.emptyDir?.sizeLimit !== undefined) {
        const { q, errors } = parseQuantityField(vol.emptyDir.sizeLimit, p.child('sizeLimit'));
        errs.push(...errors);
        if (q && q.sign() < 0)
          errs.push(forbidden(p.child('sizeLimit'), 'SizeLimit field must be a valid resource quantity'));
      }
      break;
    case 'hostPath': {
      const hp = vol.hostPath;
      if (!hp?.path) return [required(p.child('path'))];
      errs.push(...validatePathNoBacksteps(hp.path, p.child('path')));
      if (hp.type !== undefined && !HOST_PATH_TYPES.includes(hp.type)) {
        errs.push(notSupported(p.child('type'), hp.type, HOST_PATH_TYPES));
      }
      break;
    }
    case 'gitRepo':
      errs.push(...validateLocalDescendingPath(vol.gitRepo?.directory ?? '', p.child('directory')));
      break;
    case 'secret':
      if (!vol.secret?.secretName) errs.push(required(p.child('secretName')));
      errs.push(...validateFileMode(vol.secret?.defaultMode, p.child('defaultMode')));
      (vol.secret?.items ?? []).forEach((kp, i) =>
        errs.push(...validateKeyToPath(kp, p.child('items').index(i))),
      );
      break;
    case 'configMap':
      if (!vol.configMap?.name) errs.push(required(p.child('name')));
      errs.push(...validateFileMode(vol.configMap?.defaultMode, p.child('defaultMode')));
      (vol.configMap?.items ?? []).forEach((kp, i) =>
        errs.push(...validateKeyToPath(kp, p.child('items').index(i))),
      );
      break;
    case 'nfs':
      if (!vol.nfs?.server) errs.push(required(p.child('server')));
      if (!vol.nfs?.path) errs.push(required(p.child('path')));
      if (!(vol.nfs?.path ?? '').startsWith('/'))
        errs.push(invalid(p.child('path'), vol.nfs?.path ?? '', 'must be an absolute path'));
      break;
    case 'downwardAPI':
      errs.push(...validateFileMode(vol.downwardAPI?.defaultMode, p.child('defaultMode')));
      for (const file of vol.downwardAPI?.items ?? []) errs.push(...validateDownwardAPIVolumeFile(file, p));
      break;
    case 'projected':
      errs.push(...validateProjected(vol.projected ?? {}, p));
      break;
    case 'csi':
      if (!vol.csi?.driver) errs.push(required(p.child('driver')));
      break;
    case 'cephfs':
      if (!vol.cephfs?.monitors?.length) errs.push(required(p.child('monitors')));
      break;
    case 'rbd':
      if (!vol.rbd?.monitors?.length) errs.unshift(required(p.child('monitors')));
      break;
    case 'ephemeral': {
      if (!vol.ephemeral?.volumeClaimTemplate) errs.push(required(p.child('volumeClaimTemplate')));
      const pod = podMeta?.name;
      if (pod && vol.name) {
        for (const msg of validatePVCName(`${pod}-${vol.name}`)) {
          errs.push(invalid(p.child('name'), vol.name, `PVC name "${pod}-${vol.name}": ${msg}`));
        }
      }
      break;
    }
  }
  return errs;
}

function validatePVCName(name: string): string[] {
  return name.length > 253 ? ['must be no more than 253 characters'] : [];
}

function validateKeyToPath(kp: KeyToPath, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!kp.key) errs.push(required(p.child('key')));
  if (!kp.path) errs.push(required(p.child('path')));
  errs.push(...validateLocalNonReservedPath(kp.path ?? '', p.child('path')));
  errs.push(...validateFileMode(kp.mode, p.child('mode')));
  return errs;
}

function validateDownwardAPIVolumeFile(file: DownwardAPIVolumeFile, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!file.path) errs.push(required(p.child('path')));
  errs.push(...validateLocalNonReservedPath(file.path ?? '', p.child('path')));
  if (file.fieldRef) {
    errs.push(...validateObjectFieldSelector(file.fieldRef, VOLUME_FIELD_PATHS, p.child('fieldRef')));
    if (file.resourceFieldRef) {
      errs.push(invalid(p, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
    }
  } else if (file.resourceFieldRef) {
    errs.push(...validateResourceFieldSelector(file.resourceFieldRef, p.child('resourceFieldRef'), true));
  } else {
    errs.push(required(p, 'one of fieldRef and resourceFieldRef is required'));
  }
  errs.push(...validateFileMode(file.mode, p.child('mode')));
  return errs;
}

function validateProjected(projected: ProjectedVolumeSource, p: FieldPath): FieldError[] {
  const errs = validateFileMode(projected.defaultMode, p.child('defaultMode'));
  const paths = new Set<string>();
  const track = (path: string | undefined, value: unknown): void => {
    if (!path) return;
    if (paths.has(path)) errs.push(invalid(p, value, 'conflicting duplicate paths'));
    paths.add(path);
  };
  (projected.sources ?? []).forEach((source, i) => {
    const sp = p.child('sources').index(i);
    let count = 0;
    if (source.secret) {
      count++;
      if (!source.secret.name) errs.push(required(sp.child('secret', 'name')));
      (source.secret.items ?? []).forEach((kp, j) => {
        errs.push(...validateKeyToPath(kp, sp.child('secret', 'items').index(j)));
        track(kp.path, source.secret?.name ?? '');
      });
    }
    if (source.configMap) {
      count++;
      if (!source.configMap.name) errs.push(required(sp.child('configMap', 'name')));
      (source.configMap.items ?? []).forEach((kp, j) => {
        errs.push(...validateKeyToPath(kp, sp.child('configMap', 'items').index(j)));
        track(kp.path, source.configMap?.name ?? '');
      });
    }
    if (source.downwardAPI) {
      count++;
      for (const file of source.downwardAPI.items ?? []) {
        errs.push(...validateDownwardAPIVolumeFile(file, sp.child('downwardAPI')));
        track(file.path, file.path);
      }
    }
    if (source.serviceAccountToken) {
      count++;
      const sat = source.serviceAccountToken;
      const seconds = sat.expirationSeconds ?? 0;
      const ep = sp.child('serviceAccountToken', 'expirationSeconds');
      if (seconds < 600) errs.push(invalid(ep, seconds, 'may not specify a duration less than 10 minutes'));
      if (seconds > 2 ** 32)
        errs.push(invalid(ep, seconds, 'may not specify a duration larger than 2^32 seconds'));
      if (!sat.path) errs.push(required(p.child('path')));
      else errs.push(...validateLocalNonReservedPath(sat.path, p.child('path')));
    }
    if (source.clusterTrustBundle) {
      count++;
      if (!source.clusterTrustBundle.path) errs.push(required(sp.child('clusterTrustBundle', 'path')));
    }
    if (count > 1) errs.push(forbidden(sp, 'may not specify more than 1 volume type per source'));
  });
  return errs;
}
