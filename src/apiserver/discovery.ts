/**
 * API discovery as kubectl reads it: `/api`, `/apis`, the per group-version resource lists,
 * and the aggregated form (apidiscovery.k8s.io v2 / v2beta1 APIGroupDiscoveryList) that
 * kubectl ≥ 1.26 asks for first.
 */
import { type ResourceType, apiVersionOf } from '../registry/resource.js';
import { parseAccept } from './negotiation.js';

const resourceVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** What each subresource answers with, and to which verbs. */
const subresourceInfo: Record<string, { group: string; version: string; kind?: string; verbs: string[] }> = {
  status: { group: '', version: '', verbs: ['get', 'patch', 'update'] },
  binding: { group: '', version: 'v1', kind: 'Binding', verbs: ['create'] },
  scale: { group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] },
  eviction: { group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] },
  ephemeralcontainers: { group: '', version: '', verbs: ['get', 'patch', 'update'] },
  log: { group: '', version: '', verbs: ['get'] },
  exec: { group: '', version: 'v1', kind: 'PodExecOptions', verbs: ['create', 'get'] },
  attach: { group: '', version: 'v1', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
  portforward: { group: '', version: 'v1', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
  proxy: {
    group: '',
    version: 'v1',
    kind: 'NodeProxyOptions',
    verbs: ['create', 'delete', 'get', 'patch', 'update'],
  },
};

const subresourceKind = (r: ResourceType, sub: string) => {
  const info = subresourceInfo[sub] ?? { group: '', version: '', verbs: ['get'] };
  return {
    group: info.kind ? info.group : r.group,
    version: info.kind ? info.version : r.version,
    kind: info.kind ?? r.kind,
    verbs: info.verbs,
  };
};

export interface GroupVersions {
  group: string;
  versions: string[];
}

export function groupsOf(resources: ResourceType[]): GroupVersions[] {
  const groups = new Map<string, Set<string>>();
  for (const r of resources) {
    if (!groups.has(r.group)) groups.set(r.group, new Set());
    groups.get(r.group)?.add(r.version);
  }
  return [...groups].map(([group, versions]) => ({ group, versions: [...versions] }));
}

export const apiVersions = (serverAddress: string) => ({
  kind: 'APIVersions',
  versions: ['v1'],
  serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
});

function apiGroup(g: GroupVersions) {
  const versions = g.versions.map((v) => ({ groupVersion: `${g.group}/${v}`, version: v }));
  return { name: g.group, versions, preferredVersion: versions[0] };
}

export function apiGroupList(resources: ResourceType[]) {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groupsOf(resources)
      .filter((g) => g.group !== '')
      .map(apiGroup),
  };
}

export function apiGroupFor(resources: ResourceType[], group: string) {
  const g = groupsOf(resources).find((x) => x.group === group);
  return g && group ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g) } : undefined;
}

export function apiResourceList(resources: ResourceType[], group: string, version: string) {
  const rs = resources.filter((r) => r.group === group && r.version === version);
  if (!rs.length) return undefined;
  const out: Record<string, unknown>[] = [];
  for (const r of rs) {
    const entry: Record<string, unknown> = {
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: resourceVerbs,
    };
    if (r.shortNames.length) entry.shortNames = r.shortNames;
    if (r.categories.length) entry.categories = r.categories;
    out.push(entry);
    for (const sub of r.subresources) {
      const k = subresourceKind(r, sub);
      const s: Record<string, unknown> = {
        name: `${r.plural}/${sub}`,
        singularName: '',
        namespaced: r.namespaced,
        kind: k.kind,
        verbs: k.verbs,
      };
      // Both, when either differs: kubectl looks for the pair (e.g. pods/eviction → policy/v1).
      if (k.group !== r.group || k.version !== r.version) {
        s.group = k.group;
        s.version = k.version;
      }
      out.push(s);
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: apiVersionOf({ group, version }),
    resources: out,
  };
}

/** The aggregated-discovery version a client asked for (`v2` or `v2beta1`), if any. */
export function aggregatedVersion(accept: string | undefined): string | undefined {
  for (const m of parseAccept(accept)) {
    if (m.params.as === 'APIGroupDiscoveryList' && m.params.g === 'apidiscovery.k8s.io') {
      if (m.params.v === 'v2' || m.params.v === 'v2beta1') return m.params.v;
    }
    if (m.type === 'application/json' && !m.params.as) return undefined;
  }
  return undefined;
}

export const aggregatedContentType = (v: string) =>
  `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`;

/** `/api` (core only) or `/apis` (named groups) in the aggregated form. */
export function aggregatedDiscovery(resources: ResourceType[], core: boolean, version: string) {
  const items = groupsOf(resources)
    .filter((g) => (g.group === '') === core)
    .map((g) => ({
      metadata: core ? {} : { name: g.group },
      versions: g.versions.map((v) => ({
        version: v,
        freshness: 'Current',
        resources: resources
          .filter((r) => r.group === g.group && r.version === v)
          .map((r) => {
            const entry: Record<string, unknown> = {
              resource: r.plural,
              responseKind: { group: r.group, version: r.version, kind: r.kind },
              scope: r.namespaced ? 'Namespaced' : 'Cluster',
              singularResource: r.singular,
              verbs: resourceVerbs,
            };
            if (r.shortNames.length) entry.shortNames = r.shortNames;
            if (r.categories.length) entry.categories = r.categories;
            if (r.subresources.length) {
              entry.subresources = r.subresources.map((sub) => {
                const k = subresourceKind(r, sub);
                return {
                  subresource: sub,
                  responseKind: { group: k.group, version: k.version, kind: k.kind },
                  verbs: k.verbs,
                };
              });
            }
            return entry;
          }),
      })),
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}
