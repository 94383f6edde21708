export {
  DEFAULT_KUBELET_PORT,
  type KubeletServer,
  type KubeletServerOptions,
  startKubeletServer,
} from './server.js';
