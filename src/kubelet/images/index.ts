export {
  DEFAULT_PATH,
  dockerManifestJson,
  imageConfigJson,
  ociArchitecture,
  writeDockerArchive,
  type ImageSpecification,
} from './image-archive.js';
export {
  BUSYBOX_IMAGE,
  PAUSE_IMAGE,
  busyboxImage,
  cairnNodeImage,
  cairnNodeImageName,
  ensureLocalImages,
  ImageBuildError,
  pauseImage,
  type EnsuredImage,
  type EnsureImagesOptions,
  type LocalImage,
} from './local-images.js';
export {
  RegistryConfigError,
  renderHostsToml,
  writeRegistryHosts,
  type RegistryHostConfig,
  type RegistryMirror,
} from './registry-hosts.js';
export {
  parseRegistryMirror,
  registryHostConfigs,
  writeRegistryMirrors,
  type RegistryMirrorFlag,
} from './registry-mirrors.js';
export {
  buildBinariesRootfs,
  buildBusyboxRootfs,
  buildPauseRootfs,
  parseAppletList,
  parseLddOutput,
} from './rootfs.js';
