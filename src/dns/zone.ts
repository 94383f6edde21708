/**
 * The cluster zone (`cluster.local`), as Kubernetes' DNS specification and CoreDNS's kubernetes
 * plugin define it — a pure lookup from a question and the cluster records to an answer:
 *
 *   <svc>.<ns>.svc.<zone>                A/AAAA  ClusterIP(s); headless: the ready endpoint IPs;
 *                                        ExternalName: CNAME
 *   _<port>._<proto>.<svc>.<ns>.svc.<zone>  SRV  per named port (headless: one per ready endpoint)
 *   <svc>.<ns>.svc.<zone>                SRV     every port
 *   <hostname>.<svc>.<ns>.svc.<zone>     A/AAAA  a headless endpoint (hostname, else its dashed IP)
 *   a-b-c-d.<ns>.pod.<zone>              A       pods insecure / verified (a pod has the IP)
 *   d.c.b.a.in-addr.arpa                 PTR     Service ClusterIPs and headless endpoints, else
 *                                                forwarded (kubeadm's `fallthrough in-addr.arpa`)
 *   dns-version.<zone>                   TXT     the schema version (1.1.0)
 *
 * Any other name in the zone is NXDOMAIN; a name that exists without records of the asked type is
 * NODATA (NOERROR, no answers); both carry the zone's SOA in the authority section so resolvers
 * cache the negative answer only for the SOA minimum (the TTL, 5 s): a Service created later
 * resolves within seconds. Names outside the zone are forwarded.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { Answer, RecordType, SrvAnswer } from 'dns-packet';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { ClusterRecords } from './records.js';

export type PodsMode = 'insecure' | 'verified' | 'disabled';

export interface ZoneOptions {
  /** The cluster domain, e.g. `cluster.local` (no trailing dot). */
  domain: string;
  /** TTL of every answer and the SOA minimum (CoreDNS's default: 5 s). */
  ttl: number;
  /** `a-b-c-d.<ns>.pod.<zone>` records: `verified` needs a pod with that IP in that namespace. */
  pods: PodsMode;
  /** SOA serial. */
  serial?: number;
}

export interface Question {
  name: string;
  type: RecordType;
}

export type ZoneResult =
  | {
      kind: 'answer';
      rcode: 'NOERROR' | 'NXDOMAIN';
      answers: Answer[];
      authorities: Answer[];
      additionals: Answer[];
    }
  /** Not the zone's to answer: ask the upstream resolvers. */
  | { kind: 'forward' };

export const DNS_SCHEMA_VERSION = '1.1.0';

/** One SRV target, with the port it came from and the target's addresses (for additionals). */
interface SrvEntry {
  portName: string;
  protocol: string;
  port: number;
  target: string;
  ips: string[];
}

/** Everything a name has; `undefined` where the name doesn't exist. */
interface NameData {
  ips: string[];
  srv: SrvEntry[];
  cname?: string;
  ptr?: string;
  txt?: string;
}

const empty = (): NameData => ({ ips: [], srv: [] });

/** `10.0.0.1` → `10-0-0-1` (an IPv6 address: its colons as dashes), CoreDNS's endpoint/pod names. */
export const dashedIP = (ip: string): string => ip.replaceAll(/[.:]/g, '-');

function undashIP(label: string): string | undefined {
  const v4 = label.replaceAll('-', '.');
  if (isIPv4(v4)) return v4;
  const v6 = label.replaceAll('-', ':');
  return isIPv6(v6) ? v6 : undefined;
}

const isReady = (e: EndpointSlice['endpoints'][number]): boolean => e.conditions?.ready !== false;
const endpointName = (e: EndpointSlice['endpoints'][number]): string =>
  (e.hostname ?? dashedIP(e.addresses[0] ?? '')).toLowerCase();
const isHeadless = (svc: Service): boolean => svc.spec?.clusterIP === 'None';

const serviceIPs = (svc: Service): string[] =>
  (svc.spec?.clusterIPs ?? (svc.spec?.clusterIP ? [svc.spec.clusterIP] : [])).filter(
    (ip) => isIPv4(ip) || isIPv6(ip),
  );

export class Zone {
  private readonly domain: string;

  constructor(
    private readonly records: ClusterRecords,
    private readonly options: ZoneOptions,
  ) {
    this.domain = options.domain.toLowerCase().replace(/\.$/, '');
  }

  lookup(q: Question): ZoneResult {
    const name = q.name.toLowerCase().replace(/\.$/, '');
    if (name.endsWith('.in-addr.arpa') || name.endsWith('.ip6.arpa')) return this.reverse(q, name);
    if (name !== this.domain && !name.endsWith(`.${this.domain}`)) return { kind: 'forward' };
    const labels = name === this.domain ? [] : name.slice(0, -(this.domain.length + 1)).split('.');
    const data = this.resolve(labels);
    if (!data) return this.negative('NXDOMAIN');
    return this.answer(q, data, labels.length === 0);
  }

  /** The zone's SOA record (CoreDNS's shape). */
  soa(): Answer {
    const d = this.domain;
    return {
      type: 'SOA',
      name: d,
      ttl: this.options.ttl,
      data: {
        mname: `ns.dns.${d}`,
        rname: `hostmaster.${d}`,
        serial: this.options.serial ?? 1,
        refresh: 7200,
        retry: 1800,
        expire: 86400,
        minimum: this.options.ttl,
      },
    };
  }

  /** Labels below the zone, leftmost first → the name's data, or undefined (NXDOMAIN). */
  private resolve(labels: string[]): NameData | undefined {
    const n = labels.length;
    if (n === 0) return empty();
    const kind = labels[n - 1];
    if (n === 1) {
      if (kind === 'svc' || kind === 'pod') return empty();
      if (kind === 'dns-version') return { ...empty(), txt: DNS_SCHEMA_VERSION };
      return undefined;
    }
    const ns = labels[n - 2] ?? '';
    if (kind === 'pod') return n === 3 ? this.pod(ns, labels[0] ?? '') : undefined;
    if (kind !== 'svc') return undefined;
    if (n === 2) return this.records.hasServices(ns) ? empty() : undefined;
    const svc = this.records.service(ns, labels[n - 3] ?? '');
    if (!svc) return undefined;
    const data = this.service(svc);
    if (n === 3) return data;
    const [first = '', second = ''] = labels;
    if (n === 4 && first.startsWith('_')) {
      // `_tcp.<svc>…`: an empty non-terminal when some port has that protocol
      return data.srv.some((s) => `_${s.protocol}` === first) ? empty() : undefined;
    }
    if (n === 4) return isHeadless(svc) ? this.endpoint(svc, first) : undefined;
    if (n === 5 && first.startsWith('_') && second.startsWith('_')) {
      const srv = data.srv.filter(
        (s) => s.portName !== '' && `_${s.portName}` === first && `_${s.protocol}` === second,
      );
      return srv.length > 0 ? { ...empty(), srv } : undefined;
    }
    return undefined;
  }

  private fqdn(svc: Service): string {
    return `${svc.metadata?.name}.${svc.metadata?.namespace}.svc.${this.domain}`;
  }

  private service(svc: Service): NameData {
    if (svc.spec?.type === 'ExternalName') {
      return svc.spec.externalName
        ? { ...empty(), cname: svc.spec.externalName.replace(/\.$/, '') }
        : empty();
    }
    const fqdn = this.fqdn(svc);
    if (!isHeadless(svc)) {
      const ips = serviceIPs(svc);
      const srv = (svc.spec?.ports ?? []).map((p) => ({
        portName: (p.name ?? '').toLowerCase(),
        protocol: (p.protocol ?? 'TCP').toLowerCase(),
        port: p.port,
        target: fqdn,
        ips,
      }));
      return { ips, srv };
    }
    const ips = new Set<string>();
    const srv: SrvEntry[] = [];
    for (const slice of this.slicesOf(svc)) {
      for (const e of slice.endpoints.filter(isReady)) {
        for (const ip of e.addresses) ips.add(ip);
        for (const p of slice.ports ?? []) {
          if (p.port === undefined) continue;
          srv.push({
            portName: (p.name ?? '').toLowerCase(),
            protocol: (p.protocol ?? 'TCP').toLowerCase(),
            port: p.port,
            target: `${endpointName(e)}.${fqdn}`,
            ips: e.addresses,
          });
        }
      }
    }
    return { ips: [...ips], srv };
  }

  private slicesOf(svc: Service): EndpointSlice[] {
    return this.records.endpointSlices(svc.metadata?.namespace ?? '', svc.metadata?.name ?? '');
  }

  private endpoint(svc: Service, label: string): NameData | undefined {
    const ips = new Set<string>();
    for (const slice of this.slicesOf(svc))
      for (const e of slice.endpoints)
        if (isReady(e) && endpointName(e) === label) for (const ip of e.addresses) ips.add(ip);
    return ips.size > 0 ? { ...empty(), ips: [...ips] } : undefined;
  }

  private pod(ns: string, label: string): NameData | undefined {
    const ip = undashIP(label);
    if (!ip || this.options.pods === 'disabled') return undefined;
    if (this.options.pods === 'verified' && !this.records.hasPodIP(ns, ip)) return undefined;
    return { ...empty(), ips: [ip] };
  }

  /** PTR for Service ClusterIPs and headless endpoints; other addresses go to the upstreams. */
  private reverse(q: Question, name: string): ZoneResult {
    const ip = reverseNameToIP(name);
    const ptr = ip ? this.ptrFor(ip) : undefined;
    if (!ptr) return { kind: 'forward' };
    return this.answer(q, { ...empty(), ptr }, false);
  }

  private ptrFor(ip: string): string | undefined {
    for (const svc of this.records.allServices()) {
      if (svc.spec?.type !== 'ExternalName' && !isHeadless(svc) && serviceIPs(svc).includes(ip))
        return this.fqdn(svc);
    }
    for (const slice of this.records.allEndpointSlices()) {
      const svcName = slice.metadata?.labels?.['kubernetes.io/service-name'];
      const svc = svcName ? this.records.service(slice.metadata?.namespace ?? '', svcName) : undefined;
      if (!svc || !isHeadless(svc)) continue;
      const e = slice.endpoints.find((x) => isReady(x) && x.addresses.includes(ip));
      if (e) return `${endpointName(e)}.${this.fqdn(svc)}`;
    }
    return undefined;
  }

  private answer(q: Question, data: NameData, apex: boolean): ZoneResult {
    const ttl = this.options.ttl;
    const name = q.name.replace(/\.$/, '');
    const answers: Answer[] = [];
    const additionals: Answer[] = [];
    const want = (t: RecordType) => q.type === t || (q.type as string) === 'ANY';
    if (data.cname !== undefined) {
      // an alias has no other records: every type answers with the CNAME
      answers.push({ type: 'CNAME', name, ttl, data: data.cname });
    } else {
      if (want('A')) for (const ip of data.ips.filter((i) => isIPv4(i))) answers.push(a(name, ip, ttl));
      if (want('AAAA')) for (const ip of data.ips.filter((i) => isIPv6(i))) answers.push(a(name, ip, ttl));
      if (want('SRV')) {
        const weight = Math.max(1, Math.floor(100 / Math.max(1, data.srv.length)));
        const glue = new Map<string, string[]>();
        for (const s of data.srv) {
          const srv: SrvAnswer = {
            type: 'SRV',
            name,
            ttl,
            data: { priority: 0, weight, port: s.port, target: s.target },
          };
          answers.push(srv);
          glue.set(s.target, s.ips);
        }
        for (const [target, ips] of glue) for (const ip of ips) additionals.push(a(target, ip, ttl));
      }
      if (want('PTR') && data.ptr) answers.push({ type: 'PTR', name, ttl, data: data.ptr });
      if (want('TXT') && data.txt) answers.push({ type: 'TXT', name, ttl, data: data.txt });
      if (want('SOA') && apex) answers.push(this.soa());
    }
    if (answers.length === 0) return this.negative('NOERROR');
    return { kind: 'answer', rcode: 'NOERROR', answers, authorities: [], additionals };
  }

  private negative(rcode: 'NOERROR' | 'NXDOMAIN'): ZoneResult {
    return { kind: 'answer', rcode, answers: [], authorities: [this.soa()], additionals: [] };
  }
}

const a = (name: string, ip: string, ttl: number): Answer => ({
  type: isIPv4(ip) ? 'A' : 'AAAA',
  name,
  ttl,
  data: ip,
});

/** `4.3.2.1.in-addr.arpa` → `1.2.3.4`; an ip6.arpa name of 32 nibbles → the IPv6 address. */
export function reverseNameToIP(name: string): string | undefined {
  const lower = name.toLowerCase().replace(/\.$/, '');
  if (lower.endsWith('.in-addr.arpa')) {
    const octets = lower.slice(0, -'.in-addr.arpa'.length).split('.').reverse();
    const ip = octets.join('.');
    return octets.length === 4 && isIPv4(ip) ? ip : undefined;
  }
  if (lower.endsWith('.ip6.arpa')) {
    const nibbles = lower.slice(0, -'.ip6.arpa'.length).split('.').reverse();
    if (nibbles.length !== 32 || nibbles.some((x) => !/^[0-9a-f]$/.test(x))) return undefined;
    const groups = Array.from({ length: 8 }, (_, i) => nibbles.slice(i * 4, i * 4 + 4).join(''));
    const ip = groups.map((g) => g.replace(/^0+(?=.)/, '')).join(':');
    return isIPv6(ip) ? ip : undefined;
  }
  return undefined;
}
