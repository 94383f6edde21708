/**
 * The DNS server in process: dns-packet-encoded queries over UDP and TCP against fake cluster data
 * (through real informers over a fake list+watch source), and forwarding to a fake upstream.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import * as dnsPacket from 'dns-packet';
import type { Answer } from 'dns-packet';
import type { Service } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newLogger } from '../util/log.js';
import { startClusterDNS, type ClusterDNS } from './cluster-dns.js';
import { createHandler } from './handler.js';
import { RecordsCache } from './records.js';
import { listenDNS, type DNSServer } from './server.js';
import { FakeSource, query, tcpAsk, udpAsk } from './testing/client.js';
import { db, dbSlice, pod, web } from './testing/fixtures.js';
import { Zone } from './zone.js';

const logger = newLogger('silent');
const dataOf = (a: Answer | undefined) => (a && 'data' in a ? a.data : undefined);
const upstreamAnswers: string[] = [];
let upstream: UdpSocket;
let upstreamPort = 0;
let source: FakeSource;
let dns: ClusterDNS;
const abort = new AbortController();

beforeAll(async () => {
  // a fake upstream: answers every A question with 192.0.2.1 (and remembers the names)
  upstream = createSocket('udp4');
  upstream.on('message', (msg, rinfo) => {
    const q = dnsPacket.decode(msg);
    const name = q.questions?.[0]?.name ?? '';
    upstreamAnswers.push(name);
    if (name === 'silent.example') return;
    const answer = dnsPacket.encode({
      type: 'response',
      id: q.id ?? 0,
      flags: dnsPacket.RECURSION_AVAILABLE,
      questions: q.questions ?? [],
      answers: [{ type: 'A', name, ttl: 60, data: '192.0.2.1' }],
    });
    upstream.send(answer, rinfo.port, rinfo.address);
  });
  upstream.bind(0, '127.0.0.1');
  await once(upstream, 'listening');
  upstreamPort = upstream.address().port;

  source = new FakeSource({ services: [web, db], endpointslices: [dbSlice], pods: [pod] });
  dns = await startClusterDNS({
    client: source,
    address: '127.0.0.1',
    port: 0,
    upstreams: [{ address: '127.0.0.1', port: upstreamPort }],
    forwardTimeoutMs: 300,
    logger,
    signal: abort.signal,
  });
});

afterAll(async () => {
  await dns.stop();
  abort.abort();
  upstream.close();
});

describe('cluster DNS over UDP and TCP', () => {
  it('answers a Service A record authoritatively with TTL 5', async () => {
    const r = await udpAsk(dns.port, query('web.default.svc.cluster.local', 'A'));
    expect(r).toMatchObject({ rcode: 'NOERROR', flag_aa: true, flag_qr: true, flag_rd: true, flag_ra: true });
    expect(r.answers).toEqual([
      expect.objectContaining({
        type: 'A',
        name: 'web.default.svc.cluster.local',
        ttl: 5,
        data: '10.96.0.20',
      }),
    ]);
  });

  it('answers SRV and headless records; several queries pipelined over one TCP connection', async () => {
    const [srv, headless] = await tcpAsk(dns.port, [
      query('_http._tcp.web.default.svc.cluster.local', 'SRV'),
      query('db-0.db.prod.svc.cluster.local', 'A'),
    ]);
    expect(srv?.answers?.[0]).toMatchObject({
      type: 'SRV',
      data: { port: 80, target: 'web.default.svc.cluster.local' },
    });
    expect(srv?.additionals?.[0]).toMatchObject({ type: 'A', data: '10.96.0.20' });
    expect(headless?.answers?.map(dataOf)).toEqual(['10.244.0.5']);
  });

  it('NXDOMAIN with the SOA for a missing Service, which resolves once it is created', async () => {
    const name = 'myservice.default.svc.cluster.local';
    const missing = await udpAsk(dns.port, query(name, 'A'));
    expect(missing).toMatchObject({ rcode: 'NXDOMAIN', flag_aa: true, answers: [] });
    expect(missing.authorities?.[0]).toMatchObject({ type: 'SOA', name: 'cluster.local' });

    const svc: Service = {
      metadata: { name: 'myservice', namespace: 'default', resourceVersion: '2' },
      spec: { clusterIP: '10.96.0.99', ports: [{ port: 80 }] },
    };
    source.emit('services', { type: 'ADDED', object: svc });
    await expect
      .poll(async () => dataOf((await udpAsk(dns.port, query(name, 'A'))).answers?.[0]))
      .toBe('10.96.0.99');
    source.emit('services', { type: 'DELETED', object: svc });
    await expect.poll(async () => (await udpAsk(dns.port, query(name, 'A'))).rcode).toBe('NXDOMAIN');
  });

  it('forwards other names to the upstream and relays its answer', async () => {
    const r = await udpAsk(dns.port, query('example.org', 'A'));
    expect(r.rcode).toBe('NOERROR');
    expect(r.answers?.[0]).toMatchObject({ name: 'example.org', data: '192.0.2.1' });
    expect(upstreamAnswers).toContain('example.org');
    const [tcp] = await tcpAsk(dns.port, [query('tcp.example.org', 'A')]);
    expect(tcp?.answers?.[0]).toMatchObject({ data: '192.0.2.1' });
  });

  it('SERVFAIL when no upstream answers in time', async () => {
    const r = await udpAsk(dns.port, query('silent.example', 'A'));
    expect(r.rcode).toBe('SERVFAIL');
  });

  it('echoes EDNS and answers FORMERR to garbage with a header', async () => {
    const r = await udpAsk(
      dns.port,
      query('web.default.svc.cluster.local', 'A', {
        additionals: [
          {
            type: 'OPT',
            name: '.',
            udpPayloadSize: 4096,
            extendedRcode: 0,
            ednsVersion: 0,
            flags: 0,
            flag_do: false,
            options: [],
          },
        ],
      }),
    );
    expect(r.additionals?.find((a) => a.type === 'OPT')).toBeDefined();
    const garbage = Buffer.alloc(14, 0xff);
    garbage.writeUInt16BE(0x1234, 0);
    garbage.writeUInt16BE(0x0100, 2); // a query with impossible counts
    const bad = await udpAsk(dns.port, garbage);
    expect(bad).toMatchObject({ id: 0x1234, rcode: 'FORMERR' });
  });
});

describe('start-up', () => {
  it('serves after a bounded wait when an informer cannot sync, and stops cleanly', async () => {
    const stopping = new AbortController();
    const partial = await startClusterDNS({
      client: new FakeSource({ services: [web] }, new Set(['endpointslices'])),
      address: '127.0.0.1',
      port: 0,
      upstreams: [],
      syncTimeoutMs: 100,
      logger,
      signal: stopping.signal,
    });
    const r = await udpAsk(partial.port, query('web.default.svc.cluster.local', 'A'));
    expect(r.answers?.map(dataOf)).toEqual(['10.96.0.20']);
    expect((await udpAsk(partial.port, query('example.org', 'A'))).rcode).toBe('SERVFAIL');
    await partial.stop();
  });
});

describe('truncation', () => {
  let server: DNSServer;
  beforeAll(async () => {
    const records = new RecordsCache();
    records.setService({ ...db, spec: { ...db.spec, ports: [] } });
    records.setEndpointSlice({
      ...dbSlice,
      endpoints: Array.from({ length: 60 }, (_, i) => ({
        addresses: [`10.244.1.${i + 1}`],
        conditions: { ready: true },
      })),
    });
    const zone = new Zone(records, { domain: 'cluster.local', ttl: 5, pods: 'disabled' });
    server = await listenDNS({ address: '127.0.0.1', port: 0, handler: createHandler({ zone }) });
  });
  afterAll(() => server.close());

  it('sets TC on a UDP answer over 512 bytes; TCP carries it whole', async () => {
    const q = query('db.prod.svc.cluster.local', 'A');
    const udp = await udpAsk(server.port, q);
    expect(udp).toMatchObject({ flag_tc: true, answers: [] });
    const [tcp] = await tcpAsk(server.port, [q]);
    expect(tcp?.answers).toHaveLength(60);
    expect(tcp?.flag_tc).toBe(false);
  });
});
