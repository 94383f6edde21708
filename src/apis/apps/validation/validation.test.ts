import type { Deployment, StatefulSet } from 'kubernetes-types/apps/v1.js';
import { describe, expect, it } from 'vitest';
import { fieldErrorMessage } from '../../../apimachinery/validation/field.js';
import { setDefaultsDeployment, setDefaultsStatefulSet } from '../v1/defaults.js';
import { validateDeployment, validateDeploymentUpdate } from './deployment.js';
import { validateStatefulSet } from './statefulset.js';

const deployment = (spec: Partial<Deployment['spec']> = {}): Deployment => {
  const d: Deployment = {
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'c', image: 'nginx' }] },
      },
      ...spec,
    },
  };
  setDefaultsDeployment(d);
  return d;
};

const messages = (errs: ReturnType<typeof validateDeployment>) => errs.map(fieldErrorMessage);

describe('Deployment validation', () => {
  it('accepts a defaulted Deployment', () => {
    expect(messages(validateDeployment(deployment()))).toEqual([]);
  });

  it.each<[string, Partial<Deployment['spec']>, string]>([
    ['an empty selector', { selector: {} }, 'spec.selector: Invalid value'],
    [
      'a mismatched selector',
      { selector: { matchLabels: { app: 'x' } } },
      '`selector` does not match template `labels`',
    ],
    ['negative replicas', { replicas: -1 }, 'spec.replicas: Invalid value: -1'],
    [
      'zero surge and unavailability',
      { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } } },
      'may not be 0 when `maxSurge` is 0',
    ],
    [
      'more than 100% unavailable',
      { strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '150%' } } },
      'must not be greater than 100%',
    ],
    [
      'rollingUpdate with Recreate',
      { strategy: { type: 'Recreate', rollingUpdate: {} } },
      "may not be specified when strategy `type` is 'Recreate'",
    ],
    [
      'a deadline below minReadySeconds',
      { minReadySeconds: 10, progressDeadlineSeconds: 5 },
      'must be greater than minReadySeconds',
    ],
  ])('refuses %s', (_name, spec, message) => {
    expect(messages(validateDeployment(deployment(spec))).join('\n')).toContain(message);
  });

  it('refuses a template that does not restart always or sets a deadline', () => {
    const d = deployment();
    const pod = d.spec?.template.spec;
    if (pod) {
      pod.restartPolicy = 'OnFailure';
      pod.activeDeadlineSeconds = 5;
    }
    expect(messages(validateDeployment(d))).toEqual(
      expect.arrayContaining([
        'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
        'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in Deployment is not Supported',
      ]),
    );
  });

  it('keeps the selector immutable', () => {
    const old = deployment();
    const next = deployment({
      selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'x', operator: 'Exists' }] },
    });
    expect(messages(validateDeploymentUpdate(next, old)).join('\n')).toContain(
      'spec.selector: Invalid value',
    );
  });
});

describe('StatefulSet validation', () => {
  it('accepts a defaulted StatefulSet and refuses an unknown pod management policy', () => {
    const sts: StatefulSet = {
      metadata: { name: 'db', namespace: 'default' },
      spec: {
        serviceName: 'db',
        selector: { matchLabels: { app: 'db' } },
        template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'pg' }] } },
      },
    };
    setDefaultsStatefulSet(sts);
    expect(validateStatefulSet(sts)).toEqual([]);
    if (sts.spec) sts.spec.podManagementPolicy = 'Random';
    expect(messages(validateStatefulSet(sts)).join('\n')).toContain("must be 'OrderedReady' or 'Parallel'");
  });
});
