import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import { describe, expect, it } from 'vitest';
import { validatePodDisruptionBudget, validatePodDisruptionBudgetStatusUpdate } from './pdb.js';

const pdb = (spec: PodDisruptionBudget['spec'], name = 'web'): PodDisruptionBudget => ({
  metadata: { name, namespace: 'default' },
  spec,
});
const brief = (p: PodDisruptionBudget) => validatePodDisruptionBudget(p).map((e) => `${e.type} ${e.field}`);

describe('PodDisruptionBudget', () => {
  it.each<[string, PodDisruptionBudget, string[]]>([
    ['minAvailable', pdb({ minAvailable: 2, selector: { matchLabels: { app: 'web' } } }), []],
    ['maxUnavailable percent', pdb({ maxUnavailable: '25%' }), []],
    ['neither (allowed upstream)', pdb({}), []],
    ['both', pdb({ minAvailable: 1, maxUnavailable: 1 }), ['FieldValueInvalid spec']],
    ['negative', pdb({ minAvailable: -1 }), ['FieldValueInvalid spec.minAvailable']],
    ['over 100%', pdb({ maxUnavailable: '150%' }), ['FieldValueInvalid spec.maxUnavailable']],
    ['not a percent', pdb({ minAvailable: 'half' }), ['FieldValueInvalid spec.minAvailable']],
    [
      'eviction policy',
      pdb({ unhealthyPodEvictionPolicy: 'Never' }),
      ['FieldValueNotSupported spec.unhealthyPodEvictionPolicy'],
    ],
    [
      'selector',
      pdb({ selector: { matchExpressions: [{ key: 'app', operator: 'In' }] } }),
      ['FieldValueRequired spec.selector.matchExpressions[0].values'],
    ],
    ['any path-segment name', pdb({}, 'Web_PDB'), []],
  ])('%s', (_n, p, expected) => {
    expect(brief(p)).toEqual(expected);
  });

  it('words the both-set error like upstream', () => {
    expect(validatePodDisruptionBudget(pdb({ minAvailable: 1, maxUnavailable: 1 }))[0]?.detail).toBe(
      'minAvailable and maxUnavailable cannot be both set',
    );
  });

  it('keeps status counts non-negative', () => {
    const old = pdb({ minAvailable: 1 });
    const next = {
      ...old,
      status: { disruptionsAllowed: -1, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 },
    };
    expect(validatePodDisruptionBudgetStatusUpdate(next, old).map((e) => e.field)).toEqual([
      'status.disruptionsAllowed',
    ]);
  });
});
