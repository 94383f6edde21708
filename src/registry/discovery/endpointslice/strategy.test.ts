import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { describe, expect, it } from 'vitest';
import { StatusError } from '../../../apimachinery/errors.js';
import { Api } from '../../../apiserver/api.js';
import { validateEndpointSlice } from '../../../apis/discovery/validation/endpointslice.js';
import { endpointSliceTable } from '../../../printers/discovery.js';
import { MemoryStore } from '../../../storage/memory/memory-store.js';
import { builtinResources } from '../../all.js';

const slice = (extra: Partial<EndpointSlice> = {}): EndpointSlice => ({
  metadata: { name: 'web-abcde', namespace: 'default' },
  addressType: 'IPv4',
  endpoints: [{ addresses: ['10.42.0.2'], conditions: { ready: true } }],
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  ...extra,
});

const fields = (s: EndpointSlice) => validateEndpointSlice(s).map((e) => `${e.field}: ${e.type}`);

describe('EndpointSlice validation', () => {
  it('accepts a valid slice', () => {
    expect(validateEndpointSlice(slice())).toEqual([]);
  });

  it('checks addressType, addresses for the type, and ports', () => {
    expect(fields(slice({ addressType: '' }))).toEqual(['addressType: FieldValueRequired']);
    expect(fields(slice({ addressType: 'IP' }))).toEqual(['addressType: FieldValueNotSupported']);
    expect(fields(slice({ endpoints: [{ addresses: [] }] }))).toEqual([
      'endpoints[0].addresses: FieldValueRequired',
    ]);
    expect(fields(slice({ endpoints: [{ addresses: ['fd00::1'] }] }))).toEqual([
      'endpoints[0].addresses[0]: FieldValueInvalid',
    ]);
    expect(fields(slice({ endpoints: [{ addresses: ['127.0.0.1'] }] }))).toEqual([
      'endpoints[0].addresses[0]: FieldValueInvalid',
    ]);
    expect(fields(slice({ addressType: 'FQDN', endpoints: [{ addresses: ['db.example.com'] }] }))).toEqual(
      [],
    );
    expect(fields(slice({ addressType: 'FQDN', endpoints: [{ addresses: ['localhost'] }] }))).toEqual([
      'endpoints[0].addresses[0]: FieldValueInvalid',
    ]);
    expect(
      fields(
        slice({
          ports: [
            { name: 'a', port: 1, protocol: 'TCP' },
            { name: 'a', port: 2, protocol: 'ICMP' },
          ],
        }),
      ),
    ).toEqual(['ports[1].name: FieldValueDuplicate', 'ports[1].protocol: FieldValueNotSupported']);
    expect(fields(slice({ endpoints: [{ addresses: ['10.42.0.2'], hostname: 'Not_A_Label' }] }))).toEqual([
      'endpoints[0].hostname: FieldValueInvalid',
    ]);
  });
});

describe('EndpointSlice registry', () => {
  it('defaults ports, numbers generations and keeps addressType immutable', async () => {
    const api = new Api({ store: new MemoryStore(), resources: builtinResources });
    await api.registry('', 'v1', 'namespaces').create('', { metadata: { name: 'default' } });
    const registry = api.registry('discovery.k8s.io', 'v1', 'endpointslices');
    const created = (await registry.create('default', slice({ ports: [{ port: 80 }] }))) as EndpointSlice;
    expect(created.ports).toEqual([{ name: '', port: 80, protocol: 'TCP' }]);
    expect(created.metadata?.generation).toBe(1);
    const updated = (await registry.guaranteedUpdate('default', 'web-abcde', (o) => {
      (o as EndpointSlice).endpoints = [];
      return o;
    })) as EndpointSlice;
    expect(updated.metadata?.generation).toBe(2);
    let err: unknown;
    try {
      await registry.guaranteedUpdate('default', 'web-abcde', (o) => ({ ...o, addressType: 'IPv6' }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).message).toContain('addressType: Invalid value: "IPv6": field is immutable');
  });
});

describe('EndpointSlice table', () => {
  it('prints NAME ADDRESSTYPE PORTS ENDPOINTS AGE like upstream', () => {
    const now = new Date('2025-01-03T00:00:00Z');
    const s = slice({
      metadata: { name: 'web-abcde', creationTimestamp: '2025-01-01T00:00:00Z' },
      endpoints: ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5'].map((ip) => ({
        addresses: [ip],
      })),
    });
    expect(endpointSliceTable.columns.map((c) => c.name)).toEqual([
      'Name',
      'AddressType',
      'Ports',
      'Endpoints',
      'Age',
    ]);
    expect(endpointSliceTable.cells(s, now)).toEqual([
      'web-abcde',
      'IPv4',
      '8080',
      '10.0.0.1,10.0.0.2,10.0.0.3 + 2 more...',
      '2d',
    ]);
    expect(endpointSliceTable.cells(slice({ endpoints: [], ports: [] }), now).slice(2, 4)).toEqual([
      '<unset>',
      '<unset>',
    ]);
  });
});
