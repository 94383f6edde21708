/** The EndpointSlice table: NAME ADDRESSTYPE PORTS ENDPOINTS AGE. */
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { TableConvertor } from '../registry/resource.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { translateTimestampSince } from './duration.js';

const MAX_SHOWN = 3;

/** The first three values, then ` + N more...`; `<unset>` when there are none. */
function listWithMore(values: string[]): string {
  if (!values.length) return '<unset>';
  const shown = values.slice(0, MAX_SHOWN).join(',');
  return values.length > MAX_SHOWN ? `${shown} + ${values.length - MAX_SHOWN} more...` : shown;
}

/** Port numbers (a port without one shows its name, or `*`: all ports). */
export const formatDiscoveryPorts = (slice: EndpointSlice): string =>
  listWithMore((slice.ports ?? []).map((p) => (p.port !== undefined ? String(p.port) : (p.name ?? '*'))));

/** Every address of every endpoint. */
export const formatDiscoveryEndpoints = (slice: EndpointSlice): string =>
  listWithMore((slice.endpoints ?? []).flatMap((ep) => ep.addresses));

export const endpointSliceTable: TableConvertor<EndpointSlice> = {
  columns: [
    nameColumn,
    column('AddressType', 'string', 'The type of address held by the endpoints of this slice.'),
    column('Ports', 'string', 'The network ports each endpoint of this slice exposes.'),
    column('Endpoints', 'string', 'The addresses of the endpoints in this slice.'),
    ageColumn,
  ],
  cells: (slice, now) => [
    slice.metadata?.name ?? '',
    slice.addressType,
    formatDiscoveryPorts(slice),
    formatDiscoveryEndpoints(slice),
    translateTimestampSince(slice.metadata?.creationTimestamp, now),
  ],
};
