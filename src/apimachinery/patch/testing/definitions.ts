/**
 * A hand-made miniature of the core/v1 Pod definitions, with the patch strategies upstream
 * declares, for the strategic merge patch tests.
 */
import type { Definitions, Schema } from '../../schema.js';

const ref = (name: string): Schema => ({ $ref: `#/definitions/${name}` });
const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer', format: 'int32' };
const strMap: Schema = { type: 'object', additionalProperties: str };
const listOf = (items: Schema, extra: Partial<Schema> = {}): Schema => ({ type: 'array', items, ...extra });
const mergeBy = (key: string, strategy = 'merge'): Partial<Schema> => ({
  'x-kubernetes-patch-merge-key': key,
  'x-kubernetes-patch-strategy': strategy,
});

const V1 = 'io.k8s.api.core.v1';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

export const POD = `${V1}.Pod`;

export const definitions: Definitions = {
  [POD]: {
    type: 'object',
    properties: {
      apiVersion: str,
      kind: str,
      metadata: ref(`${META}.ObjectMeta`),
      spec: ref(`${V1}.PodSpec`),
      status: ref(`${V1}.PodStatus`),
    },
  },
  [`${META}.ObjectMeta`]: {
    type: 'object',
    properties: {
      name: str,
      namespace: str,
      uid: str,
      resourceVersion: str,
      labels: strMap,
      annotations: strMap,
      finalizers: listOf(str, { 'x-kubernetes-patch-strategy': 'merge' }),
      ownerReferences: listOf(ref(`${META}.OwnerReference`), mergeBy('uid')),
    },
  },
  [`${META}.OwnerReference`]: {
    type: 'object',
    properties: { apiVersion: str, kind: str, name: str, uid: str, controller: { type: 'boolean' } },
  },
  [`${V1}.PodSpec`]: {
    type: 'object',
    properties: {
      containers: listOf(ref(`${V1}.Container`), mergeBy('name')),
      initContainers: listOf(ref(`${V1}.Container`), mergeBy('name')),
      volumes: listOf(ref(`${V1}.Volume`), mergeBy('name', 'merge,retainKeys')),
      tolerations: listOf(ref(`${V1}.Toleration`)),
      nodeSelector: strMap,
      restartPolicy: str,
      affinity: { type: 'object' },
    },
  },
  [`${V1}.Container`]: {
    type: 'object',
    properties: {
      name: str,
      image: str,
      imagePullPolicy: str,
      args: listOf(str),
      env: listOf(ref(`${V1}.EnvVar`), mergeBy('name')),
      ports: listOf(ref(`${V1}.ContainerPort`), mergeBy('containerPort')),
      resources: { type: 'object' },
    },
  },
  [`${V1}.EnvVar`]: { type: 'object', properties: { name: str, value: str, valueFrom: { type: 'object' } } },
  [`${V1}.ContainerPort`]: { type: 'object', properties: { containerPort: int, protocol: str, name: str } },
  [`${V1}.Volume`]: {
    type: 'object',
    properties: {
      name: str,
      emptyDir: { type: 'object' },
      hostPath: { type: 'object', properties: { path: str } },
      configMap: { type: 'object', properties: { name: str } },
    },
  },
  [`${V1}.Toleration`]: {
    type: 'object',
    properties: { key: str, operator: str, value: str, effect: str, tolerationSeconds: int },
  },
  [`${V1}.PodStatus`]: {
    type: 'object',
    properties: { phase: str, conditions: listOf(ref(`${V1}.PodCondition`), mergeBy('type')) },
  },
  [`${V1}.PodCondition`]: { type: 'object', properties: { type: str, status: str, reason: str } },
};

/** The Pod schema as a handler would pass it: a reference into `definitions`. */
export const podSchema: Schema = ref(POD);
