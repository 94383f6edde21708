import type { Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { CycleState } from '../../framework/interface.js';
import { container, fakeHandle, makeNode, makePod, nodeInfo } from '../testing/fixtures.js';
import { ImageLocality, calculatePriority, normalizedImageName } from './plugin.js';

const mb = 1024 * 1024;
const withImages = (...images: string[]): Pod =>
  makePod('p', { containers: images.map((image) => container(undefined, { image })) });

describe('ImageLocality', () => {
  const nodes = [
    nodeInfo(
      makeNode('n1', {
        images: [
          { names: ['gcr.io/40:latest'], sizeBytes: 40 * mb },
          { names: ['gcr.io/250:latest'], sizeBytes: 250 * mb },
        ],
      }),
    ),
    nodeInfo(
      makeNode('n2', {
        images: [
          { names: ['gcr.io/250:latest'], sizeBytes: 250 * mb },
          { names: ['gcr.io/300:latest'], sizeBytes: 300 * mb },
        ],
      }),
    ),
  ];
  const scores = (pod: Pod) => {
    const pl = new ImageLocality(fakeHandle(nodes));
    return nodes.map((n) => pl.score(new CycleState(), pod, n).score);
  };

  it('two images on two nodes: the larger present image wins', () => {
    // n1: 40MB·½ = 20MB < 23MB → 0; n2: (300MB·½ − 23MB)·100 / (2000MB − 23MB) = 6
    expect(scores(withImages('gcr.io/40', 'gcr.io/300'))).toEqual([0, 6]);
  });

  it('an image on every node counts fully, spread 1', () => {
    // (250 − 23)·100 / (1000 − 23) = 23
    expect(scores(withImages('gcr.io/250:latest'))).toEqual([23, 23]);
  });

  it('no image present scores 0', () => {
    expect(scores(withImages('nginx'))).toEqual([0, 0]);
  });

  it('normalizes names and clamps to the thresholds', () => {
    expect(normalizedImageName('nginx')).toBe('nginx:latest');
    expect(normalizedImageName('host:5000/app')).toBe('host:5000/app:latest');
    expect(normalizedImageName('nginx:1.25')).toBe('nginx:1.25');
    expect(calculatePriority(5000 * mb, 1)).toBe(100);
    expect(calculatePriority(0, 1)).toBe(0);
  });
});
