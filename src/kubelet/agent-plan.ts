/**
 * What the agent's start-up does, decided from its options before anything starts (a pure
 * function, table-tested): the agent first runs what needs no API server — containerd, local
 * images, the pod lifecycle, static pods — then joins the server in the background.
 *
 * - CNI: with its own pod subnet the agent writes the CNI config before anything else, so every
 *   pod can start at once; without one it waits for the server to allocate it, and static pods
 *   that are not hostNetwork wait with it.
 * - Credentials: given (token, CA), or files the local API server writes into the data dir (a
 *   self-hosted control plane, whose API server is one of the agent's own static pods).
 * - An unreachable server: fatal when the agent has nothing to run without one (no manifest dir),
 *   otherwise retried with a backoff while the static pods run. A refused token is always fatal.
 */

export interface AgentCredentialFiles {
  /** The node join token (`<data-dir>/server/node-token`). */
  token: string;
  /** The cluster CA (`<data-dir>/server/tls/ca.crt`). */
  caCert: string;
}

export interface AgentPlanInput {
  token?: string | undefined;
  caCert?: string | undefined;
  credentialFiles?: AgentCredentialFiles | undefined;
  podCIDR?: string | undefined;
  podManifestPath?: string | undefined;
}

export type CniPlan = { when: 'at-start'; podCIDR: string } | { when: 'after-registration' };

export type CredentialsPlan =
  { from: 'options'; token: string; caCert?: string } | { from: 'files'; files: AgentCredentialFiles };

export interface AgentStartPlan {
  cni: CniPlan;
  /** The manifest dir, and whether its non-hostNetwork pods wait for the pod network. */
  staticPods: { dir: string; waitForNetwork: boolean } | null;
  credentials: CredentialsPlan;
  unreachableServer: 'fail' | 'retry';
}

export class AgentPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AgentPlanError';
  }
}

export function planAgentStart(o: AgentPlanInput): AgentStartPlan {
  const cni: CniPlan = o.podCIDR ? { when: 'at-start', podCIDR: o.podCIDR } : { when: 'after-registration' };
  let credentials: CredentialsPlan;
  if (o.token) credentials = { from: 'options', token: o.token, ...(o.caCert ? { caCert: o.caCert } : {}) };
  else if (o.credentialFiles) credentials = { from: 'files', files: o.credentialFiles };
  else throw new AgentPlanError('the agent needs a node token, or the files a local API server writes it to');
  return {
    cni,
    staticPods: o.podManifestPath
      ? { dir: o.podManifestPath, waitForNetwork: cni.when !== 'at-start' }
      : null,
    credentials,
    unreachableServer: o.podManifestPath ? 'retry' : 'fail',
  };
}
