/**
 * Server-side printing: objects as a meta.k8s.io Table, the form `kubectl get` asks for.
 * Columns come from the resource's strategy; resources without one get NAME and AGE.
 */
import type { KubeObject, ResourceType, TableColumn, TableConvertor } from '../registry/resource.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

const nameColumn: TableColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
  priority: 0,
};

const defaultTable: TableConvertor<KubeObject> = {
  columns: [
    nameColumn,
    {
      name: 'Created At',
      type: 'date',
      format: '',
      description: 'The time the object was created.',
      priority: 0,
    },
  ],
  cells: (obj) => [obj.metadata?.name ?? '', obj.metadata?.creationTimestamp ?? ''],
};

export const tableFor = (r: ResourceType): TableConvertor<KubeObject> => r.strategy.table ?? defaultTable;

export interface TableOptions {
  includeObject: IncludeObject;
  withColumns: boolean;
  version: string;
  now?: Date;
}

export function toTable(
  r: ResourceType,
  objects: KubeObject[],
  listMeta: Record<string, unknown>,
  options: TableOptions,
): Record<string, unknown> {
  const t = tableFor(r);
  const now = options.now ?? new Date();
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${options.version}`,
    metadata: listMeta,
    columnDefinitions: options.withColumns ? t.columns : [],
    rows: objects.map((obj) => {
      const row: Record<string, unknown> = { cells: t.cells(obj, now) };
      if (options.includeObject === 'Object') row.object = obj;
      else if (options.includeObject === 'Metadata') {
        row.object = {
          kind: 'PartialObjectMetadata',
          apiVersion: 'meta.k8s.io/v1',
          metadata: obj.metadata ?? {},
        };
      }
      return row;
    }),
  };
}
