/**
 * Column definitions shared by the table printers, and small formatting helpers
 * (`labels.FormatLabels`, IntOrString values).
 */
import type { TableColumn } from '../registry/resource.js';

export const column = (
  name: string,
  type: TableColumn['type'],
  description: string,
  priority = 0,
  format = '',
): TableColumn => ({ name, type, format, description, priority });

export const nameColumn: TableColumn = column(
  'Name',
  'string',
  'Name must be unique within a namespace. It is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically.',
  0,
  'name',
);

export const ageColumn: TableColumn = column(
  'Age',
  'string',
  'CreationTimestamp is a timestamp representing the server time when this object was created.',
);

/** `k1=v1,k2=v2` with keys sorted, or `<none>`. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${labels?.[k] ?? ''}`).join(',') : '<none>';
}

/** An IntOrString as Go prints it: the number, or the string as is. */
export const intOrString = (v: number | string | undefined): string => (v === undefined ? '' : String(v));
