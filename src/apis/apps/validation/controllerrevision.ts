/**
 * apps/v1 ControllerRevisions (upstream's ValidateControllerRevisionCreate / …Update): a
 * namespaced object named as a DNS subdomain whose `data` is required and, once written, never
 * changes; `revision` is a non-negative number (the one thing a controller may change, on rollback).
 */
import type { ControllerRevision } from 'kubernetes-types/apps/v1.js';
import { type FieldError, FieldPath, required } from '../../../apimachinery/validation/field.js';
import {
  nameIsDNSSubdomain,
  validateImmutableField,
  validateNonnegativeField,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../../meta/validation.js';

const metaOptions = { namespaced: true, nameFn: nameIsDNSSubdomain };

export function validateControllerRevision(cr: ControllerRevision): FieldError[] {
  const errs = validateObjectMeta(cr.metadata, metaOptions);
  if (cr.data === undefined || cr.data === null)
    errs.push(required(FieldPath.root('data'), 'data is mandatory'));
  errs.push(...validateNonnegativeField(cr.revision, FieldPath.root('revision')));
  return errs;
}

export function validateControllerRevisionUpdate(
  cr: ControllerRevision,
  old: ControllerRevision,
): FieldError[] {
  return [
    ...validateObjectMetaUpdate(cr.metadata, old.metadata),
    ...validateControllerRevision(cr),
    ...validateImmutableField(cr.data, old.data, FieldPath.root('data')),
  ];
}
