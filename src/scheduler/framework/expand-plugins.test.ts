import { describe, expect, it } from 'vitest';
import type { Plugins } from '../apis/config/types.js';
import { pluginsForPoint, scoreWeights } from './expand-plugins.js';
import type { Plugin } from './interface.js';

const plugin = (name: string, points: string[]): Plugin =>
  Object.assign({ name }, ...points.map((p) => ({ [p]: () => 0 })));
const instances = new Map<string, Plugin>([
  ['A', plugin('A', ['filter', 'score'])],
  ['B', plugin('B', ['filter'])],
  ['C', plugin('C', ['score'])],
  ['D', plugin('D', ['filter', 'score'])],
]);
const isFilter = (p: Plugin) => 'filter' in p;
const isScore = (p: Plugin) => 'score' in p;
const n = (...names: string[]) => names.map((name) => ({ name }));

describe('multiPoint expansion', () => {
  const multi: Plugins = { multiPoint: { enabled: n('A', 'B', 'C') } };

  it('expands multiPoint plugins to every point they implement', () => {
    expect(pluginsForPoint(multi, 'filter', instances, isFilter)).toEqual(['A', 'B']);
    expect(pluginsForPoint(multi, 'score', instances, isScore)).toEqual(['A', 'C']);
  });

  it('puts point overrides first, then multiPoint, then other point plugins', () => {
    const p: Plugins = { ...multi, filter: { enabled: n('D', 'B') } };
    expect(pluginsForPoint(p, 'filter', instances, isFilter)).toEqual(['B', 'A', 'D']);
  });

  it("drops multiPoint plugins disabled at a point, or all of them with '*'", () => {
    expect(
      pluginsForPoint({ ...multi, filter: { disabled: n('A') } }, 'filter', instances, isFilter),
    ).toEqual(['B']);
    const onlyD: Plugins = { ...multi, score: { enabled: n('D'), disabled: n('*') } };
    expect(pluginsForPoint(onlyD, 'score', instances, isScore)).toEqual(['D']);
  });

  it('refuses a plugin enabled twice at a point, or at a point it does not implement', () => {
    expect(() =>
      pluginsForPoint({ multiPoint: { enabled: n('A', 'A') } }, 'filter', instances, isFilter),
    ).toThrow('plugin "A" already registered as "filter"');
    expect(() => pluginsForPoint({ filter: { enabled: n('C') } }, 'filter', instances, isFilter)).toThrow(
      'plugin "C" does not extend filter plugin',
    );
  });

  it("takes the score point's weight over multiPoint's; 0 or unset is 1", () => {
    const p: Plugins = {
      multiPoint: {
        enabled: [
          { name: 'A', weight: 3 },
          { name: 'C', weight: 0 },
          { name: 'D', weight: 2 },
        ],
      },
      score: { enabled: [{ name: 'D', weight: 5 }] },
    };
    expect(Object.fromEntries(scoreWeights(p, ['A', 'C', 'D']))).toEqual({ A: 3, C: 1, D: 5 });
  });
});
