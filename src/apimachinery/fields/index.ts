/** Field selectors (`?fieldSelector=`): parsing, matching, and the supported-field check. */
export {
  type FieldRequirement,
  type FieldSelector,
  type Fields,
  type TransformFunc,
  escapeFieldValue,
  everythingFields,
  fieldSelectorFromSet,
  parseFieldSelector,
  unescapeFieldValue,
} from './selector.js';
export { OBJECT_META_FIELDS, checkSelectableFields, objectMetaFields } from './supported.js';
