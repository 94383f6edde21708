/**
 * ConfigMaps, Secrets and ServiceAccounts: key names, the 1 MiB size limit, the keys each
 * Secret type needs, and immutability once `immutable: true`.
 */
import type { ConfigMap, Secret, ServiceAccount } from 'kubernetes-types/core/v1.js';
import {
  type FieldError,
  FieldPath,
  forbidden,
  invalid,
  required,
  tooLong,
} from '../../../apimachinery/validation/field.js';
import { semanticEqual } from '../../meta/equality.js';
import { isConfigMapKey } from '../../../apimachinery/validation/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../meta/validation.js';
import {
  validateConfigMapName,
  validateImmutableField,
  validateSecretName,
  validateServiceAccountName,
} from './common.js';

/** Upstream's MaxSecretSize, shared by ConfigMaps. */
export const MAX_SECRET_SIZE = 1024 * 1024;

const decodedSize = (b64: string): number => Buffer.from(b64, 'base64').length;

export function validateConfigMap(cm: ConfigMap): FieldError[] {
  const errs = validateObjectMeta(cm.metadata, { namespaced: true, nameFn: validateConfigMapName });
  let total = 0;
  for (const [k, v] of Object.entries(cm.data ?? {})) {
    const p = FieldPath.root('data').key(k);
    errs.push(...isConfigMapKey(k).map((msg) => invalid(p, k, msg)));
    if (cm.binaryData && k in cm.binaryData)
      errs.push(invalid(p, k, 'duplicate of key present in binaryData'));
    total += Buffer.byteLength(String(v));
  }
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) {
    const p = FieldPath.root('binaryData').key(k);
    errs.push(...isConfigMapKey(k).map((msg) => invalid(p, k, msg)));
    total += decodedSize(String(v));
  }
  if (total > MAX_SECRET_SIZE) errs.push(tooLong(FieldPath.root(''), '', MAX_SECRET_SIZE));
  return errs;
}

const IMMUTABLE_MSG = 'field is immutable when `immutable` is set';

export function validateConfigMapUpdate(cm: ConfigMap, old: ConfigMap): FieldError[] {
  const errs = validateObjectMetaUpdate(cm.metadata, old.metadata);
  if (old.immutable) {
    if (!cm.immutable) errs.push(forbidden('immutable', IMMUTABLE_MSG));
    if (!semanticEqual(cm.data, old.data)) errs.push(forbidden('data', IMMUTABLE_MSG));
    if (!semanticEqual(cm.binaryData, old.binaryData)) errs.push(forbidden('binaryData', IMMUTABLE_MSG));
  }
  return [...errs, ...validateConfigMap(cm)];
}

const isJSONObject = (b64: string | undefined): string | undefined => {
  try {
    const v: unknown = JSON.parse(Buffer.from(b64 ?? '', 'base64').toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? undefined
      : 'json: cannot unmarshal into map';
  } catch (err) {
    return (err as Error).message;
  }
};

export function validateSecret(secret: Secret): FieldError[] {
  const errs = validateObjectMeta(secret.metadata, { namespaced: true, nameFn: validateSecretName });
  const data = secret.data ?? {};
  const dataPath = FieldPath.root('data');
  let total = 0;
  for (const [k, v] of Object.entries(data)) {
    errs.push(...isConfigMapKey(k).map((msg) => invalid(dataPath.key(k), k, msg)));
    total += decodedSize(String(v));
  }
  if (total > MAX_SECRET_SIZE) errs.push(tooLong(dataPath, '', MAX_SECRET_SIZE));
  const need = (key: string): void => {
    if (!(key in data)) errs.push(required(dataPath.key(key)));
  };
  const needJSON = (key: string): void => {
    if (!(key in data)) return need(key);
    const problem = isJSONObject(data[key]);
    if (problem) errs.push(invalid(dataPath.key(key), '<secret contents redacted>', problem));
  };
  switch (secret.type ?? '') {
    case 'kubernetes.io/service-account-token':
      if (!secret.metadata?.annotations?.['kubernetes.io/service-account.name']) {
        errs.push(
          required(FieldPath.root('metadata').child('annotations').key('kubernetes.io/service-account.name')),
        );
      }
      break;
    case 'kubernetes.io/dockercfg':
      needJSON('.dockercfg');
      break;
    case 'kubernetes.io/dockerconfigjson':
      needJSON('.dockerconfigjson');
      break;
    case 'kubernetes.io/basic-auth':
      if (!('username' in data) && !('password' in data)) {
        need('username');
        need('password');
      }
      break;
    case 'kubernetes.io/ssh-auth':
      if (!data['ssh-privatekey']) errs.push(required(dataPath.key('ssh-privatekey')));
      break;
    case 'kubernetes.io/tls':
      need('tls.crt');
      need('tls.key');
      break;
  }
  return errs;
}

export function validateSecretUpdate(secret: Secret, old: Secret): FieldError[] {
  const errs = validateObjectMetaUpdate(secret.metadata, old.metadata);
  errs.push(...validateImmutableField(secret.type, old.type, FieldPath.root('type')));
  if (old.immutable) {
    if (!secret.immutable) errs.push(forbidden('immutable', IMMUTABLE_MSG));
    if (!semanticEqual(secret.data, old.data)) errs.push(forbidden('data', IMMUTABLE_MSG));
  }
  return [...errs, ...validateSecret(secret)];
}

export function validateServiceAccount(sa: ServiceAccount): FieldError[] {
  return validateObjectMeta(sa.metadata, { namespaced: true, nameFn: validateServiceAccountName });
}

export function validateServiceAccountUpdate(sa: ServiceAccount, old: ServiceAccount): FieldError[] {
  return [...validateObjectMetaUpdate(sa.metadata, old.metadata), ...validateServiceAccount(sa)];
}
