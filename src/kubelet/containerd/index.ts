export {
  containerdPaths,
  DEFAULT_RUNTIMES,
  DEFAULT_SANDBOX_IMAGE,
  renderContainerdConfig,
  type ContainerdConfigOptions,
  type ContainerdPaths,
  type RuntimeHandlerConfig,
} from './config.js';
export {
  ContainerdError,
  DEFAULT_CONTAINERD,
  freePort,
  startContainerd,
  useContainerd,
  waitForRuntime,
  type Containerd,
  type ContainerdErrorCode,
  type StartContainerdOptions,
} from './containerd.js';
export { findProcesses, isAlive, type ProcessInfo } from './processes.js';
