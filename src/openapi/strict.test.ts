import { describe, expect, it } from 'vitest';
import { loadDefinitions } from './definitions.js';
import { strictDecodingError, unknownFields } from './strict.js';

const defs = loadDefinitions();
const POD = 'io.k8s.api.core.v1.Pod';

const validPod = () => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web',
    labels: { app: 'web', 'example.com/any-key': 'x' },
    annotations: { note: 'y' },
    managedFields: [{ manager: 'kubectl', fieldsV1: { 'f:spec': { 'f:containers': {} } } }],
  },
  spec: {
    containers: [
      {
        name: 'c',
        image: 'nginx',
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        resources: { limits: { cpu: '1', memory: '1Gi' } },
        livenessProbe: { httpGet: { port: 'http', path: '/' } },
        env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
      },
    ],
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' }],
  },
});

describe('unknownFields', () => {
  it('accepts a valid pod, maps with any key and free-form content included', () => {
    expect(unknownFields(validPod(), POD, defs)).toEqual([]);
  });

  it('finds nested typos, in document order', () => {
    const pod = validPod();
    Object.assign(pod.spec.containers[0] as object, { imagePullPolicyy: 'Always' });
    Object.assign(pod.metadata, { labelz: {} });
    Object.assign(pod.spec.topologySpreadConstraints[0] as object, { maxSkw: 2 });
    Object.assign(pod, { extra: true });
    expect(unknownFields(pod, POD, defs)).toEqual([
      '.metadata.labelz',
      '.spec.containers[0].imagePullPolicyy',
      '.spec.topologySpreadConstraints[0].maxSkw',
      '.extra',
    ]);
  });

  it('honours x-kubernetes-preserve-unknown-fields', () => {
    const schema = {
      type: 'object' as const,
      properties: {
        spec: {
          type: 'object' as const,
          'x-kubernetes-preserve-unknown-fields': true,
          properties: { a: { type: 'object' as const, properties: {} } },
        },
      },
    };
    expect(unknownFields({ spec: { anything: 1, a: {} } }, schema, defs)).toEqual([]);
  });

  it('accepts anything but objects where the schema has no fields to check', () => {
    expect(unknownFields(null, POD, defs)).toEqual([]);
    expect(unknownFields({ spec: { containers: 'nope' } }, POD, defs)).toEqual([]);
  });
});

describe('strictDecodingError', () => {
  it('words the message like upstream', () => {
    expect(strictDecodingError(['.spec.containers[0].imagePullPolicyy'])).toBe(
      'strict decoding error: unknown field "spec.containers[0].imagePullPolicyy"',
    );
    expect(strictDecodingError(['.a', '.b.c'])).toBe(
      'strict decoding error: unknown field "a", unknown field "b.c"',
    );
  });
});
