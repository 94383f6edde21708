/**
 * Just enough of the image-reference grammar to tell a tag from a digest, as the image pull
 * policy default needs (upstream's `parsers.ParseImageName`): `busybox` and `busybox:latest` are
 * tagged `latest`; `busybox@sha256:…` has a digest and no tag; a port in the registry host
 * (`host:5000/app`) is not a tag.
 */

export interface ImageReference {
  /** Everything before the tag or digest. */
  repository: string;
  tag: string;
  digest: string;
}

/** Lowercase path components, optional registry host (which may carry a port and capitals). */
const repositoryRe =
  /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?|\[[0-9a-fA-F:]+\](?::[0-9]+)?)\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const tagRe = /^[\w][\w.-]{0,127}$/;
const digestRe = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;

/** Parses an image reference; `undefined` when it is not a valid one. */
export function parseImageReference(image: string): ImageReference | undefined {
  let rest = image;
  let digest = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestRe.test(digest)) return undefined;
  }
  let tag = '';
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!tagRe.test(tag)) return undefined;
  }
  if (!repositoryRe.test(rest)) return undefined;
  if (!tag && !digest) tag = 'latest';
  return { repository: rest, tag, digest };
}

/** `Always` for a `:latest` (or untagged) image, `IfNotPresent` otherwise. */
export function defaultPullPolicy(image: string | undefined): 'Always' | 'IfNotPresent' {
  return parseImageReference(image ?? '')?.tag === 'latest' ? 'Always' : 'IfNotPresent';
}
