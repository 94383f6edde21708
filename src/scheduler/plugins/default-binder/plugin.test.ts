import type { Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { CycleState, type Handle } from '../../framework/interface.js';
import { fakeHandle, makePod } from '../testing/fixtures.js';
import { defaultBinderFactory } from './plugin.js';
import type { BindPlugin } from '../../framework/interface.js';

describe('DefaultBinder', () => {
  it('binds through the handle', async () => {
    const bound: string[] = [];
    const handle = {
      ...fakeHandle(),
      bind: async (pod: Pod, nodeName: string) => void bound.push(`${pod.metadata?.name}->${nodeName}`),
    };
    const pl = defaultBinderFactory(undefined, handle) as BindPlugin;
    expect(await pl.bind(new CycleState(), makePod('p'), 'n1')).toEqual({ code: 'Success', reasons: [] });
    expect(bound).toEqual(['p->n1']);
  });

  it('returns an Error status when binding fails', async () => {
    const handle = {
      ...fakeHandle(),
      bind: () => Promise.reject(new Error('pods "p" is already assigned to node "n2"')),
    };
    const pl = defaultBinderFactory(undefined, handle) as BindPlugin;
    expect(await pl.bind(new CycleState(), makePod('p'), 'n1')).toEqual({
      code: 'Error',
      reasons: ['pods "p" is already assigned to node "n2"'],
    });
  });

  it('errors when the handle cannot bind', async () => {
    const pl = defaultBinderFactory(undefined, fakeHandle() as Handle) as BindPlugin;
    expect((await pl.bind(new CycleState(), makePod('p'), 'n1')).code).toBe('Error');
  });
});
