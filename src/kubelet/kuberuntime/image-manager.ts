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
import type { Backoff } from './backoff.js';

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

export async function ensureImageExists(
  runtime: Runtime,
  pod: Pod,
  container: Container,
  backoff: Backoff,
  clock: Clock,
): Promise<EnsureImageResult> {
  const image = container.image ?? '';
  if (!image)
    return { ok: false, reason: 'InvalidImageName', message: `container ${container.name} has no image` };
  const local = isLocalImage(image);
  const policy = local ? 'Never' : pullPolicyOf(container);
  if (policy !== 'Always') {
    const present = (await runtime.imageStatus({ image })).image;
    if (present) return { ok: true, imageRef: present.id, pulled: false };
    if (policy === 'Never') {
      return {
        ok: false,
        reason: 'ErrImageNeverPull',
        message: local
          ? `Container image "${image}" is a locally built image (localhost/) and is not present on this node`
          : `Container image "${image}" is not present with pull policy of Never`,
      };
    }
  }
  const key = `${pod.metadata?.uid ?? ''}/image/${image}`;
  if (backoff.isInBackOffSinceUpdate(key, clock.now())) {
    return { ok: false, reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` };
  }
  try {
    const imageRef = await runtime.pullImage({ image });
    return { ok: true, imageRef, pulled: true };
  } catch (err) {
    backoff.next(key, clock.now());
    return {
      ok: false,
      reason: 'ErrImagePull',
      message: `Failed to pull image "${image}": ${(err as Error).message}`,
    };
  }
}
