/**
 * ContainerConfig for one container of a pod (upstream kuberuntime `generateContainerConfig`):
 * command/args (the runtime merges them with the image's entrypoint/cmd as upstream does),
 * env, working dir, tty/stdin, the log path `<name>/<restartCount>.log` under the sandbox's log
 * directory, the termination message file mount, namespaces, resources (resources.ts), the
 * security context (security-context.ts), and the labels/annotations (restart count, spec hash,
 * termination message path/policy) read back from the runtime later.
 *
 * Env sources beyond `value` (fieldRef, configMapKeyRef, …) plug in through `EnvResolver`; the
 * default refuses them by name with CreateContainerConfigError.
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { ContainerConfig, KeyValue, Mount } from '../container/runtime.js';
import { containerAnnotations, containerLabels, type ContainerKind } from './labels.js';
import { generateLinuxContainerResources } from './resources.js';
import { containerNamespaceOptions } from './ephemeral.js';
import { generateContainerSecurityContext } from './security-context.js';

/** A container whose config cannot be built (status reason CreateContainerConfigError). */
export class ContainerConfigError extends Error {
  readonly reason = 'CreateContainerConfigError';
  constructor(message: string) {
    super(message);
    this.name = 'ContainerConfigError';
  }
}

/** Resolves a container's environment; may throw ContainerConfigError. */
export type EnvResolver = (pod: Pod, container: Container) => Promise<KeyValue[]> | KeyValue[];

/** `$(VAR)` references expanded from earlier variables, `$$(VAR)` escapes, unknown ones kept (upstream expansion). */
export function expandVars(input: string, vars: Map<string, string>): string {
  return input.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) =>
    match === '$$' ? '$' : (vars.get(name ?? '') ?? match),
  );
}

export const valueOnlyEnv: EnvResolver = (_pod, container) => {
  if (container.envFrom?.length) {
    throw new ContainerConfigError(`container ${container.name}: envFrom is not supported yet`);
  }
  const vars = new Map<string, string>();
  const out: KeyValue[] = [];
  for (const e of container.env ?? []) {
    if (e.valueFrom) {
      throw new ContainerConfigError(
        `container ${container.name}: env ${e.name} uses valueFrom, not supported yet`,
      );
    }
    const value = expandVars(e.value ?? '', vars);
    vars.set(e.name, value);
    out.push({ key: e.name, value });
  }
  return out;
};

export interface ContainerConfigInput {
  pod: Pod;
  container: Container;
  kind: ContainerKind;
  restartCount: number;
  /** The image as resolved by the image manager (its id), passed to CreateContainer. */
  imageRef: string;
  envs: KeyValue[];
  /** Host file mounted at the container's terminationMessagePath (null: none). */
  terminationMessageHostPath: string | null;
  /** Mounts from volumes (later); appended. */
  mounts?: Mount[];
  /** The node's memory in bytes (Burstable OOM score adjustment); the host's by default. */
  memoryCapacity?: number | undefined;
  /** Where Localhost seccomp profiles live. */
  seccompProfileRoot?: string | undefined;
  /** Ephemeral containers with a running target: the target's id, whose PID namespace is joined. */
  targetContainerID?: string | undefined;
}

export const containerLogPath = (name: string, restartCount: number): string => `${name}/${restartCount}.log`;

export function generateContainerConfig(input: ContainerConfigInput): ContainerConfig {
  const { pod, container: c } = input;
  const vars = new Map(input.envs.map((e) => [e.key, e.value]));
  const mounts: Mount[] = [...(input.mounts ?? [])];
  if (input.terminationMessageHostPath) {
    mounts.push({
      container_path: c.terminationMessagePath ?? '/dev/termination-log',
      host_path: input.terminationMessageHostPath,
    });
  }
  const ns = containerNamespaceOptions(pod, input.targetContainerID);
  return {
    metadata: { name: c.name, attempt: input.restartCount },
    image: { image: input.imageRef, user_specified_image: c.image ?? '' },
    ...(c.command ? { command: c.command.map((s) => expandVars(s, vars)) } : {}),
    ...(c.args ? { args: c.args.map((s) => expandVars(s, vars)) } : {}),
    ...(c.workingDir ? { working_dir: c.workingDir } : {}),
    envs: input.envs,
    mounts,
    labels: containerLabels(pod, c),
    annotations: containerAnnotations(pod, c, input.restartCount, input.kind),
    log_path: containerLogPath(c.name, input.restartCount),
    stdin: c.stdin ?? false,
    stdin_once: c.stdinOnce ?? false,
    tty: c.tty ?? false,
    linux: {
      resources: generateLinuxContainerResources(pod, c, { memoryCapacity: input.memoryCapacity }),
      security_context: generateContainerSecurityContext({
        pod,
        container: c,
        namespaceOptions: ns,
        seccompProfileRoot: input.seccompProfileRoot,
      }),
    },
  };
}
