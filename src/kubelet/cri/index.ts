export { CriConnection, socketTarget, type CriConnectionOptions } from './connection.js';
export { runtimeErrorFromGrpc } from './errors.js';
export { criProtoPath, loadCriServices, protoLoaderOptions } from './proto.js';
export { RemoteRuntime, type RemoteRuntimeOptions } from './remote-runtime.js';
