/**
 * PodTopologySpreadArgs, defaulted and validated as upstream's scheduler config
 * (SetDefaults_PodTopologySpreadArgs, ValidatePodTopologySpreadArgs):
 *
 *   defaultingType System (default) → the built-in constraints; defaultConstraints must be empty
 *   defaultingType List             → defaultConstraints as given (an empty list disables defaults)
 *
 * Each default constraint needs maxSkew > 0, a valid topologyKey, whenUnsatisfiable DoNotSchedule
 * or ScheduleAnyway, no labelSelector (it is deduced per pod), and a unique
 * {topologyKey, whenUnsatisfiable} pair.
 */
import type { TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';

import { validateLabelKey } from '../../../apimachinery/labels/index.js';
import {
  type FieldError,
  FieldPath,
  duplicate,
  fieldErrorMessage,
  forbidden,
  invalid,
  notSupported,
  required,
} from '../../../apimachinery/validation/field.js';
import { labelHostname, labelZone } from '../../framework/interface.js';

export type DefaultingType = 'System' | 'List';

export interface PodTopologySpreadArgs {
  defaultingType?: DefaultingType;
  defaultConstraints?: TopologySpreadConstraint[];
}

/** What kube-scheduler applies when no default constraints are configured (defaultingType System). */
export const systemDefaultConstraints: readonly TopologySpreadConstraint[] = [
  { topologyKey: labelHostname, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
  { topologyKey: labelZone, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 },
];

const DEFAULTING_TYPES: readonly string[] = ['System', 'List'];
const ACTIONS: readonly string[] = ['DoNotSchedule', 'ScheduleAnyway'];

export function validatePodTopologySpreadArgs(args: PodTopologySpreadArgs): FieldError[] {
  const errs: FieldError[] = [];
  const type = args.defaultingType ?? 'System';
  const constraints = args.defaultConstraints ?? [];
  const typePath = FieldPath.root('defaultingType');
  if (!DEFAULTING_TYPES.includes(type)) errs.push(notSupported(typePath, type, DEFAULTING_TYPES));
  else if (type === 'System' && constraints.length > 0) {
    errs.push(invalid(typePath, type, 'when .defaultConstraints are not empty'));
  }
  const path = FieldPath.root('defaultConstraints');
  constraints.forEach((c, i) => {
    const p = path.index(i);
    if (!(c.maxSkew > 0)) errs.push(invalid(p.child('maxSkew'), c.maxSkew, 'not in valid range (0, inf)'));
    if (!c.topologyKey) errs.push(required(p.child('topologyKey'), 'can not be empty'));
    else {
      const keyErr = validateLabelKey(c.topologyKey, p.child('topologyKey'));
      if (keyErr) errs.push(keyErr);
    }
    if (!c.whenUnsatisfiable) errs.push(required(p.child('whenUnsatisfiable'), 'can not be empty'));
    else if (!ACTIONS.includes(c.whenUnsatisfiable)) {
      errs.push(notSupported(p.child('whenUnsatisfiable'), c.whenUnsatisfiable, ACTIONS));
    }
    if (c.labelSelector !== undefined && c.labelSelector !== null) {
      errs.push(
        forbidden(
          p.child('labelSelector'),
          'constraint must not define a selector, as they deduced for each pod',
        ),
      );
    }
    const repeated = constraints
      .slice(0, i)
      .some((o) => o.topologyKey === c.topologyKey && o.whenUnsatisfiable === c.whenUnsatisfiable);
    if (repeated) errs.push(duplicate(p, `{${c.topologyKey}, ${c.whenUnsatisfiable}}`));
  });
  return errs;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** A configured constraint, typed field by field (wrong types fail validation as missing or invalid). */
function toConstraint(r: Record<string, unknown>): TopologySpreadConstraint {
  const c: TopologySpreadConstraint = {
    maxSkew: typeof r.maxSkew === 'number' ? r.maxSkew : Number.NaN,
    topologyKey: str(r.topologyKey),
    whenUnsatisfiable: str(r.whenUnsatisfiable),
  };
  if (r.labelSelector !== undefined && r.labelSelector !== null) c.labelSelector = {};
  if (typeof r.minDomains === 'number') c.minDomains = r.minDomains;
  if (typeof r.nodeAffinityPolicy === 'string') c.nodeAffinityPolicy = r.nodeAffinityPolicy;
  if (typeof r.nodeTaintsPolicy === 'string') c.nodeTaintsPolicy = r.nodeTaintsPolicy;
  if (Array.isArray(r.matchLabelKeys))
    c.matchLabelKeys = r.matchLabelKeys.filter((k) => typeof k === 'string');
  return c;
}

/** The constraints the plugin defaults to; throws on args that are not valid (a configuration bug). */
export function resolveDefaultConstraints(raw: unknown): {
  constraints: readonly TopologySpreadConstraint[];
  systemDefaulted: boolean;
} {
  if (raw !== undefined && raw !== null && !isRecord(raw)) {
    throw new Error(`PodTopologySpread: want args to be an object, got ${typeof raw}`);
  }
  const obj = raw ?? {};
  const defaultConstraints = obj.defaultConstraints ?? [];
  if (!Array.isArray(defaultConstraints) || !defaultConstraints.every(isRecord)) {
    throw new Error('PodTopologySpread: defaultConstraints: must be a list of TopologySpreadConstraint');
  }
  const args: PodTopologySpreadArgs = {
    defaultingType: (obj.defaultingType ?? 'System') as DefaultingType, // checked by validation
    defaultConstraints: defaultConstraints.map(toConstraint),
  };
  const errs = validatePodTopologySpreadArgs(args);
  if (errs.length > 0) {
    throw new Error(`PodTopologySpread: invalid args: ${errs.map(fieldErrorMessage).join(', ')}`);
  }
  return args.defaultingType === 'System'
    ? { constraints: systemDefaultConstraints, systemDefaulted: true }
    : { constraints: args.defaultConstraints ?? [], systemDefaulted: false };
}
