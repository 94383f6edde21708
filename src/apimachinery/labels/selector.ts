/**
 * Label selectors, like upstream's `labels.Selector`: a conjunction of requirements, the
 * everything selector (no requirements, matches every object) and the nothing selector
 * (matches no object — what a null `metav1.LabelSelector` means).
 */
import { type Labels, Requirement, newRequirement } from './requirement.js';

export interface Selector {
  /** Whether every requirement holds for `labels` (an absent label set has no labels). */
  matches(labels: Labels | undefined): boolean;
  /** True for a selector without requirements (it matches everything); false for `nothing`. */
  empty(): boolean;
  /** The requirements, sorted by key; none for everything and nothing. */
  requirements(): readonly Requirement[];
  /** Another selector with these requirements added (the nothing selector stays nothing). */
  add(...reqs: Requirement[]): Selector;
  /** The value `key` must equal (`key=v`, `key==v` or `key in (v)`), if a requirement fixes it. */
  requiresExactMatch(key: string): string | undefined;
  /** The string form (`a=b,c in (x,y)`), requirements sorted by key; '' for everything and nothing. */
  toString(): string;
}

const byKey = (a: Requirement, b: Requirement): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

class RequirementsSelector implements Selector {
  private readonly reqs: readonly Requirement[];

  constructor(reqs: readonly Requirement[]) {
    this.reqs = [...reqs].sort(byKey);
  }

  matches(labels: Labels | undefined): boolean {
    return this.reqs.every((r) => r.matches(labels));
  }

  empty(): boolean {
    return this.reqs.length === 0;
  }

  requirements(): readonly Requirement[] {
    return this.reqs;
  }

  add(...reqs: Requirement[]): Selector {
    return new RequirementsSelector([...this.reqs, ...reqs]);
  }

  requiresExactMatch(key: string): string | undefined {
    for (const r of this.reqs) {
      if (r.key !== key) continue;
      if ((r.operator === '=' || r.operator === '==' || r.operator === 'in') && r.values.length === 1) {
        return r.values[0];
      }
    }
    return undefined;
  }

  toString(): string {
    return this.reqs.map((r) => r.toString()).join(',');
  }
}

const NOTHING: Selector = {
  matches: () => false,
  empty: () => false,
  requirements: () => [],
  add: () => NOTHING,
  requiresExactMatch: () => undefined,
  toString: () => '',
};

/** Matches every object, labelled or not. */
export const everythingSelector = (): Selector => new RequirementsSelector([]);

/** Matches no object at all. */
export const nothingSelector = (): Selector => NOTHING;

/** A selector of these requirements (validated by whoever built them). */
export const selectorFromRequirements = (reqs: readonly Requirement[]): Selector =>
  new RequirementsSelector(reqs);

/** `k1=v1,k2=v2` for a label set, unchecked (an empty or absent set selects everything). */
export function selectorFromSet(set: Labels | undefined): Selector {
  return new RequirementsSelector(Object.entries(set ?? {}).map(([k, v]) => new Requirement(k, '=', [v])));
}

/** Like `selectorFromSet`, but a 400 BadRequest when a key or value is not valid. */
export function validatedSelectorFromSet(set: Labels | undefined): Selector {
  return new RequirementsSelector(Object.entries(set ?? {}).map(([k, v]) => newRequirement(k, '=', [v])));
}
