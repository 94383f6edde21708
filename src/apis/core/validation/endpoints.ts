/**
 * Endpoints: subsets need addresses, addresses must be usable unicast IPs, ports need names
 * when there are several.
 */
import type { EndpointAddress, EndpointPort, Endpoints } from 'kubernetes-types/core/v1.js';
import {
  type FieldError,
  FieldPath,
  invalid,
  notSupported,
  required,
} from '../../../apimachinery/validation/field.js';
import { isValidPortNum, parsesAsIP } from '../../../apimachinery/validation/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../meta/validation.js';
import {
  validateDNS1123Label,
  validateEndpointsName,
  validateNameWith,
  validateNodeName,
  validateQualifiedName,
} from './common.js';
import { validateIP } from './dns.js';

/** Rejects unspecified, loopback and link-local addresses. */
export function validateNonSpecialIP(ip: string, path: FieldPath): FieldError[] {
  if (!parsesAsIP(ip)) return [invalid(path, ip, 'must be a valid IP address')];
  const errs: FieldError[] = [];
  const v4 = ip.includes('.') && !ip.includes(':') ? ip.split('.').map(Number) : undefined;
  const v6 = v4 ? '' : new URL(`http://[${ip}]`).hostname.slice(1, -1);
  const unspecified = v4 ? v4.every((o) => o === 0) : v6 === '::';
  const loopback = v4 ? v4[0] === 127 : v6 === '::1';
  const linkLocal = v4 ? v4[0] === 169 && v4[1] === 254 : /^fe[89ab]/.test(v6);
  const linkLocalMulticast = v4 ? v4[0] === 224 && v4[1] === 0 && v4[2] === 0 : /^ff02:/.test(v6);
  if (unspecified) errs.push(invalid(path, ip, `may not be unspecified (${ip})`));
  if (loopback) errs.push(invalid(path, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  if (linkLocal)
    errs.push(invalid(path, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  if (linkLocalMulticast)
    errs.push(invalid(path, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  return errs;
}

function validateEndpointAddress(addr: EndpointAddress, path: FieldPath): FieldError[] {
  const errs = validateIP(addr.ip ?? '', path.child('ip'));
  if (addr.hostname) errs.push(...validateDNS1123Label(addr.hostname, path.child('hostname')));
  if (addr.nodeName !== undefined)
    errs.push(...validateNameWith(validateNodeName, addr.nodeName, path.child('nodeName')));
  errs.push(...validateNonSpecialIP(addr.ip ?? '', path.child('ip')));
  return errs;
}

function validateEndpointPort(port: EndpointPort, requireName: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (requireName && !port.name) errs.push(required(path.child('name')));
  else if (port.name) errs.push(...validateDNS1123Label(port.name, path.child('name')));
  errs.push(...isValidPortNum(port.port ?? 0).map((msg) => invalid(path.child('port'), port.port ?? 0, msg)));
  if (!port.protocol) errs.push(required(path.child('protocol')));
  else if (!['SCTP', 'TCP', 'UDP'].includes(port.protocol))
    errs.push(notSupported(path.child('protocol'), port.protocol, ['SCTP', 'TCP', 'UDP']));
  if (port.appProtocol !== undefined)
    errs.push(...validateQualifiedName(port.appProtocol, path.child('appProtocol')));
  return errs;
}

export function validateEndpoints(ep: Endpoints): FieldError[] {
  const errs = validateObjectMeta(ep.metadata, { namespaced: true, nameFn: validateEndpointsName });
  const path = FieldPath.root('subsets');
  (ep.subsets ?? []).forEach((ss, i) => {
    const p = path.index(i);
    if (!ss.addresses?.length && !ss.notReadyAddresses?.length) {
      errs.push(required(p, 'must specify `addresses` or `notReadyAddresses`'));
    }
    (ss.addresses ?? []).forEach((a, j) =>
      errs.push(...validateEndpointAddress(a, p.child('addresses').index(j))),
    );
    (ss.notReadyAddresses ?? []).forEach((a, j) =>
      errs.push(...validateEndpointAddress(a, p.child('notReadyAddresses').index(j))),
    );
    const ports = ss.ports ?? [];
    ports.forEach((port, j) =>
      errs.push(...validateEndpointPort(port, ports.length > 1, p.child('ports').index(j))),
    );
  });
  return errs;
}

export function validateEndpointsUpdate(ep: Endpoints, old: Endpoints): FieldError[] {
  return [...validateObjectMetaUpdate(ep.metadata, old.metadata), ...validateEndpoints(ep)];
}
