import type { Node } from 'kubernetes-types/core/v1.js';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { withTestServer } from '../../client/testing/test-server-client.js';
import { desiredRoutes, onHostLink, parseRoutes, planRoutes, startPodRoutes } from './routes.js';

const node = (name: string, podCIDR?: string, ip?: string): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name },
  ...(podCIDR ? { spec: { podCIDR, podCIDRs: [podCIDR] } } : {}),
  ...(ip ? { status: { addresses: [{ type: 'InternalIP', address: ip }] } } : {}),
});

describe('pod routes', () => {
  it('route every other node’s pod subnet through its InternalIP', () => {
    const nodes = [
      node('self', '10.244.0.0/24', '192.168.5.1'),
      node('b', '10.244.1.0/24', '192.168.5.2'),
      node('no-cidr', undefined, '192.168.5.3'),
      node('no-ip', '10.244.3.0/24'),
    ];
    expect(desiredRoutes(nodes, 'self')).toEqual([{ dst: '10.244.1.0/24', via: '192.168.5.2' }]);
    expect(desiredRoutes(nodes, 'self', (ip) => ip !== '192.168.5.2')).toEqual([]);
  });

  it('know which addresses share a subnet with the host', () => {
    const ifaces = {
      lo: [
        {
          address: '127.0.0.1',
          netmask: '255.0.0.0',
          family: 'IPv4',
          mac: '',
          internal: true,
          cidr: '127.0.0.1/8',
        },
      ],
      eth0: [
        {
          address: '10.253.7.2',
          netmask: '255.255.255.0',
          family: 'IPv4',
          mac: '',
          internal: false,
          cidr: '10.253.7.2/24',
        },
      ],
    } as const;
    const on = (ip: string) => onHostLink(ip, ifaces as unknown as Parameters<typeof onHostLink>[1]);
    expect(on('10.253.7.3')).toBe(true);
    expect(on('10.253.8.3')).toBe(false);
    expect(on('127.0.0.5')).toBe(false);
  });

  it('replace what is missing or moved, delete what no node wants', () => {
    const plan = planRoutes(
      [
        { dst: '10.244.1.0/24', via: '192.168.5.2' },
        { dst: '10.244.2.0/24', via: '192.168.5.9' },
        { dst: '10.244.4.0/24', via: '192.168.5.4' },
      ],
      [
        { dst: '10.244.1.0/24', via: '192.168.5.2' },
        { dst: '10.244.2.0/24', via: '192.168.5.3' },
        { dst: '10.244.3.0/24', via: '192.168.5.3' },
      ],
    );
    expect(plan.replace).toEqual([
      { dst: '10.244.2.0/24', via: '192.168.5.9' },
      { dst: '10.244.4.0/24', via: '192.168.5.4' },
    ]);
    expect(plan.remove).toEqual([{ dst: '10.244.3.0/24', via: '192.168.5.3' }]);
  });

  it('read `ip -j route` output', () => {
    const json = JSON.stringify([
      { dst: '10.244.1.0/24', gateway: '192.168.5.2', dev: 'eth0', protocol: '98', flags: [] },
      { dst: '10.9.9.9', gateway: '192.168.5.7', dev: 'eth0', flags: [] },
      { dst: '10.244.9.0/24', dev: 'cairn0', flags: [] },
    ]);
    expect(parseRoutes(json)).toEqual([
      { dst: '10.244.1.0/24', via: '192.168.5.2' },
      { dst: '10.9.9.9/32', via: '192.168.5.7' },
    ]);
    expect(parseRoutes('')).toEqual([]);
  });
});

describe('startPodRoutes', () => {
  const cluster = withTestServer();

  it('follows the Nodes with `ip route` commands, and cleans up only its own routes', async () => {
    const table = new Map<string, string>([['10.244.7.0/24', '192.168.5.7']]); // stale, ours
    const commands: string[] = [];
    const exec = async (_file: string, args: string[]) => {
      commands.push(args.join(' '));
      if (args[0] === '-j') {
        return { stdout: JSON.stringify([...table].map(([dst, gateway]) => ({ dst, gateway }))), stderr: '' };
      }
      const [, verb, dst = '', , via = ''] = args;
      if (verb === 'replace' && !via.startsWith('192.168.5.'))
        throw new Error('Nexthop has invalid gateway.');
      if (verb === 'replace') table.set(dst, via);
      if (verb === 'del') table.delete(dst);
      return { stdout: '', stderr: '' };
    };
    await cluster.client.nodes.create(node('self', '10.244.0.0/24'));
    const far = await cluster.client.nodes.create(node('far', '10.244.2.0/24'));
    await cluster.client.nodes.updateStatus({
      ...far,
      status: { addresses: [{ type: 'InternalIP', address: '172.31.0.9' }] },
    });
    const b = await cluster.client.nodes.create(node('b', '10.244.1.0/24'));
    await cluster.client.nodes.updateStatus({
      ...b,
      status: { addresses: [{ type: 'InternalIP', address: '192.168.5.2' }] },
    });
    const abort = new AbortController();
    const routes = await startPodRoutes({
      client: cluster.client,
      nodeName: 'self',
      logger: pino({ level: 'silent' }),
      signal: abort.signal,
      exec,
      onLink: () => true,
    });
    expect([...table]).toEqual([['10.244.1.0/24', '192.168.5.2']]);
    expect(commands).toContain('route replace 10.244.1.0/24 via 192.168.5.2 proto 98');
    expect(commands).toContain('route del 10.244.7.0/24 proto 98');
    expect(commands).toContain('route replace 10.244.2.0/24 via 172.31.0.9 proto 98'); // tried, skipped

    await cluster.client.nodes.delete('b');
    for (let i = 0; i < 100 && table.size > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(table.size).toBe(0);

    table.set('10.244.8.0/24', '192.168.5.8');
    await routes.cleanup();
    expect(table.size).toBe(0);
    abort.abort();
  });
});
