/**
 * Nodes: DNS-subdomain names, taints, resource quantities in status, pod CIDRs, and what an
 * update may not change (podCIDRs and providerID once set).
 */
import type { Node } from 'kubernetes-types/core/v1.js';
import {
  type FieldError,
  FieldPath,
  duplicate,
  forbidden,
  invalid,
} from '../../../apimachinery/validation/field.js';
import { CIDR_ERROR, parsesAsCIDR } from '../../../apimachinery/validation/names.js';
import { semanticEqual } from '../../meta/equality.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../meta/validation.js';
import { validateNodeName } from './common.js';
import { parseQuantityField, validateResourceQuantityValue } from './resources.js';
import { validateNodeTaints } from './scheduling.js';

function validateNodeResources(node: Node): FieldError[] {
  const errs: FieldError[] = [];
  for (const kind of ['capacity', 'allocatable'] as const) {
    for (const [k, raw] of Object.entries(node.status?.[kind] ?? {})) {
      const p = FieldPath.root('status').child(kind, k);
      const { q, errors } = parseQuantityField(raw, p);
      errs.push(...errors, ...(q ? validateResourceQuantityValue(k, q, p) : []));
    }
  }
  return errs;
}

export function validateNode(node: Node): FieldError[] {
  const metaPath = FieldPath.root('metadata');
  const errs = validateObjectMeta(node.metadata, { namespaced: false, nameFn: validateNodeName }, metaPath);
  // Upstream reports taint errors under metadata.taints.
  errs.push(...validateNodeTaints(node.spec?.taints, metaPath.child('taints')));
  errs.push(...validateNodeResources(node));
  const cidrs = node.spec?.podCIDRs ?? [];
  const path = FieldPath.root('spec').child('podCIDRs');
  cidrs.forEach((c, i) => {
    if (!parsesAsCIDR(c)) errs.push(invalid(path.index(i), c, CIDR_ERROR));
  });
  if (cidrs.length > 1) {
    const v6 = cidrs.map((c) => c.includes(':'));
    if (cidrs.length > 2 || v6[0] === v6[1])
      errs.push(invalid(path, cidrs, 'may specify no more than one CIDR for each IP family'));
    const seen = new Set<string>();
    cidrs.forEach((c, i) => {
      if (seen.has(c)) errs.push(duplicate(path.index(i), c));
      seen.add(c);
    });
  }
  return errs;
}

export function validateNodeUpdate(node: Node, old: Node): FieldError[] {
  const metaPath = FieldPath.root('metadata');
  const errs = validateObjectMetaUpdate(node.metadata, old.metadata, metaPath);
  errs.push(...validateNodeResources(node));
  const seen: unknown[] = [];
  (node.status?.addresses ?? []).forEach((a, i) => {
    if (seen.some((s) => semanticEqual(s, a)))
      errs.push(duplicate(FieldPath.root('status').child('addresses').index(i), a));
    seen.push(a);
  });
  const oldCIDRs = old.spec?.podCIDRs ?? [];
  const newCIDRs = node.spec?.podCIDRs ?? [];
  const cidrMsg = 'node updates may not change podCIDR except from "" to valid';
  if (oldCIDRs.length > 0) {
    if (oldCIDRs.length !== newCIDRs.length)
      errs.push(forbidden(FieldPath.root('spec').child('podCIDRs'), cidrMsg));
    else
      oldCIDRs.forEach(
        (c, i) =>
          c !== newCIDRs[i] && errs.push(forbidden(FieldPath.root('spec').child('podCIDRs'), cidrMsg)),
      );
  }
  const oldProvider = old.spec?.providerID ?? '';
  if (oldProvider && oldProvider !== (node.spec?.providerID ?? '')) {
    errs.push(
      forbidden(
        FieldPath.root('spec').child('providerID'),
        'node updates may not change providerID except from "" to valid',
      ),
    );
  }
  errs.push(...validateNodeTaints(node.spec?.taints, metaPath.child('taints')));
  if ((node.spec?.externalID ?? '') !== (old.spec?.externalID ?? '')) {
    errs.push(forbidden(FieldPath.root('spec').child('externalID'), 'may not be updated'));
  }
  return errs;
}
