/**
 * From the plan to iptables rules (still pure): the rules of our own chains in the `nat` and
 * `filter` tables, and the jumps into them from the built-in chains. Rules are written the way
 * `iptables-save` prints them, so a saved jump can be compared with a desired one as a string.
 *
 *   nat  PREROUTING (-i <bridge>), OUTPUT ─ -d <service CIDR> ─▶ SERVICES
 *        SERVICES ─ -d <clusterIP> -p <proto> --dport <port> ─▶ SVC-x   (only with endpoints)
 *        SVC-x ─ ! -s <pod CIDR> ─▶ MARK-MASQ (host or off-node clients)
 *              ─ statistic 1/n, 1/(n-1), …, rest ─▶ SEP-y
 *        SEP-y ─ -s <endpoint ip> ─▶ MARK-MASQ (hairpin: a pod reaching itself), then DNAT
 *        POSTROUTING (first) ─▶ POSTROUTING chain ─ marked ─▶ MASQUERADE
 *  filter FORWARD (-i <bridge>), OUTPUT ─ -d <service CIDR> ─▶ SERVICES
 *        SERVICES ─ -d <clusterIP> -p <proto> --dport <port> ─▶ REJECT (no ready endpoint)
 */
import type { ChainNames } from './chains.js';
import type { ServicePortPlan } from './plan.js';

export type Table = 'nat' | 'filter';

export interface TableRules {
  /** Our chains in this table, in creation order. */
  chains: string[];
  /** `-A <our chain> …` lines. */
  rules: string[];
  /** `-A <built-in chain> … -j <our chain>` lines, as iptables-save prints them. */
  jumps: string[];
}

export type RuleSet = Record<Table, TableRules>;

export interface RulesOptions {
  names: ChainNames;
  /** The cluster's service CIDR: only traffic to it enters our chains. */
  serviceCIDR: string;
  /** This node's pod CIDR: traffic to a ClusterIP from outside it is masqueraded. */
  podCIDR?: string;
  /**
   * The pods' bridge: traffic from pods enters PREROUTING/FORWARD on it. Restricting the jumps
   * to it keeps two Cairn nodes on one host (same service CIDR, overlapping ClusterIPs) apart.
   */
  bridge?: string;
  /** The masquerade mark bit (default 0x4000, upstream's `--iptables-masquerade-bit 14`). */
  masqueradeMark?: string;
}

export const DEFAULT_MASQUERADE_MARK = '0x4000';

const comment = (text: string): string => `-m comment --comment "${text}"`;

export function desiredRules(plan: ServicePortPlan[], o: RulesOptions): RuleSet {
  const n = o.names;
  const mark = o.masqueradeMark ?? DEFAULT_MASQUERADE_MARK;
  const fromPods = o.bridge ? ` -i ${o.bridge}` : '';
  const portals = comment('cairn service portals');
  const nat: TableRules = {
    chains: [n.services, n.markMasq, n.postrouting],
    rules: [
      `-A ${n.markMasq} -j MARK --set-xmark ${mark}/${mark}`,
      `-A ${n.postrouting} -m mark ! --mark ${mark}/${mark} -j RETURN`,
      // clear the mark so it does not leak into anything the packet meets later
      `-A ${n.postrouting} -j MARK --set-xmark 0x0/${mark}`,
      `-A ${n.postrouting} ${comment('cairn service traffic requiring SNAT')} -j MASQUERADE`,
    ],
    jumps: [
      `-A PREROUTING -d ${o.serviceCIDR}${fromPods} ${portals} -j ${n.services}`,
      `-A OUTPUT -d ${o.serviceCIDR} ${portals} -j ${n.services}`,
      `-A POSTROUTING ${comment('cairn postrouting rules')} -j ${n.postrouting}`,
    ],
  };
  const filter: TableRules = {
    chains: [n.services],
    rules: [],
    jumps: [
      `-A FORWARD -d ${o.serviceCIDR}${fromPods} ${portals} -j ${n.services}`,
      `-A OUTPUT -d ${o.serviceCIDR} ${portals} -j ${n.services}`,
    ],
  };

  for (const sp of plan) {
    const proto = sp.protocol.toLowerCase();
    const dst = `-d ${sp.clusterIP}/32 -p ${proto}`;
    const dport = `-m ${proto} --dport ${sp.port}`;
    if (sp.endpoints.length === 0) {
      filter.rules.push(
        `-A ${n.services} ${dst} ${comment(`${sp.name} has no endpoints`)} ${dport} -j REJECT --reject-with icmp-port-unreachable`,
      );
      continue;
    }
    const svcChain = n.service(sp.name, sp.protocol);
    const clusterIP = comment(`${sp.name} cluster IP`);
    nat.chains.push(svcChain);
    nat.rules.push(`-A ${n.services} ${dst} ${clusterIP} ${dport} -j ${svcChain}`);
    if (o.podCIDR)
      nat.rules.push(`-A ${svcChain} ! -s ${o.podCIDR} ${dst} ${clusterIP} ${dport} -j ${n.markMasq}`);
    const count = sp.endpoints.length;
    sp.endpoints.forEach((ep, i) => {
      const sepChain = n.endpoint(sp.name, sp.protocol, ep.ip, ep.port);
      const target = `${ep.ip}:${ep.port}`;
      // each endpoint takes 1/(what is left), so every one gets 1/count overall
      const pick = i < count - 1 ? ` -m statistic --mode random --probability ${probability(count - i)}` : '';
      nat.rules.push(`-A ${svcChain} ${comment(`${sp.name} -> ${target}`)}${pick} -j ${sepChain}`);
      nat.chains.push(sepChain);
      nat.rules.push(
        `-A ${sepChain} -s ${ep.ip}/32 ${comment(sp.name)} -j ${n.markMasq}`,
        `-A ${sepChain} -p ${proto} ${comment(sp.name)} -m ${proto} -j DNAT --to-destination ${target}`,
      );
    });
  }
  return { nat, filter };
}

/** 1/n with 11 decimals, as iptables-save prints it. */
export const probability = (n: number): string => (1 / n).toFixed(11);
