/**
 * Containers of a pod: regular, init (with restartable "sidecar" init containers) and
 * ephemeral ones — names, images, ports, env, mounts, resources, probes and hooks, as upstream's
 * validateContainers / validateInitContainers / validateEphemeralContainers.
 */
import type { Container, EphemeralContainer, Volume } from 'kubernetes-types/core/v1.js';
import {
  type FieldError,
  type FieldPath,
  duplicate,
  forbidden,
  invalid,
  notFound,
  notSupported,
  required,
} from '../../../apimachinery/validation/field.js';
import { isRestartableInitContainer, validateDNS1123Label } from './common.js';
import { validateEnv, validateEnvFrom } from './env.js';
import { validateVolumeDevices, validateVolumeMounts } from './mounts.js';
import { checkHostPortConflicts, validateContainerPorts } from './ports.js';
import { validateLifecycle, validateLivenessOrStartupProbe, validateReadinessProbe } from './probe.js';
import { validateContainerResourceRequirements } from './resources.js';
import { validateSecurityContext } from './security-context.js';

export interface ContainerContext {
  volumes: Map<string, Volume>;
  podClaimNames: Set<string>;
  gracePeriod: number | undefined;
  restartPolicy: string | undefined;
  hostUsers: boolean;
}

type AnyContainer = Container | EphemeralContainer;

const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];

/** Checks shared by every kind of container. */
function validateContainerCommon(c: AnyContainer, ctx: ContainerContext, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(required(path.child('name')));
  else errs.push(...validateDNS1123Label(c.name, path.child('name')));
  if (!c.image) errs.push(required(path.child('image')));
  const tmp = c.terminationMessagePolicy;
  if (!tmp) errs.push(required(path.child('terminationMessagePolicy')));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') {
    errs.push(notSupported(path.child('terminationMessagePolicy'), tmp, ['File', 'FallbackToLogsOnError']));
  }
  errs.push(...validateContainerPorts(c.ports, path.child('ports')));
  errs.push(...validateEnv(c.env, path.child('env')));
  errs.push(...validateEnvFrom(c.envFrom, path.child('envFrom')));
  errs.push(...validateVolumeMounts(c, ctx.volumes, path.child('volumeMounts')));
  errs.push(...validateVolumeDevices(c, ctx.volumes, path.child('volumeDevices')));
  const pull = c.imagePullPolicy;
  if (!pull) errs.push(required(path.child('imagePullPolicy')));
  else if (!PULL_POLICIES.includes(pull))
    errs.push(notSupported(path.child('imagePullPolicy'), pull, PULL_POLICIES));
  errs.push(
    ...validateContainerResourceRequirements(c.resources, path.child('resources'), ctx.podClaimNames),
  );
  errs.push(...validateResizePolicy(c, ctx.restartPolicy, path.child('resizePolicy')));
  errs.push(...validateSecurityContext(c.securityContext, path.child('securityContext'), ctx.hostUsers));
  return errs;
}

function validateResizePolicy(
  c: AnyContainer,
  restartPolicy: string | undefined,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (c.resizePolicy ?? []).forEach((rp, i) => {
    if (seen.has(rp.resourceName)) errs.push(duplicate(path.index(i), rp.resourceName));
    seen.add(rp.resourceName);
    if (!rp.resourceName) errs.push(required(path));
    else if (rp.resourceName !== 'cpu' && rp.resourceName !== 'memory')
      errs.push(notSupported(path, rp.resourceName, ['cpu', 'memory']));
    if (!rp.restartPolicy) errs.push(required(path));
    else if (rp.restartPolicy !== 'NotRequired' && rp.restartPolicy !== 'RestartContainer') {
      errs.push(notSupported(path, rp.restartPolicy, ['NotRequired', 'RestartContainer']));
    }
    if (restartPolicy === 'Never' && rp.restartPolicy !== 'NotRequired') {
      errs.push(invalid(path, rp.restartPolicy, "must be 'NotRequired' when `restartPolicy` is 'Never'"));
    }
  });
  return errs;
}

/** Pod-only (not template) rule: no whitespace around the image. */
export function validateContainerOnlyForPod(c: AnyContainer, path: FieldPath): FieldError[] {
  return c.image && c.image.trim() !== c.image
    ? [invalid(path.child('image'), c.image, 'must not have leading or trailing whitespace')]
    : [];
}

export function validateContainers(
  containers: Container[] | undefined,
  ctx: ContainerContext,
  path: FieldPath,
): FieldError[] {
  if (!containers?.length) return [required(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const p = path.index(i);
    errs.push(...validateContainerCommon(c, ctx, p));
    if (names.has(c.name)) errs.push(duplicate(p.child('name'), c.name));
    else names.add(c.name);
    if (c.lifecycle) errs.push(...validateLifecycle(c.lifecycle, ctx.gracePeriod, p.child('lifecycle')));
    errs.push(...validateLivenessOrStartupProbe(c.livenessProbe, ctx.gracePeriod, p.child('livenessProbe')));
    errs.push(...validateReadinessProbe(c.readinessProbe, ctx.gracePeriod, p.child('readinessProbe')));
    errs.push(...validateLivenessOrStartupProbe(c.startupProbe, ctx.gracePeriod, p.child('startupProbe')));
    if (c.restartPolicy !== undefined)
      errs.push(forbidden(p.child('restartPolicy'), 'may not be set for non-init containers'));
  });
  errs.push(...checkHostPortConflicts(containers, path));
  return errs;
}

const INIT_ONLY = 'may not be set for init containers without restartPolicy=Always';

export function validateInitContainers(
  inits: Container[] | undefined,
  regular: Container[] | undefined,
  ctx: ContainerContext,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set((regular ?? []).map((c) => c.name));
  (inits ?? []).forEach((c, i) => {
    const p = path.index(i);
    errs.push(...validateContainerCommon(c, ctx, p));
    if (c.restartPolicy !== undefined && c.restartPolicy !== 'Always') {
      errs.push(notSupported(p.child('restartPolicy'), c.restartPolicy, ['Always']));
    }
    if (names.has(c.name)) errs.push(duplicate(p.child('name'), c.name));
    else if (c.name) names.add(c.name);
    errs.push(...checkHostPortConflicts([c], path));
    if (isRestartableInitContainer(c)) {
      if (c.lifecycle) errs.push(...validateLifecycle(c.lifecycle, ctx.gracePeriod, p.child('lifecycle')));
      errs.push(
        ...validateLivenessOrStartupProbe(c.livenessProbe, ctx.gracePeriod, p.child('livenessProbe')),
      );
      errs.push(...validateReadinessProbe(c.readinessProbe, ctx.gracePeriod, p.child('readinessProbe')));
      errs.push(...validateLivenessOrStartupProbe(c.startupProbe, ctx.gracePeriod, p.child('startupProbe')));
    } else {
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
        if (c[f] !== undefined) errs.push(forbidden(p.child(f), INIT_ONLY));
      }
    }
    if (c.resizePolicy?.length)
      errs.push(invalid(p.child('resizePolicy'), c.resizePolicy, 'must not be set for init containers'));
  });
  return errs;
}

/** Fields an ephemeral container may not set (upstream allows a fixed list of the others). */
const EPHEMERAL_FORBIDDEN = [
  'ports',
  'resources',
  'resizePolicy',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'lifecycle',
  'restartPolicy',
] as const;

const isSet = (v: unknown): boolean =>
  v !== undefined &&
  v !== null &&
  !(Array.isArray(v) && v.length === 0) &&
  !(typeof v === 'object' && Object.keys(v).length === 0);

export function validateEphemeralContainers(
  ephemeral: EphemeralContainer[] | undefined,
  containers: Container[] | undefined,
  inits: Container[] | undefined,
  ctx: ContainerContext,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  const others = new Set([...(containers ?? []), ...(inits ?? [])].map((c) => c.name));
  const all = new Set(others);
  (ephemeral ?? []).forEach((ec, i) => {
    const p = path.index(i);
    errs.push(...validateContainerCommon(ec, ctx, p));
    errs.push(...validateContainerOnlyForPod(ec, p));
    if (all.has(ec.name)) errs.push(duplicate(p.child('name'), ec.name));
    else all.add(ec.name);
    if (ec.targetContainerName && !others.has(ec.targetContainerName)) {
      errs.push(notFound(p.child('targetContainerName'), ec.targetContainerName));
    }
    for (const f of EPHEMERAL_FORBIDDEN) {
      if (isSet((ec as unknown as Record<string, unknown>)[f]))
        errs.push(forbidden(p.child(f), 'cannot be set for an Ephemeral Container'));
    }
    (ec.volumeMounts ?? []).forEach((m, j) => {
      const mp = p.child('volumeMounts').index(j);
      if (m.subPath) errs.push(forbidden(mp.child('subPath'), 'cannot be set for an Ephemeral Container'));
      if (m.subPathExpr)
        errs.push(forbidden(mp.child('subPathExpr'), 'cannot be set for an Ephemeral Container'));
    });
  });
  return errs;
}
