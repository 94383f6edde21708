import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { teardownBridge } from './bridge.js';
import { CONFLIST_FILE, parseIPv4Cidr, renderConflist, writeCniConfig } from './cni-config.js';

describe('renderConflist', () => {
  it('is bridge + host-local on the node subnet + portmap', () => {
    expect(renderConflist({ subnet: '10.244.1.0/24', ipamDataDir: '/data/cni/ipam' })).toEqual({
      cniVersion: '1.0.0',
      name: 'cairn',
      plugins: [
        {
          type: 'bridge',
          bridge: 'cairn0',
          isGateway: true,
          ipMasq: true,
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            ranges: [[{ subnet: '10.244.1.0/24' }]],
            routes: [{ dst: '0.0.0.0/0' }],
            dataDir: '/data/cni/ipam',
          },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    });
  });

  it('takes its own bridge name and normalises the subnet', () => {
    const conf = renderConflist({
      subnet: '10.245.7.9/24',
      ipamDataDir: '/x',
      bridge: 'cairn-e2e-1',
      mtu: 1400,
    });
    expect(JSON.stringify(conf)).toContain('"bridge":"cairn-e2e-1"');
    expect(JSON.stringify(conf)).toContain('"subnet":"10.245.7.0/24"');
    expect(JSON.stringify(conf)).toContain('"mtu":1400');
  });

  it.each(['10.244.0.0', '10.244.0.0/33', '10.300.0.0/16', 'fd00::/64', '10.0.0.0/31'])(
    'refuses subnet %s',
    (s) => {
      expect(() => parseIPv4Cidr(s)).toThrow(expect.objectContaining({ code: 'InvalidNetworkConfig' }));
    },
  );

  it('refuses bridge names the kernel refuses', () => {
    expect(() =>
      renderConflist({ subnet: '10.0.0.0/24', ipamDataDir: '/x', bridge: 'a-name-too-long-0' }),
    ).toThrow(/not a valid interface name/);
  });
});

describe('writeCniConfig', () => {
  it('writes one conflist and the IPAM dir', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cairn-cni-'));
    try {
      const file = await writeCniConfig(join(dir, 'net.d'), {
        subnet: '10.1.2.0/24',
        ipamDataDir: join(dir, 'ipam'),
      });
      expect(file).toBe(join(dir, 'net.d', CONFLIST_FILE));
      expect(await readdir(join(dir, 'net.d'))).toEqual([CONFLIST_FILE]);
      expect(JSON.parse(await readFile(file, 'utf8')).name).toBe('cairn');
      expect(await readdir(dir)).toContain('ipam');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('teardownBridge', () => {
  it('deletes the bridge when it exists, and only then', async () => {
    const calls: string[][] = [];
    const exec = async (file: string, args: string[]) => {
      calls.push([file, ...args]);
      return { stdout: '', stderr: '' };
    };
    expect(await teardownBridge({ bridge: 'cairn9', exec, linkExists: () => false, ipBinary: 'ip' })).toBe(
      false,
    );
    expect(await teardownBridge({ bridge: 'cairn9', exec, linkExists: () => true, ipBinary: 'ip' })).toBe(
      true,
    );
    expect(calls).toEqual([['ip', 'link', 'delete', 'cairn9', 'type', 'bridge']]);
  });
});
