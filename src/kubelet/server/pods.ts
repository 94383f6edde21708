/**
 * Finds a pod's sandbox and containers on the runtime from the identity labels the agent puts on
 * them (kuberuntime/labels.ts), so the server needs nothing from the pod workers.
 */
import { badRequest, notFound } from '../../apimachinery/errors.js';
import type { Container, RuntimeService } from '../container/runtime.js';
import {
  CONTAINER_NAME_LABEL,
  KUBERNETES_MANAGED_LABEL,
  MANAGED_BY,
  POD_NAME_LABEL,
  POD_NAMESPACE_LABEL,
} from '../kuberuntime/labels.js';

const pods = { group: '', resource: 'pods' };
const newestFirst = (a: { created_at: string }, b: { created_at: string }) =>
  BigInt(b.created_at) > BigInt(a.created_at) ? 1 : BigInt(b.created_at) < BigInt(a.created_at) ? -1 : 0;

/** The pod's current sandbox: the ready one, else the newest. */
export async function findSandbox(runtime: RuntimeService, namespace: string, name: string): Promise<string> {
  const sandboxes = await runtime.listPodSandbox({
    label_selector: {
      [POD_NAMESPACE_LABEL]: namespace,
      [POD_NAME_LABEL]: name,
      [KUBERNETES_MANAGED_LABEL]: MANAGED_BY,
    },
  });
  const sorted = [...sandboxes].sort(newestFirst);
  const sandbox = sorted.find((s) => s.state === 'SANDBOX_READY') ?? sorted[0];
  if (!sandbox) throw notFound(pods, name);
  return sandbox.id;
}

/** The instances of one container of a pod, newest first (the current one, then the previous ones). */
export async function containerInstances(
  runtime: RuntimeService,
  namespace: string,
  pod: string,
  container: string,
): Promise<Container[]> {
  const sandbox = await findSandbox(runtime, namespace, pod);
  const list = await runtime.listContainers({
    pod_sandbox_id: sandbox,
    label_selector: { [CONTAINER_NAME_LABEL]: container },
  });
  return [...list].sort(newestFirst);
}

/** The running container `container` of the pod (for exec/attach); 400 if it is not running. */
export async function runningContainer(
  runtime: RuntimeService,
  namespace: string,
  pod: string,
  container: string,
): Promise<string> {
  const [current] = await containerInstances(runtime, namespace, pod, container);
  if (!current) throw badRequest(`container ${container} not found in pod ${pod}`);
  if (current.state !== 'CONTAINER_RUNNING')
    throw badRequest(`container ${container} is not running in pod ${pod}`);
  return current.id;
}
