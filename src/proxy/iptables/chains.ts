/**
 * Names of the proxy's own chains. Every chain Cairn creates starts with its prefix, so the
 * proxier can tell its chains from everyone else's (CNI's, Docker's, another Cairn's) in
 * `iptables-save` output and never touches the others.
 *
 *   CAIRN-SERVICES        (nat) ClusterIP:port/proto → CAIRN-SVC-*; (filter) REJECT when no endpoints
 *   CAIRN-SVC-<hash>      one per service port: picks an endpoint at random (statistic module)
 *   CAIRN-SEP-<hash>      one per endpoint: marks hairpin traffic, DNATs to ip:port
 *   CAIRN-MARK-MASQ       sets the masquerade mark
 *   CAIRN-POSTROUTING     masquerades marked packets
 *
 * A node agent on a non-default bridge (several Cairn nodes on one host, as in the e2e tests)
 * gets a prefix with a tag of its own (`CAIRN-1a2b-SERVICES`), so two agents never share chains.
 */
import { createHash } from 'node:crypto';
import type { Protocol } from './plan.js';

export const DEFAULT_PREFIX = 'CAIRN';
/** iptables' chain name limit (XT_EXTENSION_MAXNAMELEN - 1). */
const MAX_CHAIN_NAME = 28;

/** The chain prefix of an agent: `CAIRN` on the default bridge, `CAIRN-<4 hex>` on any other. */
export function chainPrefix(bridge: string | undefined, defaultBridge: string): string {
  if (!bridge || bridge === defaultBridge) return DEFAULT_PREFIX;
  return `${DEFAULT_PREFIX}-${createHash('sha256').update(bridge).digest('hex').slice(0, 4)}`;
}

export class ChainNames {
  readonly services: string;
  readonly markMasq: string;
  readonly postrouting: string;
  private readonly svcPrefix: string;
  private readonly sepPrefix: string;

  constructor(readonly prefix: string) {
    this.services = `${prefix}-SERVICES`;
    this.markMasq = `${prefix}-MARK-MASQ`;
    this.postrouting = `${prefix}-POSTROUTING`;
    this.svcPrefix = `${prefix}-SVC-`;
    this.sepPrefix = `${prefix}-SEP-`;
  }

  /** The chain of one service port. */
  service(servicePortName: string, protocol: Protocol): string {
    return this.hashed(this.svcPrefix, `${servicePortName}/${protocol.toLowerCase()}`);
  }

  /** The chain of one endpoint of one service port. */
  endpoint(servicePortName: string, protocol: Protocol, ip: string, port: number): string {
    return this.hashed(this.sepPrefix, `${servicePortName}/${protocol.toLowerCase()}/${ip}:${port}`);
  }

  /** Whether a chain is one of ours (exactly our prefix: another tag's chains are not). */
  owns(chain: string): boolean {
    return (
      chain === this.services ||
      chain === this.markMasq ||
      chain === this.postrouting ||
      (chain.startsWith(this.svcPrefix) && /^[0-9A-F]+$/.test(chain.slice(this.svcPrefix.length))) ||
      (chain.startsWith(this.sepPrefix) && /^[0-9A-F]+$/.test(chain.slice(this.sepPrefix.length)))
    );
  }

  private hashed(prefix: string, input: string): string {
    const len = Math.min(16, MAX_CHAIN_NAME - prefix.length);
    return prefix + createHash('sha256').update(input).digest('hex').slice(0, len).toUpperCase();
  }
}
