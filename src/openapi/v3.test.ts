import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadDefinitions } from './definitions.js';
import { testResources } from './testing/resources.js';
import { openapiV3GroupVersion, openapiV3Root, serializedV3GroupVersion, toV3Schema } from './v3.js';

const defs = loadDefinitions();
const resources = testResources();

type Json = { [key: string]: unknown };
const obj = (v: unknown): Json => (v && typeof v === 'object' ? (v as Json) : {});
const names = (params: unknown): string[] =>
  Array.isArray(params) ? params.map((p) => String(obj(p)['name'])) : [];

describe('openapiV3GroupVersion', () => {
  const doc = openapiV3GroupVersion(resources, defs, 'api/v1');

  it('serves every PATCH of a kind with its group-version-kind and a fieldValidation query parameter', () => {
    expect(doc?.openapi).toBe('3.0.0');
    const patches = Object.values(doc?.paths ?? {})
      .map((item) => obj(item['patch']))
      .filter((op) => obj(op['x-kubernetes-group-version-kind'])['kind'] === 'Pod');
    expect(patches.length).toBe(2); // the pod and its status
    for (const op of patches) {
      expect(op['x-kubernetes-group-version-kind']).toEqual({ group: '', version: 'v1', kind: 'Pod' });
      expect(op['x-kubernetes-action']).toBe('patch');
      const params = op['parameters'] as Json[];
      expect(params.find((p) => p['name'] === 'fieldValidation')).toMatchObject({ in: 'query' });
      expect(names(params)).toEqual(expect.arrayContaining(['dryRun', 'fieldManager', 'force']));
      expect(Object.keys(obj(obj(op['requestBody'])['content']))).toContain(
        'application/strategic-merge-patch+json',
      );
    }
  });

  it('lays out the collection and item operations', () => {
    const collection = doc?.paths['/api/v1/namespaces/{namespace}/pods'] ?? {};
    expect(obj(collection['get'])['x-kubernetes-action']).toBe('list');
    expect(obj(collection['post'])['operationId']).toBe('createCoreV1NamespacedPod');
    expect(names(obj(collection['get'])['parameters'])).toEqual(
      expect.arrayContaining(['labelSelector', 'watch']),
    );
    expect(names(collection['parameters'])).toEqual(['namespace', 'pretty']);
    const item = doc?.paths['/api/v1/namespaces/{namespace}/pods/{name}'] ?? {};
    expect(Object.keys(item).sort()).toEqual(['delete', 'get', 'parameters', 'patch', 'put']);
    expect(doc?.paths['/api/v1/nodes/{name}']).toBeDefined();
    expect(doc?.paths['/api/v1/pods']).toBeDefined();
    expect(
      obj(doc?.paths['/api/v1/namespaces/{namespace}/pods/{name}/eviction']?.['post'])[
        'x-kubernetes-group-version-kind'
      ],
    ).toEqual({ group: 'policy', version: 'v1', kind: 'Eviction' });
    expect(doc?.paths['/apis/policy/v1/namespaces/{namespace}/poddisruptionbudgets']).toBeUndefined();
  });

  it('publishes the reachable schemas as components, refs rewritten, with kinds for explain', () => {
    const schemas = doc?.components.schemas ?? {};
    expect(schemas['io.k8s.api.core.v1.Pod']?.['x-kubernetes-group-version-kind']).toEqual([
      { group: '', version: 'v1', kind: 'Pod' },
    ]);
    expect(schemas['io.k8s.api.core.v1.Pod']?.properties?.['spec']?.allOf).toEqual([
      { $ref: '#/components/schemas/io.k8s.api.core.v1.PodSpec' },
    ]);
    expect(
      schemas['io.k8s.api.core.v1.TopologySpreadConstraint']?.properties?.['maxSkew']?.description,
    ).toBeTruthy();
    expect(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.Status']).toBeDefined();
    expect(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions']).toBeDefined();
    expect(schemas['io.k8s.api.policy.v1.PodDisruptionBudget']).toBeUndefined();
    expect(JSON.stringify(schemas)).not.toContain('#/definitions/');
  });

  it('is undefined for a group version not served', () => {
    expect(openapiV3GroupVersion(resources, defs, 'apis/apps/v1')).toBeUndefined();
  });
});

describe('toV3Schema', () => {
  it('turns int-or-string and quantity into a oneOf of their JSON types', () => {
    const ios = toV3Schema(defs['io.k8s.apimachinery.pkg.util.intstr.IntOrString'] ?? {});
    expect(ios.type).toBeUndefined();
    expect(ios.oneOf).toEqual([{ type: 'integer' }, { type: 'string' }]);
    const quantity = toV3Schema(defs['io.k8s.apimachinery.pkg.api.resource.Quantity'] ?? {});
    expect(quantity.oneOf).toEqual([{ type: 'string' }, { type: 'number' }]);
  });
});

describe('openapiV3Root', () => {
  it('points at each group version by an upper-case SHA-512 hash of the served bytes', () => {
    const root = openapiV3Root(resources, defs);
    expect(Object.keys(root.paths)).toEqual(['api/v1', 'apis/coordination.k8s.io/v1', 'apis/policy/v1']);
    const served = serializedV3GroupVersion(resources, defs, 'apis/policy/v1');
    const hash = createHash('sha512')
      .update(served?.body ?? '')
      .digest('hex')
      .toUpperCase();
    expect(root.paths['apis/policy/v1']).toEqual({
      serverRelativeURL: `/openapi/v3/apis/policy/v1?hash=${hash}`,
    });
    expect(served?.etag).toBe(`"${hash}"`);
  });

  it('is stable across builds of the same resources', () => {
    const again = openapiV3Root(testResources(), defs);
    expect(again).toEqual(openapiV3Root(resources, defs));
  });
});
