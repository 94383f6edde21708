/**
 * Node selectors as upstream's component-helpers nodeaffinity: a NodeSelector's terms are ORed,
 * a term's requirements ANDed; matchExpressions select node labels (In, NotIn, Exists,
 * DoesNotExist, Gt, Lt), matchFields select the node's fields (only `metadata.name`, In/NotIn
 * with one value). A term without requirements matches nothing; a term that does not parse is
 * dropped (the "lazy error" behaviour kept for backwards compatibility).
 */
import type {
  Node,
  NodeSelector,
  NodeSelectorTerm,
  PreferredSchedulingTerm,
  Pod,
} from 'kubernetes-types/core/v1.js';
import {
  type Operator,
  type Selector,
  newRequirement,
  selectorFromRequirements,
  selectorFromSet,
} from '../../../apimachinery/labels/index.js';

/** The only node field a selector can name. */
export const objectNameField = 'metadata.name';

const labelOperators: Readonly<Record<string, Operator>> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
  Gt: 'gt',
  Lt: 'lt',
};

interface FieldRequirement {
  key: string;
  equal: boolean;
  value: string;
}

interface ParsedTerm {
  labels?: Selector;
  fields?: FieldRequirement[];
}

function parseTerm(term: NodeSelectorTerm): ParsedTerm | undefined {
  const exprs = term.matchExpressions ?? [];
  const out: ParsedTerm = {};
  if (exprs.length) {
    try {
      out.labels = selectorFromRequirements(
        exprs.map((e) => {
          const op = Object.hasOwn(labelOperators, e.operator) ? labelOperators[e.operator] : undefined;
          if (!op) throw new Error(`unsupported operator ${e.operator}`);
          return newRequirement(e.key, op, e.values ?? []);
        }),
      );
    } catch {
      return undefined;
    }
  }
  const fields = term.matchFields ?? [];
  if (fields.length) {
    out.fields = [];
    for (const f of fields) {
      const values = f.values ?? [];
      if ((f.operator !== 'In' && f.operator !== 'NotIn') || values.length !== 1) return undefined;
      out.fields.push({ key: f.key, equal: f.operator === 'In', value: values[0] ?? '' });
    }
  }
  return out;
}

function termMatches(t: ParsedTerm, node: Node): boolean {
  if (!t.labels && !t.fields) return false;
  if (t.labels && !t.labels.matches(node.metadata?.labels ?? {})) return false;
  const fieldValue = (key: string): string => (key === objectNameField ? (node.metadata?.name ?? '') : '');
  return (t.fields ?? []).every((f) => (fieldValue(f.key) === f.value) === f.equal);
}

/** A required NodeSelector: does any of its (parsable) terms match the node? */
export class NodeSelectorMatcher {
  private readonly terms: ParsedTerm[];

  constructor(selector: NodeSelector) {
    this.terms = selector.nodeSelectorTerms.map(parseTerm).filter((t): t is ParsedTerm => t !== undefined);
  }

  match(node: Node): boolean {
    return this.terms.some((t) => termMatches(t, node));
  }
}

/** Preferred terms: the sum of the weights of the terms the node matches (weight-0 terms ignored). */
export class PreferredSchedulingTerms {
  private readonly terms: { term: ParsedTerm; weight: number }[] = [];

  constructor(terms: readonly PreferredSchedulingTerm[]) {
    for (const t of terms) {
      if (!t.weight) continue;
      const parsed = parseTerm(t.preference);
      if (parsed) this.terms.push({ term: parsed, weight: t.weight });
    }
  }

  score(node: Node): number {
    return this.terms.reduce((sum, t) => (termMatches(t.term, node) ? sum + t.weight : sum), 0);
  }
}

/** A pod's hard node constraints: `spec.nodeSelector` AND required node affinity. */
export class RequiredNodeAffinity {
  private readonly labelSelector: Selector | undefined;
  private readonly nodeSelector: NodeSelectorMatcher | undefined;

  constructor(pod: Pod) {
    const ns = pod.spec?.nodeSelector;
    this.labelSelector = ns && Object.keys(ns).length ? selectorFromSet(ns) : undefined;
    const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    this.nodeSelector = required ? new NodeSelectorMatcher(required) : undefined;
  }

  match(node: Node): boolean {
    if (this.labelSelector && !this.labelSelector.matches(node.metadata?.labels ?? {})) return false;
    return this.nodeSelector ? this.nodeSelector.match(node) : true;
  }
}
