/**
 * EndpointSlices (upstream's pkg/apis/discovery/validation): a supported, immutable
 * addressType; 1 to 100 addresses per endpoint, each valid for that type; at most 1000
 * endpoints and 100 ports, port names unique DNS labels, protocols TCP/UDP/SCTP.
 */
import type { Endpoint, EndpointPort, EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import {
  type FieldError,
  FieldPath,
  duplicate,
  invalid,
  notSupported,
  required,
  tooMany,
} from '../../../apimachinery/validation/field.js';
import { isDNS1123Subdomain, isValidLabelValue } from '../../../apimachinery/validation/names.js';
import { isIP } from 'node:net';
import {
  validateDNS1123Label,
  validateImmutableField,
  validateLabels,
  validateNameWith,
  validateNodeName,
  validateQualifiedName,
} from '../../core/validation/common.js';
import { validateNonSpecialIP } from '../../core/validation/endpoints.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../../meta/validation.js';

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
/** Accepted on update only, for slices written before it was retired. */
const DEPRECATED_ADDRESS_TYPES = ['IP'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const MAX_ADDRESSES = 100;
const MAX_PORTS = 100;
const MAX_ENDPOINTS = 1000;
const MAX_TOPOLOGY_LABELS = 16;
const MAX_HINTS = 8;
const ZONE_LABEL = 'topology.kubernetes.io/zone';

function isFullyQualifiedDomainName(value: string): string[] {
  const name = value.replace(/\.$/, '');
  const errs = isDNS1123Subdomain(name);
  if (!errs.length && !name.includes('.'))
    errs.push('should be a domain with at least two segments separated by dots');
  return errs;
}

function validateAddress(address: string, addressType: string | undefined, path: FieldPath): FieldError[] {
  switch (addressType) {
    case 'IPv4':
    case 'IPv6': {
      const family = addressType === 'IPv4' ? 4 : 6;
      if (isIP(address) !== family) return [invalid(path, address, `must be a valid ${addressType} address`)];
      return validateNonSpecialIP(address, path);
    }
    case 'FQDN':
      return isFullyQualifiedDomainName(address).map((msg) => invalid(path, address, msg));
    case 'IP':
      return isIP(address) ? [] : [invalid(path, address, 'must be a valid IP address')];
    default:
      // Unknown types are reported on addressType itself.
      return [];
  }
}

function validateEndpoint(ep: Endpoint, addressType: string | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const addrPath = path.child('addresses');
  if (!ep.addresses?.length) errs.push(required(addrPath, 'must contain at least 1 address'));
  else if (ep.addresses.length > MAX_ADDRESSES)
    errs.push(tooMany(addrPath, ep.addresses.length, MAX_ADDRESSES));
  (ep.addresses ?? []).forEach((a, i) => errs.push(...validateAddress(a, addressType, addrPath.index(i))));
  if (ep.nodeName !== undefined)
    errs.push(...validateNameWith(validateNodeName, ep.nodeName, path.child('nodeName')));
  const topology = ep.deprecatedTopology;
  const topoPath = path.child('deprecatedTopology');
  if (topology) {
    const n = Object.keys(topology).length;
    if (n > MAX_TOPOLOGY_LABELS) errs.push(tooMany(topoPath, n, MAX_TOPOLOGY_LABELS));
    errs.push(...validateLabels(topology, topoPath));
    if (ZONE_LABEL in topology)
      errs.push(invalid(topoPath.key(ZONE_LABEL), topology[ZONE_LABEL], 'must use `zone` field instead'));
  }
  if (ep.hostname !== undefined) errs.push(...validateDNS1123Label(ep.hostname, path.child('hostname')));
  const zones = ep.hints?.forZones;
  if (zones) {
    const zonesPath = path.child('hints', 'forZones');
    if (zones.length > MAX_HINTS) errs.push(tooMany(zonesPath, zones.length, MAX_HINTS));
    const seen = new Set<string>();
    zones.forEach((z, i) => {
      const p = zonesPath.index(i).child('name');
      if (seen.has(z.name)) errs.push(duplicate(p, z.name));
      seen.add(z.name);
      for (const msg of isValidLabelValue(z.name)) errs.push(invalid(p, z.name, msg));
    });
  }
  return errs;
}

function validatePort(port: EndpointPort, names: Set<string>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = port.name ?? '';
  if (name) errs.push(...validateDNS1123Label(name, path.child('name')));
  if (names.has(name)) errs.push(duplicate(path.child('name'), name));
  names.add(name);
  if (!port.protocol) errs.push(required(path.child('protocol')));
  else if (!PROTOCOLS.includes(port.protocol))
    errs.push(notSupported(path.child('protocol'), port.protocol, PROTOCOLS));
  if (port.appProtocol !== undefined)
    errs.push(...validateQualifiedName(port.appProtocol, path.child('appProtocol')));
  return errs;
}

function validateEndpointSliceFields(slice: EndpointSlice, addressTypes: string[]): FieldError[] {
  const errs = validateObjectMeta(slice.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const typePath = FieldPath.root('addressType');
  if (!slice.addressType) errs.push(required(typePath));
  else if (!addressTypes.includes(slice.addressType))
    errs.push(notSupported(typePath, slice.addressType, addressTypes));
  const endpoints = slice.endpoints ?? [];
  const epPath = FieldPath.root('endpoints');
  if (endpoints.length > MAX_ENDPOINTS) errs.push(tooMany(epPath, endpoints.length, MAX_ENDPOINTS));
  else endpoints.forEach((ep, i) => errs.push(...validateEndpoint(ep, slice.addressType, epPath.index(i))));
  const ports = slice.ports ?? [];
  const portsPath = FieldPath.root('ports');
  if (ports.length > MAX_PORTS) errs.push(tooMany(portsPath, ports.length, MAX_PORTS));
  else {
    const names = new Set<string>();
    ports.forEach((p, i) => errs.push(...validatePort(p, names, portsPath.index(i))));
  }
  return errs;
}

export function validateEndpointSlice(slice: EndpointSlice): FieldError[] {
  return validateEndpointSliceFields(slice, ADDRESS_TYPES);
}

export function validateEndpointSliceUpdate(slice: EndpointSlice, old: EndpointSlice): FieldError[] {
  const errs = [
    ...validateObjectMetaUpdate(slice.metadata, old.metadata),
    ...validateEndpointSliceFields(slice, [...ADDRESS_TYPES, ...DEPRECATED_ADDRESS_TYPES]),
  ];
  errs.push(...validateImmutableField(slice.addressType, old.addressType, FieldPath.root('addressType')));
  return errs;
}
