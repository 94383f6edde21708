/**
 * Pod DNS: `dnsPolicy`, `dnsConfig` (nameservers, searches, options; required with policy
 * None) and `hostAliases`.
 */
import type { HostAlias, PodDNSConfig } from 'kubernetes-types/core/v1.js';
import {
  type FieldError,
  type FieldPath,
  invalid,
  notSupported,
  required,
} from '../../../apimachinery/validation/field.js';
import { IP_ERROR, parsesAsIP } from '../../../apimachinery/validation/names.js';
import { validateDNS1123Subdomain } from './common.js';

export const MAX_DNS_NAMESERVERS = 3;
export const MAX_DNS_SEARCH_PATHS = 32;
export const MAX_DNS_SEARCH_LIST_CHARS = 2048;

const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];

export function validateIP(value: string, path: FieldPath): FieldError[] {
  return parsesAsIP(value) ? [] : [invalid(path, value, IP_ERROR)];
}

export function validateDNSPolicy(policy: string | undefined, path: FieldPath): FieldError[] {
  if (!policy) return [required(path)];
  return DNS_POLICIES.includes(policy) ? [] : [notSupported(path, policy, DNS_POLICIES)];
}

export function validatePodDNSConfig(
  config: PodDNSConfig | undefined,
  policy: string | undefined,
  path: FieldPath,
): FieldError[] {
  if (policy === 'None') {
    if (!config) return [required(path, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (!config.nameservers?.length) {
      return [
        required(
          path.child('nameservers'),
          'must provide at least one DNS nameserver when `dnsPolicy` is None',
        ),
      ];
    }
  }
  if (!config) return [];
  const errs: FieldError[] = [];
  const nameservers = config.nameservers ?? [];
  if (nameservers.length > MAX_DNS_NAMESERVERS) {
    errs.push(
      invalid(
        path.child('nameservers'),
        nameservers,
        `must not have more than ${MAX_DNS_NAMESERVERS} nameservers`,
      ),
    );
  }
  nameservers.forEach((ns, i) => errs.push(...validateIP(ns, path.child('nameservers').index(i))));
  const searches = config.searches ?? [];
  if (searches.length > MAX_DNS_SEARCH_PATHS) {
    errs.push(
      invalid(
        path.child('searches'),
        searches,
        `must not have more than ${MAX_DNS_SEARCH_PATHS} search paths`,
      ),
    );
  }
  if (searches.join(' ').length > MAX_DNS_SEARCH_LIST_CHARS) {
    errs.push(
      invalid(
        path.child('searches'),
        searches,
        `must not have more than ${MAX_DNS_SEARCH_LIST_CHARS} characters (including spaces) in the search list`,
      ),
    );
  }
  searches.forEach((s, i) =>
    errs.push(...validateDNS1123Subdomain(s.replace(/\.$/, ''), path.child('searches').index(i))),
  );
  (config.options ?? []).forEach((o, i) => {
    if (!o.name) errs.push(required(path.child('options').index(i), 'must not be empty'));
  });
  return errs;
}

export function validateHostAliases(aliases: HostAlias[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (aliases ?? []).forEach((a, i) => {
    errs.push(...validateIP(a.ip ?? '', path.index(i).child('ip')));
    (a.hostnames ?? []).forEach((h, j) =>
      errs.push(...validateDNS1123Subdomain(h, path.index(i).child('hostnames').index(j))),
    );
  });
  return errs;
}
