import { describe, expect, it } from 'vitest';

import { isFilter, isPreFilter, isPreScore, isScore } from '../../framework/interface.js';
import { interPodAffinityFactory, resolveArgs } from './plugin.js';
import { makeHandle } from './testing.js';

describe('interPodAffinityFactory', () => {
  it('builds the InterPodAffinity plugin with every extension point', () => {
    const pl = interPodAffinityFactory(undefined, makeHandle([]));
    expect(pl.name).toBe('InterPodAffinity');
    expect([isPreFilter(pl), isFilter(pl), isPreScore(pl), isScore(pl)]).toEqual([true, true, true, true]);
  });

  it.each<[string, unknown, ReturnType<typeof resolveArgs>]>([
    ['defaults', undefined, { hardPodAffinityWeight: 1, ignorePreferredTermsOfExistingPods: false }],
    ['an empty object', {}, { hardPodAffinityWeight: 1, ignorePreferredTermsOfExistingPods: false }],
    [
      'bounds',
      { hardPodAffinityWeight: 100 },
      { hardPodAffinityWeight: 100, ignorePreferredTermsOfExistingPods: false },
    ],
    [
      'both fields',
      { hardPodAffinityWeight: 0, ignorePreferredTermsOfExistingPods: true },
      { hardPodAffinityWeight: 0, ignorePreferredTermsOfExistingPods: true },
    ],
  ])('accepts %s', (_name, args, want) => {
    expect(resolveArgs(args)).toEqual(want);
  });

  it.each<[string, unknown, string]>([
    [
      'a weight above 100',
      { hardPodAffinityWeight: 101 },
      'hardPodAffinityWeight: Invalid value: 101: not in valid range [0, 100]',
    ],
    ['a negative weight', { hardPodAffinityWeight: -1 }, 'not in valid range [0, 100]'],
    ['a fractional weight', { hardPodAffinityWeight: 1.5 }, 'not in valid range [0, 100]'],
    [
      'a non-boolean ignorePreferredTermsOfExistingPods',
      { ignorePreferredTermsOfExistingPods: 'yes' },
      'must be a boolean',
    ],
    ['args that are not an object', 7, 'want args to be an object'],
  ])('refuses %s', (_name, args, message) => {
    expect(() => interPodAffinityFactory(args, makeHandle([]))).toThrow(message);
  });
});
