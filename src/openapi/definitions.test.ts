import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSchema } from '../apimachinery/schema.js';
import { definitionsCachePath, generateDefinitions, loadDefinitions, projectRoot } from './definitions.js';

const defs = generateDefinitions();
const core = (name: string) => defs[`io.k8s.api.core.v1.${name}`];
const meta = (name: string) => defs[`io.k8s.apimachinery.pkg.apis.meta.v1.${name}`];

describe('generateDefinitions', () => {
  it('names definitions like upstream and marks kinds with their group-version-kind', () => {
    expect(core('Pod')?.['x-kubernetes-group-version-kind']).toEqual([
      { group: '', version: 'v1', kind: 'Pod' },
    ]);
    expect(defs['io.k8s.api.policy.v1.PodDisruptionBudget']?.['x-kubernetes-group-version-kind']).toEqual([
      { group: 'policy', version: 'v1', kind: 'PodDisruptionBudget' },
    ]);
    expect(defs['io.k8s.api.coordination.v1.Lease']?.['x-kubernetes-group-version-kind']?.[0]?.group).toBe(
      'coordination.k8s.io',
    );
    expect(defs['io.k8s.api.events.v1.Event']?.['x-kubernetes-group-version-kind']?.[0]?.group).toBe(
      'events.k8s.io',
    );
    expect(meta('Status')?.['x-kubernetes-group-version-kind']).toEqual([
      { group: '', version: 'v1', kind: 'Status' },
    ]);
    expect(core('PodSpec')?.['x-kubernetes-group-version-kind']).toBeUndefined();
  });

  it('types properties and refers to other definitions', () => {
    const pod = core('Pod')?.properties;
    expect(pod?.['metadata']?.$ref).toBe('#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
    const spec = core('PodSpec')?.properties;
    expect(spec?.['containers']?.type).toBe('array');
    expect(spec?.['containers']?.items?.$ref).toBe('#/definitions/io.k8s.api.core.v1.Container');
    expect(spec?.['nodeSelector']).toMatchObject({
      type: 'object',
      additionalProperties: { type: 'string' },
    });
    expect(spec?.['hostNetwork']?.type).toBe('boolean');
    expect(core('ContainerPort')?.properties?.['containerPort']).toMatchObject({
      type: 'integer',
      format: 'int32',
    });
    expect(meta('ObjectMeta')?.properties?.['generation']).toMatchObject({
      type: 'integer',
      format: 'int64',
    });
    expect(core('Container')?.required).toEqual(['name']);
    expect(core('HTTPGetAction')?.properties?.['port']?.$ref).toBe(
      '#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString',
    );
  });

  it('carries the descriptions of the declarations', () => {
    expect(core('Pod')?.description).toMatch(/collection of containers/);
    expect(core('Container')?.properties?.['image']?.description).toMatch(/image name/i);
    const quantity = defs['io.k8s.apimachinery.pkg.api.resource.Quantity']?.description ?? '';
    expect(quantity).toContain('\n\n');
  });

  it('shapes Quantity, IntOrString, Time and MicroTime like upstream', () => {
    expect(defs['io.k8s.apimachinery.pkg.api.resource.Quantity']).toMatchObject({
      type: 'string',
      format: 'quantity',
    });
    expect(defs['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).toMatchObject({
      format: 'int-or-string',
      'x-kubernetes-int-or-string': true,
    });
    expect(meta('Time')).toMatchObject({ type: 'string', format: 'date-time' });
    expect(meta('MicroTime')).toMatchObject({ type: 'string', format: 'date-time' });
  });

  it('adds upstream patch metadata', () => {
    const spec = core('PodSpec')?.properties ?? {};
    expect(spec['containers']).toMatchObject({
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
    });
    expect(spec['volumes']?.['x-kubernetes-patch-strategy']).toBe('merge,retainKeys');
    expect(spec['topologySpreadConstraints']?.['x-kubernetes-list-map-keys']).toEqual([
      'topologyKey',
      'whenUnsatisfiable',
    ]);
    const container = core('Container')?.properties ?? {};
    expect(container['ports']?.['x-kubernetes-patch-merge-key']).toBe('containerPort');
    expect(container['ports']?.['x-kubernetes-list-map-keys']).toEqual(['containerPort', 'protocol']);
    expect(container['volumeMounts']?.['x-kubernetes-patch-merge-key']).toBe('mountPath');
    expect(core('PodStatus')?.properties?.['conditions']?.['x-kubernetes-patch-merge-key']).toBe('type');
    const objectMeta = meta('ObjectMeta')?.properties ?? {};
    expect(objectMeta['finalizers']).toMatchObject({
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-list-type': 'set',
    });
    expect(objectMeta['ownerReferences']?.['x-kubernetes-patch-merge-key']).toBe('uid');
    expect(core('ServiceSpec')?.properties?.['ports']?.['x-kubernetes-patch-merge-key']).toBe('port');
    expect(meta('LabelSelector')?.['x-kubernetes-map-type']).toBe('atomic');
  });

  it('leaves no dangling reference', () => {
    const dangling: string[] = [];
    const visit = (value: unknown): void => {
      if (!value || typeof value !== 'object') return;
      for (const [k, v] of Object.entries(value)) {
        if (k === '$ref' && typeof v === 'string' && !resolveSchema(defs, { $ref: v })) dangling.push(v);
        else visit(v);
      }
    };
    visit(defs);
    expect(dangling).toEqual([]);
  });
});

describe('loadDefinitions', () => {
  it('memoizes and matches a fresh generation', () => {
    const loaded = loadDefinitions();
    expect(loadDefinitions()).toBe(loaded);
    expect(Object.keys(loaded)).toEqual(Object.keys(defs));
    expect(loaded['io.k8s.api.core.v1.PodSpec']).toEqual(core('PodSpec'));
  });

  it('keeps its cache under the project root, whatever the working directory', () => {
    const root = projectRoot();
    expect(existsSync(join(root, 'package.json'))).toBe(true);
    expect(definitionsCachePath()).toBe(join(root, 'dist', 'openapi', 'definitions.json'));
  });
});
