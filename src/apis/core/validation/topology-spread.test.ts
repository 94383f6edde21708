import type { Pod, TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { podStrategy } from '../../../registry/core/pod/strategy.js';
import { validatePodCreate } from './pod.js';

function pod(constraints: object[]): Pod {
  const p: Pod = {
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      containers: [{ name: 'app', image: 'nginx:1.25' }],
      topologySpreadConstraints: constraints as TopologySpreadConstraint[],
    },
  };
  podStrategy.defaults?.(p);
  podStrategy.prepareForCreate?.(p);
  return p;
}

describe('topology spread constraints', () => {
  const base = {
    maxSkew: 1,
    topologyKey: 'zone',
    whenUnsatisfiable: 'DoNotSchedule',
    labelSelector: { matchLabels: { app: 'web' } },
  };
  it.each<[string, object[], { type: string; field: string; value?: unknown; detail?: string }[]]>([
    ['valid', [base], []],
    [
      'maxSkew',
      [{ ...base, maxSkew: 0 }],
      [
        {
          type: 'FieldValueInvalid',
          field: 'spec.topologySpreadConstraints[0].maxSkew',
          value: 0,
          detail: 'must be greater than zero',
        },
      ],
    ],
    [
      'topologyKey',
      [{ ...base, topologyKey: '' }],
      [
        {
          type: 'FieldValueRequired',
          field: 'spec.topologySpreadConstraints[0].topologyKey',
          detail: 'can not be empty',
        },
      ],
    ],
    [
      'whenUnsatisfiable',
      [{ ...base, whenUnsatisfiable: 'Maybe' }],
      [
        {
          type: 'FieldValueNotSupported',
          field: 'spec.topologySpreadConstraints[0].whenUnsatisfiable',
          value: 'Maybe',
          detail: 'supported values: "DoNotSchedule", "ScheduleAnyway"',
        },
      ],
    ],
    [
      'duplicate pair',
      [base, { ...base, maxSkew: 2 }],
      [
        {
          type: 'FieldValueDuplicate',
          field: 'spec.topologySpreadConstraints[0].{topologyKey, whenUnsatisfiable}',
          value: '{zone, DoNotSchedule}',
          detail: '',
        },
      ],
    ],
    [
      'minDomains zero',
      [{ ...base, minDomains: 0 }],
      [
        {
          type: 'FieldValueInvalid',
          field: 'spec.topologySpreadConstraints[0].minDomains',
          value: 0,
          detail: 'must be greater than zero',
        },
      ],
    ],
    [
      'minDomains with ScheduleAnyway',
      [{ ...base, whenUnsatisfiable: 'ScheduleAnyway', minDomains: 2 }],
      [
        {
          type: 'FieldValueInvalid',
          field: 'spec.topologySpreadConstraints[0].minDomains',
          value: 2,
          detail: 'can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway',
        },
      ],
    ],
    [
      'nodeAffinityPolicy',
      [{ ...base, nodeAffinityPolicy: 'Maybe' }],
      [{ type: 'FieldValueNotSupported', field: 'spec.topologySpreadConstraints[0].nodeAffinityPolicy' }],
    ],
    [
      'nodeTaintsPolicy',
      [{ ...base, nodeTaintsPolicy: 'Maybe' }],
      [{ type: 'FieldValueNotSupported', field: 'spec.topologySpreadConstraints[0].nodeTaintsPolicy' }],
    ],
    [
      'matchLabelKeys without selector',
      [{ ...base, labelSelector: undefined, matchLabelKeys: ['pod-template-hash'] }],
      [
        {
          type: 'FieldValueForbidden',
          field: 'spec.topologySpreadConstraints[0].matchLabelKeys',
          detail: 'must not be specified when labelSelector is not set',
        },
      ],
    ],
    [
      'matchLabelKeys overlapping the selector',
      [{ ...base, matchLabelKeys: ['app'] }],
      [
        {
          type: 'FieldValueInvalid',
          field: 'spec.topologySpreadConstraints[0].matchLabelKeys[0]',
          value: 'app',
          detail: 'exists in both matchLabelKeys and labelSelector',
        },
      ],
    ],
  ])('%s', (_name, constraints, expected) => {
    const errs = validatePodCreate(pod(constraints));
    expect(errs).toHaveLength(expected.length);
    expected.forEach((e, i) => expect(errs[i]).toMatchObject(e));
  });
});
