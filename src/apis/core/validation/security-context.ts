/**
 * Pod and container security contexts: user and group IDs, seccomp and AppArmor profiles,
 * sysctls, procMount, privilege escalation, and the user-namespace restrictions.
 */
import type {
  AppArmorProfile,
  PodSecurityContext,
  PodSpec,
  SeccompProfile,
  SecurityContext,
} from 'kubernetes-types/core/v1.js';
import {
  type FieldError,
  type FieldPath,
  forbidden,
  invalid,
  notSupported,
  required,
  tooLong,
} from '../../../apimachinery/validation/field.js';
import { isValidGroupID, isValidUserID } from '../../../apimachinery/validation/names.js';
import { validateLocalDescendingPath } from './common.js';

const sysctlSegment = '[a-z0-9]([-_a-z0-9]*[a-z0-9])?';
const sysctlRe = new RegExp(`^(${sysctlSegment}[\\./])*${sysctlSegment}$`);
const SYSCTL_MAX = 253;

const ids = (value: number | undefined, path: FieldPath, check: (n: number) => string[]): FieldError[] =>
  value === undefined ? [] : check(value).map((msg) => invalid(path, value, msg));

export function validateSeccompProfileField(sp: SeccompProfile | undefined, path: FieldPath): FieldError[] {
  if (!sp) return [];
  const errs: FieldError[] = [];
  const type = sp.type ?? '';
  if (type === '') errs.push(required(path.child('type'), 'type is required when seccompProfile is set'));
  else if (!['Localhost', 'RuntimeDefault', 'Unconfined'].includes(type)) {
    errs.push(notSupported(path.child('type'), type, ['Localhost', 'RuntimeDefault', 'Unconfined']));
  }
  if (type === 'Localhost') {
    if (sp.localhostProfile === undefined) {
      errs.push(required(path.child('localhostProfile'), 'must be set when seccomp type is Localhost'));
    } else {
      errs.push(...validateLocalDescendingPath(sp.localhostProfile, path.child('localhostProfile')));
    }
  } else if (sp.localhostProfile !== undefined) {
    errs.push(invalid(path.child('localhostProfile'), sp, 'can only be set when seccomp type is Localhost'));
  }
  return errs;
}

export function validateAppArmorProfileField(
  profile: AppArmorProfile | undefined,
  path: FieldPath,
): FieldError[] {
  if (!profile) return [];
  const lp = path.child('localhostProfile');
  switch (profile.type ?? '') {
    case 'Localhost': {
      const local = profile.localhostProfile;
      if (local === undefined) return [required(lp, 'must be set when AppArmor type is Localhost')];
      const errs: FieldError[] = [];
      if (local.trim() !== local) errs.push(invalid(lp, local, 'must not be padded with whitespace'));
      else if (local === '') errs.push(required(lp, 'must be set when AppArmor type is Localhost'));
      if (local.length > 4095) errs.push(tooLong(lp, '', 4095));
      return errs;
    }
    case 'RuntimeDefault':
    case 'Unconfined':
      return profile.localhostProfile !== undefined
        ? [invalid(lp, profile.localhostProfile, 'can only be set when AppArmor type is Localhost')]
        : [];
    case '':
      return [required(path.child('type'), 'type is required when appArmorProfile is set')];
    default:
      return [notSupported(path.child('type'), profile.type, ['Localhost', 'RuntimeDefault', 'Unconfined'])];
  }
}

/** Which kernel namespace a sysctl belongs to: `net` and `ipc` ones clash with host namespaces. */
function sysctlNamespace(name: string): 'net' | 'ipc' | undefined {
  const n = name.replace(/\//g, '.');
  if (n.startsWith('net.')) return 'net';
  if (
    n.startsWith('kernel.shm') ||
    n.startsWith('kernel.msg') ||
    n === 'kernel.sem' ||
    n.startsWith('fs.mqueue.')
  )
    return 'ipc';
  return undefined;
}

export function validatePodSecurityContext(
  sc: PodSecurityContext | undefined,
  spec: PodSpec,
  path: FieldPath,
): FieldError[] {
  if (!sc) return [];
  const errs: FieldError[] = [
    ...ids(sc.fsGroup, path.child('fsGroup'), isValidGroupID),
    ...ids(sc.runAsUser, path.child('runAsUser'), isValidUserID),
    ...ids(sc.runAsGroup, path.child('runAsGroup'), isValidGroupID),
  ];
  (sc.supplementalGroups ?? []).forEach((g, i) =>
    errs.push(...ids(g, path.child('supplementalGroups').index(i), isValidGroupID)),
  );
  if (spec.shareProcessNamespace && spec.hostPID) {
    errs.push(
      invalid(
        path.child('shareProcessNamespace'),
        true,
        'ShareProcessNamespace and HostPID cannot both be enabled',
      ),
    );
  }
  const seen = new Set<string>();
  (sc.sysctls ?? []).forEach((s, i) => {
    const np = path.child('sysctls').index(i).child('name');
    if (!s.name) errs.push(required(np));
    else if (s.name.length > SYSCTL_MAX || !sysctlRe.test(s.name)) {
      errs.push(
        invalid(np, s.name, `must have at most ${SYSCTL_MAX} characters and match regex ${sysctlRe.source}`),
      );
    } else if (seen.has(s.name)) {
      errs.push({ type: 'FieldValueDuplicate', field: String(np), value: s.name, detail: '' });
    }
    const ns = sysctlNamespace(s.name ?? '');
    if (ns === 'net' && spec.hostNetwork)
      errs.push(invalid(np, s.name, "may not be specified when 'hostNetwork' is true"));
    if (ns === 'ipc' && spec.hostIPC)
      errs.push(invalid(np, s.name, "may not be specified when 'hostIPC' is true"));
    seen.add(s.name ?? '');
  });
  if (
    sc.fsGroupChangePolicy !== undefined &&
    !['Always', 'OnRootMismatch'].includes(sc.fsGroupChangePolicy)
  ) {
    errs.push(
      notSupported(path.child('fsGroupChangePolicy'), sc.fsGroupChangePolicy, ['Always', 'OnRootMismatch']),
    );
  }
  errs.push(...validateSeccompProfileField(sc.seccompProfile, path.child('seccompProfile')));
  errs.push(...validateAppArmorProfileField(sc.appArmorProfile, path.child('appArmorProfile')));
  return errs;
}

export function validateSecurityContext(
  sc: SecurityContext | undefined,
  path: FieldPath,
  hostUsers: boolean,
): FieldError[] {
  if (!sc) return [];
  const errs: FieldError[] = [
    ...ids(sc.runAsUser, path.child('runAsUser'), isValidUserID),
    ...ids(sc.runAsGroup, path.child('runAsGroup'), isValidGroupID),
  ];
  if (sc.procMount !== undefined) {
    if (sc.procMount !== 'Default' && sc.procMount !== 'Unmasked') {
      errs.push(notSupported(path.child('procMount'), sc.procMount, ['Default', 'Unmasked']));
    }
    if (hostUsers && sc.procMount === 'Unmasked') {
      errs.push(
        invalid(path.child('procMount'), sc.procMount, '`hostUsers` must be false to use `Unmasked`'),
      );
    }
  }
  errs.push(...validateSeccompProfileField(sc.seccompProfile, path.child('seccompProfile')));
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged) {
      errs.push(invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
    }
    if ((sc.capabilities?.add ?? []).includes('CAP_SYS_ADMIN')) {
      errs.push(
        invalid(
          path,
          sc,
          'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN',
        ),
      );
    }
  }
  errs.push(...validateAppArmorProfileField(sc.appArmorProfile, path.child('appArmorProfile')));
  return errs;
}

/** With `hostUsers: false`, the pod may not share the host's network, PID or IPC namespace. */
export function validateHostUsers(spec: PodSpec, path: FieldPath): FieldError[] {
  if (spec.hostUsers !== false) return [];
  const errs: FieldError[] = [];
  if (spec.hostNetwork) errs.push(forbidden(path.child('hostNetwork'), 'when `pod.Spec.HostUsers` is false'));
  if (spec.hostPID) errs.push(forbidden(path.child('HostPID'), 'when `pod.Spec.HostUsers` is false'));
  if (spec.hostIPC) errs.push(forbidden(path.child('HostIPC'), 'when `pod.Spec.HostUsers` is false'));
  return errs;
}
