/**
 * Services: DNS-1035 names, ports, type-dependent fields, cluster IPs and IP families, session
 * affinity, traffic policies, and the update rules for allocated values.
 */
import type { Service, ServicePort, ServiceSpec } from 'kubernetes-types/core/v1.js';
import {
  type FieldError,
  FieldPath,
  duplicate,
  forbidden,
  invalid,
  notSupported,
  required,
} from '../../../apimachinery/validation/field.js';
import { CIDR_ERROR, isIPv6, isValidPortNum, parsesAsCIDR } from '../../../apimachinery/validation/names.js';
import { validateObjectMeta } from '../../meta/validation.js';
import { externallyAccessible } from '../v1/defaults-objects.js';
import {
  validateDNS1123Label,
  validateDNS1123Subdomain,
  validateLabels,
  validatePortNumOrName,
  validateQualifiedName,
  validateServiceName,
} from './common.js';
import { validateIP } from './dns.js';
import { validateNonSpecialIP } from './endpoints.js';

const SPEC = FieldPath.root('spec');
const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const MAX_CLIENT_IP_AFFINITY_SECONDS = 86400;

export const isHeadlessService = (spec: ServiceSpec | undefined): boolean =>
  spec?.clusterIPs?.length === 1 && spec.clusterIPs[0] === 'None';

function validateServicePort(
  sp: ServicePort,
  requireName: boolean,
  names: Set<string>,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  if (requireName && !sp.name) errs.push(required(path.child('name')));
  else if (sp.name) {
    errs.push(...validateDNS1123Label(sp.name, path.child('name')));
    if (names.has(sp.name)) errs.push(duplicate(path.child('name'), sp.name));
    else names.add(sp.name);
  }
  errs.push(...isValidPortNum(sp.port ?? 0).map((msg) => invalid(path.child('port'), sp.port ?? 0, msg)));
  if (!sp.protocol) errs.push(required(path.child('protocol')));
  else if (!PROTOCOLS.includes(sp.protocol))
    errs.push(notSupported(path.child('protocol'), sp.protocol, PROTOCOLS));
  errs.push(...validatePortNumOrName(sp.targetPort, path.child('targetPort')));
  if (sp.appProtocol !== undefined)
    errs.push(...validateQualifiedName(sp.appProtocol, path.child('appProtocol')));
  return errs;
}

function validateClusterIPsRelatedFields(spec: ServiceSpec): FieldError[] {
  if (spec.type === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const ipsPath = SPEC.child('clusterIPs');
  const ips = spec.clusterIPs ?? [];
  if (spec.clusterIP) {
    if (!ips.length) errs.push(required(ipsPath));
    else if (ips[0] !== spec.clusterIP)
      errs.push(invalid(ipsPath, ips, 'first value must match `clusterIP`'));
  } else if (ips.length) {
    errs.push(invalid(ipsPath, ips, 'must be empty when `clusterIP` is not specified'));
  }
  const seen = new Set<string>();
  (spec.ipFamilies ?? []).forEach((f, i) => {
    const p = SPEC.child('ipFamilies').index(i);
    if (f !== 'IPv4' && f !== 'IPv6') errs.push(notSupported(p, f, ['IPv4', 'IPv6']));
    if (seen.has(f)) errs.push(duplicate(p, f));
    seen.add(f);
  });
  const policies = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
  if (spec.ipFamilyPolicy !== undefined && !policies.includes(spec.ipFamilyPolicy)) {
    errs.push(notSupported(SPEC.child('ipFamilyPolicy'), spec.ipFamilyPolicy, policies));
  }
  let badIPs = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) {
        badIPs = true;
        errs.push(invalid(ipsPath, ips, "'None' must be the first and only value"));
      }
      return;
    }
    const e = validateIP(ip, ipsPath.index(i));
    if (e.length) badIPs = true;
    errs.push(...e);
  });
  if (ips.length > 2) errs.push(invalid(ipsPath, ips, 'may only hold up to 2 values'));
  if (badIPs) return errs;
  if (ips.length > 1 && isIPv6(ips[0] ?? '') === isIPv6(ips[1] ?? '')) {
    errs.push(invalid(ipsPath, ips, 'may specify no more than one IP for each IP family'));
  }
  if (!isHeadlessService(spec)) {
    ips.forEach((ip, i) => {
      const family = spec.ipFamilies?.[i];
      if (family === 'IPv4' && isIPv6(ip))
        errs.push(
          invalid(ipsPath.index(i), ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``),
        );
      if (family === 'IPv6' && !isIPv6(ip))
        errs.push(
          invalid(ipsPath.index(i), ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``),
        );
    });
  }
  return errs;
}

export function validateService(svc: Service): FieldError[] {
  const errs = validateObjectMeta(svc.metadata, { namespaced: true, nameFn: validateServiceName });
  const spec: ServiceSpec = svc.spec ?? {};
  const headless = isHeadlessService(spec);
  const ports = spec.ports ?? [];
  if (!ports.length && !headless && spec.type !== 'ExternalName') errs.push(required(SPEC.child('ports')));
  if ((spec.type === 'LoadBalancer' || spec.type === 'NodePort') && headless) {
    errs.push(
      invalid(
        SPEC.child('clusterIPs').index(0),
        'None',
        `may not be set to 'None' for ${spec.type} services`,
      ),
    );
  }
  if (spec.type === 'ExternalName') {
    if (spec.clusterIPs?.length)
      errs.push(forbidden(SPEC.child('clusterIPs'), 'may not be set for ExternalName services'));
    if (spec.ipFamilies?.length)
      errs.push(forbidden(SPEC.child('ipFamilies'), 'may not be set for ExternalName services'));
    if (spec.ipFamilyPolicy !== undefined)
      errs.push(forbidden(SPEC.child('ipFamilyPolicy'), 'may not be set for ExternalName services'));
    const cname = (spec.externalName ?? '').replace(/\.$/, '');
    if (cname) errs.push(...validateDNS1123Subdomain(cname, SPEC.child('externalName')));
    else errs.push(required(SPEC.child('externalName')));
  }
  const names = new Set<string>();
  ports.forEach((p, i) =>
    errs.push(...validateServicePort(p, ports.length > 1, names, SPEC.child('ports').index(i))),
  );
  if (spec.selector) errs.push(...validateLabels(spec.selector, SPEC.child('selector')));
  const affinity = spec.sessionAffinity;
  if (!affinity) errs.push(required(SPEC.child('sessionAffinity')));
  else if (affinity !== 'ClientIP' && affinity !== 'None')
    errs.push(notSupported(SPEC.child('sessionAffinity'), affinity, ['ClientIP', 'None']));
  const cfgPath = SPEC.child('sessionAffinityConfig');
  if (affinity === 'ClientIP') {
    const timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
    const msg = 'when session affinity type is ClientIP';
    if (!spec.sessionAffinityConfig) errs.push(required(cfgPath, msg));
    else if (!spec.sessionAffinityConfig.clientIP) errs.push(required(cfgPath.child('clientIP'), msg));
    else if (timeout === undefined) errs.push(required(cfgPath.child('clientIP', 'timeoutSeconds'), msg));
    else if (timeout <= 0 || timeout > MAX_CLIENT_IP_AFFINITY_SECONDS) {
      errs.push(
        invalid(
          cfgPath.child('clientIP', 'timeoutSeconds'),
          timeout,
          `must be greater than 0 and less than ${MAX_CLIENT_IP_AFFINITY_SECONDS}`,
        ),
      );
    }
  } else if (affinity === 'None' && spec.sessionAffinityConfig) {
    errs.push(forbidden(cfgPath, 'must not be set when session affinity is None'));
  }
  errs.push(...validateClusterIPsRelatedFields(spec));
  (spec.externalIPs ?? []).forEach((ip, i) => {
    const p = SPEC.child('externalIPs').index(i);
    const e = validateIP(ip, p);
    errs.push(...(e.length ? e : validateNonSpecialIP(ip, p)));
  });
  if (!spec.type) errs.push(required(SPEC.child('type')));
  else if (!TYPES.includes(spec.type)) errs.push(notSupported(SPEC.child('type'), spec.type, TYPES));
  if (spec.type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if (p.nodePort)
        errs.push(
          forbidden(
            SPEC.child('ports').index(i).child('nodePort'),
            "may not be used when `type` is 'ClusterIP'",
          ),
        );
    });
  }
  const nodePorts = new Set<string>();
  const portKeys = new Set<string>();
  ports.forEach((p, i) => {
    const pp = SPEC.child('ports').index(i);
    if (p.nodePort) {
      const k = `${p.protocol}/${p.nodePort}`;
      if (nodePorts.has(k)) errs.push(duplicate(pp.child('nodePort'), p.nodePort));
      nodePorts.add(k);
    }
    const k = `${p.protocol}/${p.port}`;
    if (portKeys.has(k)) errs.push(duplicate(pp, { port: p.port, protocol: p.protocol }));
    portKeys.add(k);
  });
  const ranges = spec.loadBalancerSourceRanges ?? [];
  if (ranges.length) {
    const rp = SPEC.child('LoadBalancerSourceRanges');
    if (spec.type !== 'LoadBalancer')
      errs.push(forbidden(rp, "may only be used when `type` is 'LoadBalancer'"));
    ranges.forEach((r, i) => parsesAsCIDR(r.trim()) || errs.push(invalid(rp.index(i), r.trim(), CIDR_ERROR)));
  }
  if (spec.allocateLoadBalancerNodePorts !== undefined && spec.type !== 'LoadBalancer') {
    errs.push(
      forbidden(
        SPEC.child('allocateLoadBalancerNodePorts'),
        "may only be used when `type` is 'LoadBalancer'",
      ),
    );
  }
  if (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === undefined) {
    errs.push(required(FieldPath.root('allocateLoadBalancerNodePorts')));
  }
  if (spec.loadBalancerClass !== undefined) {
    if (spec.type === 'LoadBalancer')
      errs.push(...validateQualifiedName(spec.loadBalancerClass, SPEC.child('loadBalancerClass')));
    else
      errs.push(forbidden(SPEC.child('loadBalancerClass'), "may only be used when `type` is 'LoadBalancer'"));
  }
  errs.push(...validateTrafficPolicies(spec));
  return errs;
}

function validateTrafficPolicies(spec: ServiceSpec): FieldError[] {
  const errs: FieldError[] = [];
  const etp = spec.externalTrafficPolicy ?? '';
  if (!externallyAccessible(spec)) {
    if (etp)
      errs.push(
        invalid(
          SPEC.child('externalTrafficPolicy'),
          etp,
          'may only be set for externally-accessible services',
        ),
      );
  } else if (!etp) errs.push(required(SPEC.child('externalTrafficPolicy')));
  else if (etp !== 'Cluster' && etp !== 'Local')
    errs.push(notSupported(SPEC.child('externalTrafficPolicy'), etp, ['Cluster', 'Local']));
  const needsHealthCheck = spec.type === 'LoadBalancer' && etp === 'Local';
  const hc = spec.healthCheckNodePort ?? 0;
  if (!needsHealthCheck) {
    if (hc) {
      errs.push(
        invalid(
          SPEC.child('healthCheckNodePort'),
          hc,
          "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
        ),
      );
    }
  }
  const itp = spec.internalTrafficPolicy;
  if (itp === undefined) {
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer' || spec.type === 'ClusterIP') {
      errs.push(required(SPEC.child('internalTrafficPolicy')));
    }
  } else if (itp !== 'Cluster' && itp !== 'Local') {
    errs.push(notSupported(SPEC.child('internalTrafficPolicy'), itp, ['Cluster', 'Local']));
  }
  return errs;
}
