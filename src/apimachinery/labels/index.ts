/** Label selectors: the string syntax, `metav1.LabelSelector` objects, and label key/value checks. */
export {
  type LabelSelector,
  type LabelSelectorRequirement,
  formatLabelSelector,
  selectorFromLabelSelector,
} from './label-selector.js';
export { parseLabelSelector } from './parser.js';
export { type Labels, type Operator, Requirement, newRequirement, requirementErrors } from './requirement.js';
export {
  type Selector,
  everythingSelector,
  nothingSelector,
  selectorFromRequirements,
  selectorFromSet,
  validatedSelectorFromSet,
} from './selector.js';
export { validateLabelKey, validateLabelValue } from './validation.js';
