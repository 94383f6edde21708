/**
 * The vendored CRI v1 proto (third_party/cri-api/api.proto), found from this module's location so
 * that it loads the same from `src/` (vitest, tsx) and from `dist/src/` (built), and never from
 * outside the repository.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSync, type PackageDefinition, type ServiceDefinition } from '@grpc/proto-loader';

const PROTO_RELATIVE = join('third_party', 'cri-api', 'api.proto');

/** Absolute path of the vendored api.proto: the nearest ancestor folder of this module that has it. */
export function criProtoPath(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ;) {
    const candidate = join(dir, PROTO_RELATIVE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`${PROTO_RELATIVE} not found above ${from}`);
    dir = parent;
  }
}

/** Options that make messages match the types in src/kubelet/container (see common-types.ts). */
export const protoLoaderOptions = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
} as const;

export interface CriServices {
  runtime: ServiceDefinition;
  image: ServiceDefinition;
}

const cache = new Map<string, CriServices>();

function service(pkg: PackageDefinition, name: string): ServiceDefinition {
  const def = pkg[name];
  if (def === undefined || 'format' in def) throw new Error(`${name} is not a service in the CRI proto`);
  return def as ServiceDefinition;
}

/** Loads (once per path) the `runtime.v1` RuntimeService and ImageService definitions. */
export function loadCriServices(protoPath: string = criProtoPath()): CriServices {
  let services = cache.get(protoPath);
  if (!services) {
    const pkg = loadSync(protoPath, protoLoaderOptions);
    services = {
      runtime: service(pkg, 'runtime.v1.RuntimeService'),
      image: service(pkg, 'runtime.v1.ImageService'),
    };
    cache.set(protoPath, services);
  }
  return services;
}
