/** The PodDisruptionBudget table: NAME MIN AVAILABLE MAX UNAVAILABLE ALLOWED DISRUPTIONS AGE. */
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import type { TableConvertor } from '../registry/resource.js';
import { ageColumn, column, intOrString, nameColumn } from './columns.js';
import { translateTimestampSince } from './duration.js';

export const podDisruptionBudgetTable: TableConvertor<PodDisruptionBudget> = {
  columns: [
    nameColumn,
    column('Min Available', 'string', 'The minimum number of pods that must be available.'),
    column('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    column('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    ageColumn,
  ],
  cells: (pdb, now) => [
    pdb.metadata?.name ?? '',
    pdb.spec?.minAvailable !== undefined ? intOrString(pdb.spec.minAvailable) : 'N/A',
    pdb.spec?.maxUnavailable !== undefined ? intOrString(pdb.spec.maxUnavailable) : 'N/A',
    pdb.status?.disruptionsAllowed ?? 0,
    translateTimestampSince(pdb.metadata?.creationTimestamp, now),
  ],
};
