import { describe, expect, it } from 'vitest';
import { CidrSet } from './cidr-set.js';

describe('CidrSet', () => {
  it('hands out /24s of a /16 in order, skipping taken ones', () => {
    const set = new CidrSet('10.244.0.0/16', 24);
    expect(set.occupy('10.244.1.0/24')).toBe(true);
    expect(set.allocateNext()).toBe('10.244.0.0/24');
    expect(set.allocateNext()).toBe('10.244.2.0/24');
  });

  it('does not reuse a released subnet before going round', () => {
    const set = new CidrSet('10.0.0.0/30', 30);
    expect(set.allocateNext()).toBe('10.0.0.0/30');
    set.release('10.0.0.0/30');
    expect(set.allocateNext()).toBe('10.0.0.0/30');
    const small = new CidrSet('10.1.0.0/23', 24);
    expect(small.allocateNext()).toBe('10.1.0.0/24');
    small.release('10.1.0.0/24');
    expect(small.allocateNext()).toBe('10.1.1.0/24');
    expect(small.allocateNext()).toBe('10.1.0.0/24');
    expect(small.allocateNext()).toBeUndefined();
  });

  it('refuses subnets that are not its own', () => {
    const set = new CidrSet('10.244.0.0/16', 24);
    expect(set.occupy('10.245.0.0/24')).toBe(false);
    expect(set.occupy('10.244.0.0/25')).toBe(false);
    expect(set.occupy('10.244.0.128/24')).toBe(false);
  });

  it('normalises the cluster CIDR and checks the mask size', () => {
    expect(new CidrSet('10.244.7.9/16', 24).clusterCIDR).toBe('10.244.0.0/16');
    expect(() => new CidrSet('10.244.0.0/16', 12)).toThrow(/mask size 12/);
    expect(() => new CidrSet('fd00::/64', 80)).toThrow(/IPv4/);
  });
});
