export { teardownBridge, type ExecFileFn, type TeardownBridgeOptions } from './bridge.js';
export {
  CONFLIST_FILE,
  DEFAULT_BRIDGE,
  DEFAULT_NETWORK,
  NetworkConfigError,
  parseIPv4Cidr,
  renderConflist,
  writeCniConfig,
  type CniConfigOptions,
} from './cni-config.js';
