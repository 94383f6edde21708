/** CRI v1 image messages (conventions: common-types.ts). */
import type { ImageSpec, Int64, Labels } from './common-types.js';
import type { PodSandboxConfig } from './sandbox-types.js';

export interface Image {
  /** The image id (`sha256:…` of its config). */
  id: string;
  repo_tags: string[];
  repo_digests: string[];
  /** uint64 as a decimal string. */
  size: Int64;
  uid: { value: Int64 } | null;
  username: string;
  spec: ImageSpec | null;
  pinned: boolean;
}

export interface ImageStatusResponse {
  /** `null` when the runtime does not have the image (ImageStatus is not a NotFound error). */
  image: Image | null;
  info: Labels;
}

export interface AuthConfig {
  username?: string;
  password?: string;
  auth?: string;
  server_address?: string;
  identity_token?: string;
  registry_token?: string;
}

export interface PullImageRequest {
  image: ImageSpec;
  auth?: AuthConfig | null;
  sandbox_config?: PodSandboxConfig | null;
}
