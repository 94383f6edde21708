import type { ContainerPort } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { CycleState } from '../../framework/interface.js';
import { container, makeNode, makePod, nodeInfo } from '../testing/fixtures.js';
import { NodePorts, errReason } from './plugin.js';

const withPorts = (name: string, ports: ContainerPort[]) =>
  makePod(name, { containers: [container(undefined, { ports })] });
const port = (hostPort: number, hostIP?: string, protocol?: string): ContainerPort => ({
  containerPort: 80,
  hostPort,
  ...(hostIP ? { hostIP } : {}),
  ...(protocol ? { protocol } : {}),
});

describe('NodePorts', () => {
  const cases: { name: string; want: ContainerPort[]; used: ContainerPort[]; fits: boolean }[] = [
    { name: 'nothing used', want: [port(8080)], used: [], fits: true },
    { name: 'other port', want: [port(8080)], used: [port(9090)], fits: true },
    { name: 'same port', want: [port(8080)], used: [port(8080)], fits: false },
    {
      name: 'same port, other protocol',
      want: [port(8080, undefined, 'UDP')],
      used: [port(8080)],
      fits: true,
    },
    {
      name: 'same port, different IPs',
      want: [port(8080, '127.0.0.1')],
      used: [port(8080, '127.0.0.2')],
      fits: true,
    },
    {
      name: 'same port and IP',
      want: [port(8080, '127.0.0.1')],
      used: [port(8080, '127.0.0.1')],
      fits: false,
    },
    {
      name: 'wanted 0.0.0.0 conflicts with any IP',
      want: [port(8080, '0.0.0.0')],
      used: [port(8080, '127.0.0.1')],
      fits: false,
    },
    {
      name: 'used 0.0.0.0 conflicts with a specific IP',
      want: [port(8080, '127.0.0.1')],
      used: [port(8080)],
      fits: false,
    },
    { name: 'empty hostIP is 0.0.0.0', want: [port(8080)], used: [port(8080, '10.0.0.1')], fits: false },
  ];
  it.each(cases)('$name', ({ want, used, fits }) => {
    const pl = new NodePorts();
    const pod = withPorts('p', want);
    const state = new CycleState();
    expect(pl.preFilter(state, pod).status.code).toBe('Success');
    const s = pl.filter(state, pod, nodeInfo(makeNode('n1'), [withPorts('existing', used)]));
    expect(s).toEqual(
      fits ? { code: 'Success', reasons: [] } : { code: 'Unschedulable', reasons: [errReason] },
    );
  });

  it('PreFilter skips pods without host ports', () => {
    expect(
      new NodePorts().preFilter(new CycleState(), withPorts('p', [{ containerPort: 80 }])).status.code,
    ).toBe('Skip');
  });
});
