import { describe, expect, it } from 'vitest';
import { loadDefinitions } from './definitions.js';
import { testResources } from './testing/resources.js';
import { openapiV2 } from './v2.js';
import { acceptsOpenAPIV2Protobuf, openapiV2Protobuf } from './v2-protobuf.js';

const defs = loadDefinitions();
const doc = openapiV2(testResources(), defs);
type Json = { [key: string]: unknown };
const obj = (v: unknown): Json => (v && typeof v === 'object' ? (v as Json) : {});

describe('openapiV2', () => {
  it('is a Swagger 2.0 document with operations carrying action and kind', () => {
    expect(doc.swagger).toBe('2.0');
    expect(doc.info.version).toMatch(/^v1\.\d+\.\d+$/);
    const item = doc.paths['/apis/policy/v1/namespaces/{namespace}/poddisruptionbudgets/{name}'] ?? {};
    const patch = obj(item['patch']);
    expect(patch['operationId']).toBe('patchPolicyV1NamespacedPodDisruptionBudget');
    expect(patch['x-kubernetes-action']).toBe('patch');
    expect(patch['x-kubernetes-group-version-kind']).toEqual({
      group: 'policy',
      version: 'v1',
      kind: 'PodDisruptionBudget',
    });
    const params = (patch['parameters'] as Json[]).map((p) => p['name']);
    expect(params).toEqual(['body', 'dryRun', 'fieldManager', 'fieldValidation', 'force']);
    expect(patch['consumes']).toContain('application/apply-patch+yaml');
    const create = obj(doc.paths['/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases']?.['post']);
    expect((create['parameters'] as Json[]).map((p) => p['name'])).toContain('fieldValidation');
    expect(obj(obj(create['responses'])['201'])['schema']).toEqual({
      $ref: '#/definitions/io.k8s.api.coordination.v1.Lease',
    });
  });

  it('only carries definitions reachable from the served kinds, plus the meta types', () => {
    const names = Object.keys(doc.definitions);
    expect(names).toEqual(
      expect.arrayContaining([
        'io.k8s.api.core.v1.Pod',
        'io.k8s.api.core.v1.PodList',
        'io.k8s.api.core.v1.TopologySpreadConstraint',
        'io.k8s.api.policy.v1.Eviction',
        'io.k8s.apimachinery.pkg.apis.meta.v1.Status',
        'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta',
        'io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent',
        'io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList',
        'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
      ]),
    );
    expect(names).not.toContain('io.k8s.api.apps.v1.Deployment');
    expect(names).not.toContain('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps');
    const deleteOptions = doc.definitions['io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions'];
    expect(deleteOptions?.['x-kubernetes-group-version-kind']?.map((g) => g.group)).toEqual([
      '',
      'coordination.k8s.io',
      'policy',
    ]);
    expect(
      defs['io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions']?.['x-kubernetes-group-version-kind'],
    ).toHaveLength(1);
  });
});

describe('openapiV2Protobuf', () => {
  it('encodes the document as a gnostic Document message', () => {
    const bytes = openapiV2Protobuf(doc);
    // Field 1 (swagger), length-delimited: tag 0x0a, length 3, "2.0".
    expect([...bytes.subarray(0, 5)]).toEqual([0x0a, 3, ...Buffer.from('2.0')]);
    const text = Buffer.from(bytes).toString('latin1');
    expect(text).toContain('io.k8s.api.core.v1.Pod');
    expect(text).toContain('x-kubernetes-patch-merge-key');
    expect(bytes.length).toBeGreaterThan(10_000);
  });

  it('recognizes both spellings of the media type', () => {
    expect(acceptsOpenAPIV2Protobuf('application/com.github.proto-openapi.spec.v2@v1.0+protobuf')).toBe(true);
    expect(acceptsOpenAPIV2Protobuf('application/com.github.proto-openapi.spec.v2.v1.0+protobuf')).toBe(true);
    expect(acceptsOpenAPIV2Protobuf('application/json')).toBe(false);
  });
});
