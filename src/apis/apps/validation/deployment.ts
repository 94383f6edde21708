/** apps/v1 Deployments (upstream's ValidateDeployment, …Update, …StatusUpdate). */
import type {
  Deployment,
  DeploymentSpec,
  DeploymentStatus,
  DeploymentStrategy,
} from 'kubernetes-types/apps/v1.js';
import {
  type FieldError,
  FieldPath,
  forbidden,
  invalid,
  notSupported,
  required,
} from '../../../apimachinery/validation/field.js';
import {
  nameIsDNSSubdomain,
  validateImmutableField,
  validateNonnegativeField,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../../meta/validation.js';
import {
  intOrPercentValue,
  isNotMoreThan100Percent,
  validatePositiveIntOrPercent,
  validateWorkloadSelector,
} from './common.js';
import { validateWorkloadPodTemplate } from './pod-template.js';

const spec = FieldPath.root('spec');
const metaOptions = { namespaced: true, nameFn: nameIsDNSSubdomain };

export function validateDeploymentStrategy(s: DeploymentStrategy | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const ru = s?.rollingUpdate;
  switch (s?.type) {
    case 'Recreate':
      if (ru)
        errs.push(
          forbidden(path.child('rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'"),
        );
      break;
    case 'RollingUpdate': {
      const p = path.child('rollingUpdate');
      if (!ru) {
        errs.push(required(p, 'this should be defaulted and never be nil'));
        break;
      }
      errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, p.child('maxUnavailable')));
      errs.push(...validatePositiveIntOrPercent(ru.maxSurge, p.child('maxSurge')));
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
        errs.push(invalid(p.child('maxUnavailable'), ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
      }
      errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, p.child('maxUnavailable')));
      break;
    }
    case undefined:
    case '':
      errs.push(required(path.child('type'), ''));
      break;
    default:
      errs.push(notSupported(path.child('type'), s?.type, ['Recreate', 'RollingUpdate']));
  }
  return errs;
}

export function validateDeploymentSpec(s: DeploymentSpec | undefined, path = spec): FieldError[] {
  const errs = [...validateNonnegativeField(s?.replicas, path.child('replicas'))];
  const sel = validateWorkloadSelector(
    s?.selector,
    'empty selector is invalid for deployment.',
    path.child('selector'),
  );
  errs.push(...sel.errors);
  if (sel.selector) {
    errs.push(
      ...validateWorkloadPodTemplate(s?.template, sel.selector, 'Deployment', path.child('template')),
    );
  }
  errs.push(...validateDeploymentStrategy(s?.strategy, path.child('strategy')));
  errs.push(...validateNonnegativeField(s?.minReadySeconds, path.child('minReadySeconds')));
  errs.push(...validateNonnegativeField(s?.revisionHistoryLimit, path.child('revisionHistoryLimit')));
  const deadline = s?.progressDeadlineSeconds;
  if (deadline !== undefined) {
    errs.push(...validateNonnegativeField(deadline, path.child('progressDeadlineSeconds')));
    if (deadline <= (s?.minReadySeconds ?? 0)) {
      errs.push(
        invalid(path.child('progressDeadlineSeconds'), deadline, 'must be greater than minReadySeconds'),
      );
    }
  }
  return errs;
}

export function validateDeployment(d: Deployment): FieldError[] {
  return [...validateObjectMeta(d.metadata, metaOptions), ...validateDeploymentSpec(d.spec)];
}

/** apps/v1: the selector may not change. */
export function validateDeploymentUpdate(d: Deployment, old: Deployment): FieldError[] {
  return [
    ...validateObjectMetaUpdate(d.metadata, old.metadata),
    ...validateDeploymentSpec(d.spec),
    ...validateImmutableField(d.spec?.selector, old.spec?.selector, spec.child('selector')),
  ];
}

export function validateDeploymentStatus(st: DeploymentStatus | undefined): FieldError[] {
  const path = FieldPath.root('status');
  const errs: FieldError[] = [];
  for (const f of [
    'observedGeneration',
    'replicas',
    'updatedReplicas',
    'readyReplicas',
    'availableReplicas',
    'unavailableReplicas',
    'collisionCount',
  ] as const) {
    errs.push(...validateNonnegativeField(st?.[f], path.child(f)));
  }
  const replicas = st?.replicas ?? 0;
  const over = (f: 'updatedReplicas' | 'availableReplicas' | 'readyReplicas', than: number, what: string) => {
    if ((st?.[f] ?? 0) > than) errs.push(invalid(path.child(f), st?.[f], `cannot be greater than ${what}`));
  };
  over('updatedReplicas', replicas, 'status.replicas');
  over('availableReplicas', replicas, 'status.replicas');
  over('readyReplicas', replicas, 'status.replicas');
  over('availableReplicas', st?.readyReplicas ?? 0, 'readyReplicas');
  return errs;
}

export function validateDeploymentStatusUpdate(d: Deployment, old: Deployment): FieldError[] {
  const errs = [...validateObjectMetaUpdate(d.metadata, old.metadata), ...validateDeploymentStatus(d.status)];
  const path = FieldPath.root('status').child('collisionCount');
  if ((d.status?.collisionCount ?? 0) < (old.status?.collisionCount ?? 0)) {
    errs.push(invalid(path, d.status?.collisionCount, 'cannot be decremented'));
  }
  return errs;
}
