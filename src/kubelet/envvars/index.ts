/**
 * The container environment (upstream kubelet `makeEnvironmentVariables`), an `EnvResolver`:
 *
 *   service links (the pod's namespace when enableServiceLinks, plus the `kubernetes` Service)
 *   → envFrom (configMapRef/secretRef, with prefix; invalid names skipped)
 *   → env (value with `$(VAR)` expansion, valueFrom fieldRef/resourceFieldRef/configMapKeyRef/secretKeyRef)
 *
 * Later sources override earlier ones; service variables never override explicit ones. A missing
 * object or key that is not `optional` fails the container with CreateContainerConfigError.
 */
import type { ConfigMap, Container, Pod, Secret } from 'kubernetes-types/core/v1.js';
import type { KeyValue } from '../container/runtime.js';
import { ContainerConfigError, expandVars, type EnvResolver } from '../kuberuntime/container-config.js';
import type { ObjectSource } from '../volumemanager/object-source.js';
import { containerResourceValue, FieldPathError, podFieldValue, type PodRuntimeInfo } from './field-path.js';
import { serviceEnv } from './service-env.js';

export { containerResourceValue, podFieldValue, formatMap, FieldPathError } from './field-path.js';
export type { PodRuntimeInfo } from './field-path.js';

export interface EnvResolverOptions {
  objects: ObjectSource;
  /** The node's allocatable (limits fall back to it in resourceFieldRef). */
  allocatable: () => Record<string, string>;
  /** Pod and host IPs (the pod's may not be in its status yet when the container is made). */
  runtimeInfo: (pod: Pod) => Promise<PodRuntimeInfo> | PodRuntimeInfo;
  /** Called with keys skipped from envFrom (upstream: an InvalidEnvironmentVariableNames event). */
  onInvalidKeys?: (pod: Pod, message: string) => void;
}

/** Upstream's relaxed env var name rule: printable ASCII without '=' (not empty). */
export const isEnvVarName = (s: string): boolean => /^[\x20-\x3c\x3e-\x7e]+$/.test(s);

const decode = (b64: string): string => Buffer.from(b64, 'base64').toString('utf8');

function configMapValue(cm: ConfigMap, key: string): string | undefined {
  if (cm.data?.[key] !== undefined) return cm.data[key];
  const bin = cm.binaryData?.[key];
  return bin === undefined ? undefined : decode(bin);
}

const secretValue = (s: Secret, key: string): string | undefined => {
  if (s.data?.[key] !== undefined) return decode(s.data[key]);
  return s.stringData?.[key];
};

export function createEnvResolver(o: EnvResolverOptions): EnvResolver {
  const { objects } = o;
  const needConfigMap = async (ns: string, name: string, optional: boolean) => {
    const cm = await objects.getConfigMap(ns, name);
    if (!cm && !optional) throw new ContainerConfigError(`configmap "${name}" not found`);
    return cm;
  };
  const needSecret = async (ns: string, name: string, optional: boolean) => {
    const s = await objects.getSecret(ns, name);
    if (!s && !optional) throw new ContainerConfigError(`secret "${name}" not found`);
    return s;
  };

  return async (pod: Pod, container: Container): Promise<KeyValue[]> => {
    const ns = pod.metadata?.namespace ?? 'default';
    const env = new Map<string, string>();
    // service links: used for expansion and added last unless overridden
    const services = new Map<string, string>();
    if (objects.listServices) {
      const all = pod.spec?.enableServiceLinks === false ? [] : await objects.listServices(ns);
      const master = ns === 'default' ? [] : await objects.listServices('default');
      const kube = master.filter((s) => s.metadata?.name === 'kubernetes');
      for (const [k, v] of serviceEnv([...kube, ...all])) services.set(k, v);
    }

    for (const from of container.envFrom ?? []) {
      const prefix = from.prefix ?? '';
      let entries: Array<[string, string]> = [];
      let what = '';
      if (from.configMapRef) {
        const name = from.configMapRef.name ?? '';
        const cm = await needConfigMap(ns, name, from.configMapRef.optional ?? false);
        if (!cm) continue;
        what = `configMap ${ns}/${name}`;
        entries = [
          ...Object.entries(cm.data ?? {}),
          ...Object.entries(cm.binaryData ?? {}).map(([k, v]): [string, string] => [k, decode(v)]),
        ];
      } else if (from.secretRef) {
        const name = from.secretRef.name ?? '';
        const s = await needSecret(ns, name, from.secretRef.optional ?? false);
        if (!s) continue;
        what = `secret ${ns}/${name}`;
        entries = Object.entries(s.data ?? {}).map(([k, v]): [string, string] => [k, decode(v)]);
      }
      const invalid: string[] = [];
      for (const [k, v] of entries) {
        const key = prefix + k;
        if (!isEnvVarName(key)) invalid.push(key);
        else env.set(key, v);
      }
      if (invalid.length) {
        o.onInvalidKeys?.(
          pod,
          `Keys [${invalid.sort().join(', ')}] from the EnvFrom ${what} were skipped since they are considered invalid environment variable names.`,
        );
      }
    }

    let info: PodRuntimeInfo | undefined;
    const runtimeInfo = async () => (info ??= await o.runtimeInfo(pod));
    for (const e of container.env ?? []) {
      const from = e.valueFrom;
      if (!from) {
        const vars = new Map([...services, ...env]);
        env.set(e.name, expandVars(e.value ?? '', vars));
        continue;
      }
      try {
        if (from.fieldRef) env.set(e.name, podFieldValue(pod, from.fieldRef, await runtimeInfo()));
        else if (from.resourceFieldRef) {
          const ref = from.resourceFieldRef;
          const name = ref.containerName || container.name;
          const all = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
          const target = all.find((c) => c.name === name);
          if (!target) throw new FieldPathError(`container ${name} not found in pod`);
          env.set(e.name, containerResourceValue(ref, target, o.allocatable()));
        } else if (from.configMapKeyRef) {
          const { name = '', key, optional = false } = from.configMapKeyRef;
          const cm = await needConfigMap(ns, name, optional);
          if (!cm) continue;
          const v = configMapValue(cm, key);
          if (v === undefined) {
            if (optional) continue;
            throw new ContainerConfigError(`couldn't find key ${key} in ConfigMap ${ns}/${name}`);
          }
          env.set(e.name, v);
        } else if (from.secretKeyRef) {
          const { name = '', key, optional = false } = from.secretKeyRef;
          const s = await needSecret(ns, name, optional);
          if (!s) continue;
          const v = secretValue(s, key);
          if (v === undefined) {
            if (optional) continue;
            throw new ContainerConfigError(`couldn't find key ${key} in Secret ${ns}/${name}`);
          }
          env.set(e.name, v);
        } else {
          throw new ContainerConfigError(`env ${e.name}: unsupported valueFrom source`);
        }
      } catch (err) {
        if (err instanceof FieldPathError) throw new ContainerConfigError(err.message);
        throw err;
      }
    }
    for (const [k, v] of services) if (!env.has(k)) env.set(k, v);
    return [...env].map(([key, value]) => ({ key, value }));
  };
}
