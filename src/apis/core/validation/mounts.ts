/**
 * Volume mounts and devices of a container: they must name a pod volume, and paths must be
 * unique and local; block devices need PVC-backed volumes.
 */
import type { Container, EphemeralContainer, Volume, VolumeMount } from 'kubernetes-types/core/v1.js';
import {
  type FieldError,
  type FieldPath,
  forbidden,
  invalid,
  notFound,
  notSupported,
  required,
} from '../../../apimachinery/validation/field.js';
import { validateLocalDescendingPath } from './common.js';

type AnyContainer = Container | EphemeralContainer;

export function validateVolumeMounts(
  c: AnyContainer,
  volumes: Map<string, Volume>,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  const mountPaths = new Set<string>();
  const devices = new Map((c.volumeDevices ?? []).map((d) => [d.name, d.devicePath]));
  const privileged = c.securityContext?.privileged === true;
  (c.volumeMounts ?? []).forEach((m: VolumeMount, i) => {
    const p = path.index(i);
    if (!m.name) errs.push(required(p.child('name')));
    if (!volumes.has(m.name)) errs.push(notFound(p.child('name'), m.name ?? ''));
    if (!m.mountPath) errs.push(required(p.child('mountPath')));
    if (mountPaths.has(m.mountPath)) errs.push(invalid(p.child('mountPath'), m.mountPath, 'must be unique'));
    mountPaths.add(m.mountPath);
    if (devices.has(m.name))
      errs.push(invalid(p.child('name'), m.name, 'must not already exist in volumeDevices'));
    if ([...devices.values()].includes(m.mountPath)) {
      errs.push(
        invalid(p.child('mountPath'), m.mountPath, 'must not already exist as a path in volumeDevices'),
      );
    }
    if (m.subPath) errs.push(...validateLocalDescendingPath(m.subPath, path.child('subPath')));
    if (m.subPathExpr) {
      if (m.subPath)
        errs.push(
          invalid(p.child('subPathExpr'), m.subPathExpr, 'subPathExpr and subPath are mutually exclusive'),
        );
      errs.push(...validateLocalDescendingPath(m.subPathExpr, path.child('subPathExpr')));
    }
    if (m.mountPropagation !== undefined) {
      const mp = path.child('mountPropagation');
      const supported = ['Bidirectional', 'HostToContainer', 'None'];
      if (!supported.includes(m.mountPropagation)) errs.push(notSupported(mp, m.mountPropagation, supported));
      if (m.mountPropagation === 'Bidirectional' && !privileged) {
        errs.push(
          forbidden(mp, 'Bidirectional mount propagation is available only to privileged containers'),
        );
      }
    }
    if (m.recursiveReadOnly !== undefined) {
      const rp = path.child('recursiveReadOnly');
      if (m.recursiveReadOnly === 'Enabled' || m.recursiveReadOnly === 'IfPossible') {
        if (!m.readOnly) errs.push(forbidden(rp, 'may only be specified when readOnly is true'));
        if (m.mountPropagation && m.mountPropagation !== 'None') {
          errs.push(forbidden(rp, 'may only be specified when mountPropagation is None or not specified'));
        }
      } else if (m.recursiveReadOnly !== 'Disabled') {
        errs.push(notSupported(rp, m.recursiveReadOnly, ['Disabled', 'Enabled', 'IfPossible']));
      }
    }
  });
  return errs;
}

export function validateVolumeDevices(
  c: AnyContainer,
  volumes: Map<string, Volume>,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  const paths = new Set<string>();
  const mounts = new Map((c.volumeMounts ?? []).map((m) => [m.name, m.mountPath]));
  (c.volumeDevices ?? []).forEach((d, i) => {
    const p = path.index(i);
    const vol = volumes.get(d.name);
    if (!d.name) errs.push(required(p.child('name')));
    if (names.has(d.name)) errs.push(invalid(p.child('name'), d.name, 'must be unique'));
    if (vol && !vol.persistentVolumeClaim && !vol.ephemeral) {
      errs.push(
        invalid(
          p.child('name'),
          d.name,
          'can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode',
        ),
      );
    }
    if (!vol) errs.push(notFound(p.child('name'), d.name));
    if (!d.devicePath) errs.push(required(p.child('devicePath')));
    if (paths.has(d.devicePath)) errs.push(invalid(p.child('devicePath'), d.devicePath, 'must be unique'));
    if (d.devicePath && d.devicePath.split('/').includes('..')) {
      errs.push(invalid(p.child('devicePath'), d.devicePath, "can not contain backsteps ('..')"));
    } else paths.add(d.devicePath);
    if (mounts.has(d.name))
      errs.push(invalid(p.child('name'), d.name, 'must not already exist in volumeMounts'));
    if ([...mounts.values()].includes(d.devicePath)) {
      errs.push(
        invalid(p.child('devicePath'), d.devicePath, 'must not already exist as a path in volumeMounts'),
      );
    }
    if (d.name) names.add(d.name);
  });
  return errs;
}
