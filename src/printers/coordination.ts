/** The Lease table: NAME HOLDER AGE. */
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { TableConvertor } from '../registry/resource.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { translateTimestampSince } from './duration.js';

export const leaseTable: TableConvertor<Lease> = {
  columns: [
    nameColumn,
    column('Holder', 'string', 'holderIdentity contains the identity of the holder of a current lease.'),
    ageColumn,
  ],
  cells: (l, now) => [
    l.metadata?.name ?? '',
    l.spec?.holderIdentity ?? '',
    translateTimestampSince(l.metadata?.creationTimestamp, now),
  ],
};
