import { describe, expect, it } from 'vitest';
import { bridgeGatewayIP, ensureBridgeGateway } from './listen-address.js';

describe('bridgeGatewayIP', () => {
  it.each([
    ['10.244.0.0/24', '10.244.0.1', 24],
    ['10.246.130.0/24', '10.246.130.1', 24],
    ['10.42.0.77/16', '10.42.0.1', 16],
  ])('%s → %s', (cidr, ip, prefix) => expect(bridgeGatewayIP(cidr)).toEqual({ ip, prefix }));
});

describe('ensureBridgeGateway', () => {
  it('creates the bridge with the gateway address the way the CNI bridge plugin would', async () => {
    const calls: string[] = [];
    const ip = await ensureBridgeGateway({
      bridge: 'cairn9',
      podCIDR: '10.244.3.0/24',
      hasAddress: () => false,
      ipBinary: 'ip',
      exec: async (file, args) => {
        calls.push([file, ...args].join(' '));
        if (args[0] === 'link' && args[1] === 'add')
          throw Object.assign(new Error('x'), { stderr: 'RTNETLINK answers: File exists' });
        return { stdout: '', stderr: '' };
      },
    });
    expect(ip).toBe('10.244.3.1');
    expect(calls).toEqual([
      'ip link add name cairn9 type bridge',
      'ip addr add 10.244.3.1/24 dev cairn9',
      'ip link set cairn9 up',
    ]);
  });

  it('does nothing when the address is already there', async () => {
    const ip = await ensureBridgeGateway({
      bridge: 'cairn9',
      podCIDR: '10.244.3.0/24',
      hasAddress: (a) => a === '10.244.3.1',
      exec: () => Promise.reject(new Error('must not run')),
    });
    expect(ip).toBe('10.244.3.1');
  });
});
