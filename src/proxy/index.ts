/**
 * The node-level service proxy (upstream kube-proxy), run by the node agent: traffic to a
 * ClusterIP:port reaches a ready endpoint. One implementation, iptables mode.
 */
export { chainPrefix, ChainNames, DEFAULT_PREFIX } from './iptables/chains.js';
export { computeServicePlan, type Endpoint, type ServicePortPlan } from './iptables/plan.js';
export {
  cleanupRules,
  DEFAULT_SERVICE_CIDR,
  startProxier,
  type Proxier,
  type ProxierOptions,
} from './iptables/proxier.js';
export { desiredRules, type RuleSet } from './iptables/rules.js';
export { parseSave, renderCleanup, renderSync } from './iptables/restore.js';
export { execIPTables, IPTablesError, type IPTablesRunner } from './iptables/runner.js';
