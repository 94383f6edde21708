/**
 * Service updates: allocated cluster IPs and the load-balancer class may not change (short of
 * dual-stack up/downgrades), and what the status subresource may write.
 */
import type { Service, ServiceSpec } from 'kubernetes-types/core/v1.js';
import {
  type FieldError,
  FieldPath,
  forbidden,
  invalid,
  notSupported,
  required,
} from '../../../apimachinery/validation/field.js';
import { validateObjectMetaUpdate } from '../../meta/validation.js';
import { validateDNS1123Subdomain } from './common.js';
import { validateIP } from './dns.js';
import { isHeadlessService, validateService } from './service.js';

const SPEC = FieldPath.root('spec');

/** Cluster IPs and IP families may not change once set (short of dual-stack up/downgrades). */
export function validateServiceUpdate(svc: Service, old: Service): FieldError[] {
  const errs = validateObjectMetaUpdate(svc.metadata, old.metadata);
  const n = svc.spec ?? {};
  const o = old.spec ?? {};
  if (
    n.type !== 'ExternalName' &&
    o.type !== 'ExternalName' &&
    !(isHeadlessService(n) && isHeadlessService(o))
  ) {
    const ni = n.clusterIPs ?? [];
    const oi = o.clusterIPs ?? [];
    const p = SPEC.child('clusterIPs');
    if (ni.length === oi.length) {
      oi.forEach((ip, i) => ip !== ni[i] && errs.push(invalid(p.index(i), ni, 'may not change once set')));
    } else if (oi.length > ni.length) {
      if (!ni.length) errs.push(invalid(p.index(0), ni, 'primary clusterIP can not be unset'));
      if (oi.length && ni.length && ni[0] !== oi[0])
        errs.push(invalid(p.index(0), ni, 'may not change once set'));
      if (ni.length === 1 && n.ipFamilyPolicy !== 'SingleStack') {
        errs.push(
          invalid(
            SPEC.child('ipFamilyPolicy'),
            n.ipFamilyPolicy ?? null,
            "must be set to 'SingleStack' when releasing the secondary clusterIP",
          ),
        );
      }
    } else if (oi.length && ni[0] !== oi[0]) {
      errs.push(invalid(p.index(0), ni, 'may not change once set'));
    }
  }
  if (
    n.type === 'LoadBalancer' &&
    o.type === 'LoadBalancer' &&
    (n.loadBalancerClass ?? null) !== (o.loadBalancerClass ?? null)
  ) {
    errs.push(
      invalid(SPEC.child('loadBalancerClass'), n.loadBalancerClass ?? null, 'may not change once set'),
    );
  }
  const healthChecked = (s: ServiceSpec): boolean =>
    s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local';
  if (healthChecked(n) && healthChecked(o) && n.healthCheckNodePort !== o.healthCheckNodePort) {
    errs.push(forbidden(SPEC.child('healthCheckNodePort'), 'field is immutable'));
  }
  return [...errs, ...validateService(svc)];
}

export function validateServiceStatusUpdate(svc: Service, old: Service): FieldError[] {
  const errs = validateObjectMetaUpdate(svc.metadata, old.metadata);
  const ingress = svc.status?.loadBalancer?.ingress ?? [];
  const path = FieldPath.root('status').child('loadBalancer', 'ingress');
  if (svc.spec?.type !== 'LoadBalancer' && ingress.length) {
    return [...errs, forbidden(path, "may only be used when `spec.type` is 'LoadBalancer'")];
  }
  ingress.forEach((ing, i) => {
    const p = path.index(i);
    if (ing.ip) errs.push(...validateIP(ing.ip, p.child('ip')));
    if (ing.ipMode === undefined && ing.ip)
      errs.push(required(p.child('ipMode'), 'must be specified when `ip` is set'));
    else if (ing.ipMode !== undefined && !ing.ip)
      errs.push(forbidden(p.child('ipMode'), 'may not be specified when `ip` is not set'));
    else if (ing.ipMode !== undefined && ing.ipMode !== 'VIP' && ing.ipMode !== 'Proxy') {
      errs.push(notSupported(p.child('ipMode'), ing.ipMode, ['Proxy', 'VIP']));
    }
    if (ing.hostname) {
      errs.push(...validateDNS1123Subdomain(ing.hostname, p.child('hostname')));
      if (validateIP(ing.hostname, p).length === 0) {
        errs.push(invalid(p.child('hostname'), ing.hostname, 'must be a DNS name, not an IP address'));
      }
    }
  });
  return errs;
}
