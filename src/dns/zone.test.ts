import type { Answer } from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { RecordsCache } from './records.js';
import { fixtureRecords, web } from './testing/fixtures.js';
import { reverseNameToIP, Zone, type Question } from './zone.js';

const zone = (records = fixtureRecords(), pods: 'insecure' | 'verified' | 'disabled' = 'verified') =>
  new Zone(records, { domain: 'cluster.local', ttl: 5, pods });

const summary = (answers: Answer[]) =>
  answers.map((a) => {
    const data = 'data' in a ? a.data : undefined;
    return `${a.type} ${a.name} ${typeof data === 'object' ? JSON.stringify(data) : String(data)}`;
  });

function ask(q: Question, z = zone()) {
  const r = z.lookup(q);
  if (r.kind !== 'answer') return { kind: r.kind };
  return {
    rcode: r.rcode,
    answers: summary(r.answers),
    authority: r.authorities.map((a) => a.type),
    additionals: summary(r.additionals),
  };
}

describe('Zone.lookup', () => {
  it.each<[string, Question, string, string[]]>([
    [
      'ClusterIP A',
      { name: 'web.default.svc.cluster.local', type: 'A' },
      'NOERROR',
      ['A web.default.svc.cluster.local 10.96.0.20'],
    ],
    [
      'case-insensitive, trailing dot',
      { name: 'WEB.Default.svc.cluster.local.', type: 'A' },
      'NOERROR',
      ['A WEB.Default.svc.cluster.local 10.96.0.20'],
    ],
    [
      'headless A: the ready endpoints',
      { name: 'db.prod.svc.cluster.local', type: 'A' },
      'NOERROR',
      ['A db.prod.svc.cluster.local 10.244.0.5', 'A db.prod.svc.cluster.local 10.244.0.6'],
    ],
    [
      'headless pod hostname',
      { name: 'db-0.db.prod.svc.cluster.local', type: 'A' },
      'NOERROR',
      ['A db-0.db.prod.svc.cluster.local 10.244.0.5'],
    ],
    [
      'headless endpoint without hostname: dashed IP',
      { name: '10-244-0-6.db.prod.svc.cluster.local', type: 'A' },
      'NOERROR',
      ['A 10-244-0-6.db.prod.svc.cluster.local 10.244.0.6'],
    ],
    ['not-ready endpoint hostname', { name: 'db-2.db.prod.svc.cluster.local', type: 'A' }, 'NXDOMAIN', []],
    [
      'ExternalName: CNAME',
      { name: 'ext.default.svc.cluster.local', type: 'A' },
      'NOERROR',
      ['CNAME ext.default.svc.cluster.local example.org'],
    ],
    [
      'pod A (verified)',
      { name: '10-244-0-9.default.pod.cluster.local', type: 'A' },
      'NOERROR',
      ['A 10-244-0-9.default.pod.cluster.local 10.244.0.9'],
    ],
    [
      'pod A of no pod (verified)',
      { name: '10-244-0-10.default.pod.cluster.local', type: 'A' },
      'NXDOMAIN',
      [],
    ],
    ['missing service', { name: 'myservice.default.svc.cluster.local', type: 'A' }, 'NXDOMAIN', []],
    [
      'search-list expansion',
      { name: 'web.default.svc.cluster.local.default.svc.cluster.local', type: 'A' },
      'NXDOMAIN',
      [],
    ],
    [
      'AAAA of an IPv4 service: NODATA',
      { name: 'web.default.svc.cluster.local', type: 'AAAA' },
      'NOERROR',
      [],
    ],
    ['namespace with services: NODATA', { name: 'default.svc.cluster.local', type: 'A' }, 'NOERROR', []],
    ['namespace without services', { name: 'nope.svc.cluster.local', type: 'A' }, 'NXDOMAIN', []],
    [
      'apex SOA',
      { name: 'cluster.local', type: 'SOA' },
      'NOERROR',
      [expect.stringMatching(/^SOA cluster.local .*"mname":"ns.dns.cluster.local"/) as unknown as string],
    ],
    [
      'dns-version TXT',
      { name: 'dns-version.cluster.local', type: 'TXT' },
      'NOERROR',
      ['TXT dns-version.cluster.local 1.1.0'],
    ],
  ])('%s', (_, q, rcode, answers) => {
    const r = ask(q);
    expect(r).toMatchObject({ rcode, answers });
    if (answers.length === 0) expect(r.authority).toEqual(['SOA']);
  });

  it('SRV for a named port of a ClusterIP service, with the A record as additional', () => {
    expect(ask({ name: '_http._tcp.web.default.svc.cluster.local', type: 'SRV' })).toEqual({
      rcode: 'NOERROR',
      answers: [
        'SRV _http._tcp.web.default.svc.cluster.local {"priority":0,"weight":100,"port":80,"target":"web.default.svc.cluster.local"}',
      ],
      authority: [],
      additionals: ['A web.default.svc.cluster.local 10.96.0.20'],
    });
    expect(ask({ name: '_dns._udp.web.default.svc.cluster.local', type: 'SRV' }).answers).toHaveLength(1);
    expect(ask({ name: '_dns._tcp.web.default.svc.cluster.local', type: 'SRV' }).rcode).toBe('NXDOMAIN');
    expect(ask({ name: '_tcp.web.default.svc.cluster.local', type: 'SRV' }).rcode).toBe('NOERROR');
    expect(ask({ name: 'web.default.svc.cluster.local', type: 'SRV' }).answers).toHaveLength(2);
  });

  it('SRV of a headless service: one per ready endpoint, targets under the service', () => {
    const r = ask({ name: '_pg._tcp.db.prod.svc.cluster.local', type: 'SRV' });
    expect(r.answers).toEqual([
      expect.stringContaining('"port":5432,"target":"db-0.db.prod.svc.cluster.local"'),
      expect.stringContaining('"port":5432,"target":"10-244-0-6.db.prod.svc.cluster.local"'),
    ]);
    expect(r.additionals).toEqual([
      'A db-0.db.prod.svc.cluster.local 10.244.0.5',
      'A 10-244-0-6.db.prod.svc.cluster.local 10.244.0.6',
    ]);
  });

  it('pods insecure answers any dashed IP; disabled answers none', () => {
    const q: Question = { name: '1-2-3-4.x.pod.cluster.local', type: 'A' };
    expect(ask(q, zone(undefined, 'insecure')).answers).toEqual(['A 1-2-3-4.x.pod.cluster.local 1.2.3.4']);
    expect(ask(q, zone(undefined, 'disabled')).rcode).toBe('NXDOMAIN');
  });

  it('forwards names outside the zone and reverse names it has no PTR for', () => {
    expect(ask({ name: 'example.org', type: 'A' })).toEqual({ kind: 'forward' });
    expect(ask({ name: 'cluster.localx', type: 'A' })).toEqual({ kind: 'forward' });
    expect(ask({ name: '1.1.1.1.in-addr.arpa', type: 'PTR' })).toEqual({ kind: 'forward' });
  });

  it('PTR for ClusterIPs and headless endpoints', () => {
    expect(ask({ name: '20.0.96.10.in-addr.arpa', type: 'PTR' }).answers).toEqual([
      'PTR 20.0.96.10.in-addr.arpa web.default.svc.cluster.local',
    ]);
    expect(ask({ name: '5.0.244.10.in-addr.arpa', type: 'PTR' }).answers).toEqual([
      'PTR 5.0.244.10.in-addr.arpa db-0.db.prod.svc.cluster.local',
    ]);
  });

  it('follows the cache: a service created later resolves, a deleted one is NXDOMAIN', () => {
    const records = new RecordsCache();
    const z = zone(records);
    const q: Question = { name: 'web.default.svc.cluster.local', type: 'A' };
    expect(ask(q, z).rcode).toBe('NXDOMAIN');
    records.handlers().services.onAdd?.(web);
    expect(ask(q, z).answers).toEqual(['A web.default.svc.cluster.local 10.96.0.20']);
    records.handlers().services.onDelete?.(web);
    expect(ask(q, z).rcode).toBe('NXDOMAIN');
  });

  it('negative answers carry the SOA with the TTL as minimum', () => {
    const r = zone().lookup({ name: 'nope.default.svc.cluster.local', type: 'A' });
    expect(r).toMatchObject({ kind: 'answer', authorities: [{ type: 'SOA', ttl: 5, data: { minimum: 5 } }] });
  });
});

describe('reverseNameToIP', () => {
  it.each([
    ['4.3.2.1.in-addr.arpa', '1.2.3.4'],
    ['3.2.1.in-addr.arpa', undefined],
    [`${'1.0.0.0.'.repeat(7)}1.0.0.0.ip6.arpa`, '1:1:1:1:1:1:1:1'],
  ])('%s → %s', (name, ip) => expect(reverseNameToIP(name)).toBe(ip));
});
