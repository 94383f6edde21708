import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { describe, expect, it } from 'vitest';
import { computeServicePlan, type ServicePortPlan } from './plan.js';

const svc = (name: string, spec: Service['spec'], namespace = 'default'): Service => ({
  metadata: { name, namespace },
  spec,
});
const slice = (
  service: string,
  endpoints: EndpointSlice['endpoints'],
  ports: EndpointSlice['ports'],
  extra: Partial<EndpointSlice> = {},
): EndpointSlice => ({
  addressType: 'IPv4',
  metadata: { name: `${service}-x`, namespace: 'default', labels: { 'kubernetes.io/service-name': service } },
  endpoints,
  ports,
  ...extra,
});
const web = svc('web', { clusterIP: '10.96.0.5', ports: [{ port: 80, targetPort: 8080 }] });

const cases: Array<{ name: string; services: Service[]; slices: EndpointSlice[]; want: ServicePortPlan[] }> =
  [
    {
      name: 'ready endpoints, sorted by address; not-ready ones left out; nil ready counts as ready',
      services: [web],
      slices: [
        slice(
          'web',
          [
            { addresses: ['10.244.0.10'], conditions: { ready: true } },
            { addresses: ['10.244.0.9'] },
            { addresses: ['10.244.0.11'], conditions: { ready: false } },
          ],
          [{ name: '', port: 8080, protocol: 'TCP' }],
        ),
      ],
      want: [
        {
          name: 'default/web:',
          clusterIP: '10.96.0.5',
          port: 80,
          protocol: 'TCP',
          endpoints: [
            { ip: '10.244.0.9', port: 8080 },
            { ip: '10.244.0.10', port: 8080 },
          ],
        },
      ],
    },
    {
      name: 'a service without slices has no endpoints (rendered as a reject)',
      services: [web],
      slices: [],
      want: [{ name: 'default/web:', clusterIP: '10.96.0.5', port: 80, protocol: 'TCP', endpoints: [] }],
    },
    {
      name: 'named ports match slice ports by name and protocol; endpoints merge across slices',
      services: [
        svc('dns', {
          clusterIP: '10.96.0.10',
          ports: [
            { name: 'dns', port: 53, protocol: 'UDP' },
            { name: 'dns-tcp', port: 53, protocol: 'TCP' },
          ],
        }),
      ],
      slices: [
        slice(
          'dns',
          [{ addresses: ['10.244.0.3'] }],
          [
            { name: 'dns', port: 5353, protocol: 'UDP' },
            { name: 'dns-tcp', port: 5354, protocol: 'TCP' },
          ],
        ),
        slice(
          'dns',
          [{ addresses: ['10.244.0.3', '10.244.0.4'] }],
          [{ name: 'dns', port: 5353, protocol: 'UDP' }],
        ),
      ],
      want: [
        {
          name: 'default/dns:dns',
          clusterIP: '10.96.0.10',
          port: 53,
          protocol: 'UDP',
          endpoints: [
            { ip: '10.244.0.3', port: 5353 },
            { ip: '10.244.0.4', port: 5353 },
          ],
        },
        {
          name: 'default/dns:dns-tcp',
          clusterIP: '10.96.0.10',
          port: 53,
          protocol: 'TCP',
          endpoints: [{ ip: '10.244.0.3', port: 5354 }],
        },
      ],
    },
    {
      name: 'headless, ExternalName, unallocated services and other namespaces’ or IPv6 slices are ignored',
      services: [
        svc('headless', { clusterIP: 'None', ports: [{ port: 80 }] }),
        svc('ext', { type: 'ExternalName', externalName: 'example.com' }),
        svc('pending', { ports: [{ port: 80 }] }),
        svc('web', { clusterIP: '10.96.0.5', ports: [{ port: 80 }] }, 'other'),
      ],
      slices: [
        slice('web', [{ addresses: ['10.244.0.9'] }], [{ port: 80 }]),
        slice('web', [{ addresses: ['fd00::1'] }], [{ port: 80 }], { addressType: 'IPv6' }),
      ],
      want: [{ name: 'other/web:', clusterIP: '10.96.0.5', port: 80, protocol: 'TCP', endpoints: [] }],
    },
  ];

describe('computeServicePlan', () => {
  it.each(cases)('$name', ({ services, slices, want }) => {
    expect(computeServicePlan(services, slices)).toEqual(want);
  });
});
