/**
 * `kubectl get controllerrevisions` as upstream prints it: NAME CONTROLLER REVISION AGE, the
 * controller shown as `<kind>.<group>/<name>` (`statefulset.apps/web`), or `<none>`.
 */
import type { ControllerRevision } from 'kubernetes-types/apps/v1.js';
import { ageColumn, column, nameColumn } from '../../../printers/columns.js';
import { translateTimestampSince } from '../../../printers/duration.js';
import type { TableConvertor } from '../../resource.js';

/** The controller owner reference as `kind.group/name` (no group for the core API). */
export function controllerName(cr: ControllerRevision): string {
  const ref = cr.metadata?.ownerReferences?.find((r) => r.controller);
  if (!ref) return '<none>';
  const slash = ref.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : ref.apiVersion.slice(0, slash);
  const kind = ref.kind.toLowerCase();
  return `${group ? `${kind}.${group}` : kind}/${ref.name}`;
}

export const controllerRevisionTable: TableConvertor<ControllerRevision> = {
  columns: [
    nameColumn,
    column('Controller', 'string', 'Controller of the object'),
    column('Revision', 'string', 'Revision indicates the revision of the state represented by Data.'),
    ageColumn,
  ],
  cells: (cr, now) => [
    cr.metadata?.name ?? '',
    controllerName(cr),
    cr.revision ?? 0,
    translateTimestampSince(cr.metadata?.creationTimestamp, now),
  ],
};
