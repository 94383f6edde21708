/**
 * Makes a container's image present per its imagePullPolicy (upstream `images.EnsureImageExists`):
 * Never → present or ErrImageNeverPull; IfNotPresent → pull when absent; Always → pull every time
 * a container starts. A failed pull is ErrImagePull and starts a back-off per pod and image;
 * within it the answer is ImagePullBackOff without trying. Outcomes are returned, not thrown.
 *
 * Images named `localhost/…` (no port) are built on the node, as podman marks them: there is no
 * registry to pull them from, so they are used when present and never pulled.
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { Clock } from '../lifecycle.js';
import type { Runtime } from '../container/runtime.js';
import { RuntimeError } from '../container/errors.js';
import * as ev from '../events/reasons.js';
import type { Backoff } from './backoff.js';

/** Records an image event about the container (Pulling, Pulled, Failed, BackOff, ErrImageNeverPull). */
export type ImageEventRecorder = (type: 'Normal' | 'Warning', reason: string, message: string) => void;

/** A duration as Go prints it, to the millisecond (`523ms`, `1.5s`, `2m3.4s`). */
export function formatPullDuration(ms: number): string {
  const t = Math.max(0, Math.round(ms));
  if (t < 1000) return `${t}ms`;
  const trim = (n: number) => String(Number(n.toFixed(3)));
  const minutes = Math.floor(t / 60_000);
  const seconds = (t % 60_000) / 1000;
  return minutes > 0 ? `${minutes}m${trim(seconds)}s` : `${trim(seconds)}s`;
}

export type EnsureImageResult =
  | { ok: true; imageRef: string; pulled: boolean }
  | {
      ok: false;
      reason: 'ErrImagePull' | 'ImagePullBackOff' | 'ErrImageNeverPull' | 'InvalidImageName';
      message: string;
    };

/** `localhost/name[:tag]`: a locally built image (a registry on localhost has a port). */
export const isLocalImage = (image: string): boolean => image.startsWith('localhost/');

/** The API default: Always for `:latest` or no tag, IfNotPresent otherwise. */
export function pullPolicyOf(container: Container): 'Always' | 'IfNotPresent' | 'Never' {
  const policy = container.imagePullPolicy;
  if (policy === 'Always' || policy === 'IfNotPresent' || policy === 'Never') return policy;
  const image = container.image ?? '';
  if (image.includes('@')) return 'IfNotPresent';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

/** The last failed pull per back-off key, told again in the ImagePullBackOff message (as upstream). */
const lastPullErrors = new WeakMap<Backoff, Map<string, string>>();

/** A runtime error as upstream's kubelet shows it (Go's gRPC status string). */
export function criErrorString(err: unknown): string {
  if (!(err instanceof RuntimeError)) return (err as Error).message;
  const prefix = err.method ? `${err.method}: ` : '';
  const desc = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
  return `rpc error: code = ${err.code} desc = ${desc}`;
}

export async function ensureImageExists(
  runtime: Runtime,
  pod: Pod,
  container: Container,
  backoff: Backoff,
  clock: Clock,
  record: ImageEventRecorder = () => undefined,
): Promise<EnsureImageResult> {
  const image = container.image ?? '';
  if (!image)
    return { ok: false, reason: 'InvalidImageName', message: `container ${container.name} has no image` };
  const local = isLocalImage(image);
  const policy = local ? 'Never' : pullPolicyOf(container);
  if (policy !== 'Always') {
    const present = (await runtime.imageStatus({ image })).image;
    if (present) {
      record('Normal', ev.PULLED_IMAGE, `Container image "${image}" already present on machine`);
      return { ok: true, imageRef: present.id, pulled: false };
    }
    if (policy === 'Never') {
      const message = local
        ? `Container image "${image}" is a locally built image (localhost/) and is not present on this node`
        : `Container image "${image}" is not present with pull policy of Never`;
      record('Warning', ev.ERR_IMAGE_NEVER_PULL, message);
      return { ok: false, reason: 'ErrImageNeverPull', message };
    }
  }
  const key = `${pod.metadata?.uid ?? ''}/image/${image}`;
  let errors = lastPullErrors.get(backoff);
  if (!errors) lastPullErrors.set(backoff, (errors = new Map()));
  if (backoff.isInBackOffSinceUpdate(key, clock.now())) {
    const last = errors.get(key);
    const message = `Back-off pulling image "${image}"${last ? `: ErrImagePull: ${last}` : ''}`;
    record('Normal', ev.BACK_OFF_PULL_IMAGE, `Back-off pulling image "${image}"`);
    return { ok: false, reason: 'ImagePullBackOff', message };
  }
  errors.delete(key);
  record('Normal', ev.PULLING_IMAGE, `Pulling image "${image}"`);
  const started = clock.now().getTime();
  try {
    const imageRef = await runtime.pullImage({ image });
    const took = formatPullDuration(clock.now().getTime() - started);
    const size = await runtime
      .imageStatus({ image: imageRef })
      .then((s) => s.image?.size)
      .catch(() => undefined);
    record(
      'Normal',
      ev.PULLED_IMAGE,
      `Successfully pulled image "${image}" in ${took} (${took} including waiting).` +
        (size !== undefined ? ` Image size: ${size} bytes.` : ''),
    );
    return { ok: true, imageRef, pulled: true };
  } catch (err) {
    backoff.next(key, clock.now());
    // the waiting message is the runtime's error itself; the event says what failed
    const message = criErrorString(err);
    errors.set(key, message);
    record('Warning', ev.FAILED_TO_PULL_IMAGE, `Failed to pull image "${image}": ${message}`);
    return { ok: false, reason: 'ErrImagePull', message };
  }
}
