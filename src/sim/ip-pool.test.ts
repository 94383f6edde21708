import { describe, expect, it } from 'vitest';
import { IPPool } from './ip-pool.js';
import { simNodeSpec, subnetCount } from './node-object.js';

describe('IPPool', () => {
  it('hands out .2–.254 round-robin, skipping reserved ones, and runs out', () => {
    const pool = new IPPool('10.64.3.0/24');
    expect(pool.allocate()).toBe('10.64.3.2');
    expect(pool.reserve('10.64.3.3')).toBe(true);
    expect(pool.reserve('10.99.0.3')).toBe(false);
    expect(pool.allocate()).toBe('10.64.3.4');
    pool.release('10.64.3.2');
    // round-robin: the released address comes back only after the rest
    expect(pool.allocate()).toBe('10.64.3.5');
    while (pool.inUse < 253) expect(pool.allocate()).toBeDefined();
    expect(pool.allocate()).toBeUndefined();
  });
});

describe('simNodeSpec', () => {
  it('gives each node its own /24, InternalIP and zone', () => {
    expect(simNodeSpec(0, { namePrefix: 'sim-', zones: 3 })).toEqual({
      index: 0,
      name: 'sim-0',
      podCIDR: '10.64.0.0/24',
      internalIP: '172.16.0.1',
      zone: 'zone-0',
    });
    const n = simNodeSpec(4999, { namePrefix: 'sim-', zones: 3 });
    expect(n).toMatchObject({ podCIDR: '10.83.135.0/24', internalIP: '172.16.19.136', zone: 'zone-1' });
    expect(simNodeSpec(1, { namePrefix: 'x' }).zone).toBeUndefined();
    expect(subnetCount('10.64.0.0/10')).toBe(16384);
    expect(() => simNodeSpec(256, { namePrefix: 'x', clusterCIDR: '10.1.0.0/16' })).toThrow(/no \/24/);
  });
});
