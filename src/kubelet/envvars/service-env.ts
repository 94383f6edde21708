/**
 * Service environment variables (upstream `envvars.FromServices`): for each Service with a
 * cluster IP, `<NAME>_SERVICE_HOST`/`_SERVICE_PORT` (+ `_SERVICE_PORT_<PORT NAME>`) and the
 * Docker-links style `<NAME>_PORT…` variables.
 */
import type { Service } from 'kubernetes-types/core/v1.js';

const envName = (s: string): string => s.toUpperCase().replace(/-/g, '_');

export function serviceEnv(services: Service[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const svc of services) {
    const ip = svc.spec?.clusterIP;
    if (!ip || ip === 'None') continue;
    const name = envName(svc.metadata?.name ?? '');
    const ports = svc.spec?.ports ?? [];
    const first = ports[0];
    if (!first) continue;
    out.push([`${name}_SERVICE_HOST`, ip], [`${name}_SERVICE_PORT`, String(first.port)]);
    for (const p of ports) if (p.name) out.push([`${name}_SERVICE_PORT_${envName(p.name)}`, String(p.port)]);
    const proto = (first.protocol ?? 'TCP').toLowerCase();
    const host = ip.includes(':') ? `[${ip}]` : ip;
    out.push([`${name}_PORT`, `${proto}://${host}:${first.port}`]);
    for (const p of ports) {
      const pp = (p.protocol ?? 'TCP').toLowerCase();
      const prefix = `${name}_PORT_${p.port}_${pp.toUpperCase()}`;
      out.push(
        [prefix, `${pp}://${host}:${p.port}`],
        [`${prefix}_PROTO`, pp],
        [`${prefix}_PORT`, String(p.port)],
        [`${prefix}_ADDR`, ip],
      );
    }
  }
  return out;
}
