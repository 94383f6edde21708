/**
 * `spec.os`: linux or windows, and the fields each may not use (windowsOptions on linux;
 * Linux-only security settings, host namespaces and user namespaces on windows).
 */
import type { PodSpec } from 'kubernetes-types/core/v1.js';
import {
  type FieldError,
  type FieldPath,
  forbidden,
  notSupported,
  required,
} from '../../../apimachinery/validation/field.js';

export function validateOS(spec: PodSpec, path: FieldPath): FieldError[] {
  const os = spec.os;
  if (!os) return [];
  if (!os.name) return [required(path.child('os', 'name'), 'cannot be empty')];
  if (os.name !== 'linux' && os.name !== 'windows')
    return [notSupported(path.child('os'), os.name, ['linux', 'windows'])];
  const errs: FieldError[] = [];
  const containers = [
    ...(spec.containers ?? []).map((c, i) => ({ c, p: path.child('containers').index(i) })),
    ...(spec.initContainers ?? []).map((c, i) => ({ c, p: path.child('initContainers').index(i) })),
    ...(spec.ephemeralContainers ?? []).map((c, i) => ({ c, p: path.child('ephemeralContainers').index(i) })),
  ];
  if (os.name === 'linux') {
    const msg = 'windows options cannot be set for a linux pod';
    if (spec.securityContext?.windowsOptions)
      errs.push(forbidden(path.child('securityContext', 'windowsOptions'), msg));
    for (const { c, p } of containers) {
      if (c.securityContext?.windowsOptions)
        errs.push(forbidden(p.child('securityContext', 'windowsOptions'), msg));
    }
    return errs;
  }
  const msg = 'cannot be set for a windows pod';
  const sc = spec.securityContext ?? {};
  for (const f of ['appArmorProfile', 'seLinuxOptions'] as const)
    if (sc[f]) errs.push(forbidden(path.child('securityContext', f), msg));
  if (spec.hostUsers !== undefined) errs.push(forbidden(path.child('hostUsers'), msg));
  if (spec.hostPID) errs.push(forbidden(path.child('hostPID'), msg));
  if (spec.hostIPC) errs.push(forbidden(path.child('hostIPC'), msg));
  for (const f of ['seccompProfile', 'fsGroup', 'fsGroupChangePolicy'] as const) {
    if (sc[f] !== undefined) errs.push(forbidden(path.child('securityContext', f), msg));
  }
  if (sc.sysctls?.length) errs.push(forbidden(path.child('securityContext', 'sysctls'), msg));
  if (spec.shareProcessNamespace !== undefined)
    errs.push(forbidden(path.child('shareProcessNamespace'), msg));
  for (const f of ['runAsUser', 'runAsGroup', 'supplementalGroups'] as const) {
    if (sc[f] !== undefined) errs.push(forbidden(path.child('securityContext', f), msg));
  }
  for (const { c, p } of containers) {
    const csc = c.securityContext;
    if (!csc) continue;
    for (const f of [
      'appArmorProfile',
      'seLinuxOptions',
      'seccompProfile',
      'capabilities',
      'readOnlyRootFilesystem',
      'privileged',
      'allowPrivilegeEscalation',
      'procMount',
      'runAsUser',
      'runAsGroup',
    ] as const) {
      if (csc[f] !== undefined) errs.push(forbidden(p.child('securityContext', f), msg));
    }
  }
  return errs;
}
