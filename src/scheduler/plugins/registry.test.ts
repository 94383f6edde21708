import { describe, expect, it } from 'vitest';
import { isBind, isFilter, isPostFilter, isPreFilter, isScore } from '../framework/interface.js';
import { isQueueSort } from '../framework/extensions.js';
import { inTreeRegistry } from './registry.js';
import { fakeHandle } from './testing/fixtures.js';

describe('inTreeRegistry', () => {
  it('lists the upstream plugins, each building a plugin of that name with default args', () => {
    expect(Object.keys(inTreeRegistry).sort()).toEqual(
      [
        'DefaultBinder',
        'DefaultPreemption',
        'ImageLocality',
        'InterPodAffinity',
        'NodeAffinity',
        'NodeName',
        'NodePorts',
        'NodeResourcesBalancedAllocation',
        'NodeResourcesFit',
        'NodeUnschedulable',
        'PodTopologySpread',
        'PrioritySort',
        'TaintToleration',
      ].sort(),
    );
    for (const [name, factory] of Object.entries(inTreeRegistry)) {
      expect(factory(undefined, fakeHandle()).name).toBe(name);
    }
  });

  it('plugins implement their upstream extension points', () => {
    const build = (name: string) => {
      const factory = inTreeRegistry[name];
      if (!factory) throw new Error(name);
      return factory(undefined, fakeHandle());
    };
    expect(isQueueSort(build('PrioritySort'))).toBe(true);
    expect(isBind(build('DefaultBinder'))).toBe(true);
    expect(isPostFilter(build('DefaultPreemption'))).toBe(true);
    for (const name of ['NodeName', 'NodePorts', 'NodeAffinity', 'NodeResourcesFit']) {
      expect(isPreFilter(build(name)) && isFilter(build(name))).toBe(true);
    }
    for (const name of [
      'NodeAffinity',
      'TaintToleration',
      'NodeResourcesFit',
      'NodeResourcesBalancedAllocation',
      'ImageLocality',
    ]) {
      expect(isScore(build(name))).toBe(true);
    }
    expect(isFilter(build('NodeUnschedulable'))).toBe(true);
  });
});
