import { createHash } from 'node:crypto';
import { JsonObject } from '../domain/json';
import { apiVersionOf, hasScale, ResourceRegistry, ResourceType, verbsOf } from '../domain/resource-registry';

/** The Kubernetes version the dev cluster reports (the API surface follows 1.32). */
export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-ferry.0',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const STATUS_VERBS = ['get', 'patch', 'update'];

function inGroupVersion(reg: ResourceRegistry, group: string, version: string): ResourceType[] {
  return reg
    .all()
    .filter((r) => r.group === group && r.version === version)
    .sort((a, b) => a.plural.localeCompare(b.plural));
}

/** `/api` in the legacy format. */
export function coreVersions(address: string): JsonObject {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: address }],
  };
}

/** One `APIGroup` of `/apis`. */
export function apiGroup(reg: ResourceRegistry, group: string): JsonObject | undefined {
  const versions = reg.groups().get(group);
  if (!versions || !group) return undefined;
  const vs = versions.map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions: vs, preferredVersion: vs[0] ?? null };
}

/** `/apis` in the legacy format. */
export function groupList(reg: ResourceRegistry): JsonObject {
  const groups = [...reg.groups().keys()].filter((g) => g !== '').sort();
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups.map((g) => {
      const { kind: _k, apiVersion: _a, ...rest } = apiGroup(reg, g) as JsonObject;
      return rest;
    }),
  };
}

/** `/api/v1` or `/apis/<group>/<version>`: an `APIResourceList` with status subresources listed. */
export function resourceList(reg: ResourceRegistry, group: string, version: string): JsonObject | undefined {
  const rts = inGroupVersion(reg, group, version);
  if (!rts.length) return undefined;
  const resources: JsonObject[] = [];
  for (const r of rts) {
    const entry: JsonObject = {
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: verbsOf(r),
    };
    if (r.shortNames.length) entry['shortNames'] = r.shortNames;
    if (r.categories.length) entry['categories'] = r.categories;
    resources.push(entry);
    if (r.statusSubresource) {
      resources.push({ name: `${r.plural}/status`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: STATUS_VERBS });
    }
    if (hasScale(r)) {
      resources.push({ name: `${r.plural}/scale`, singularName: '', namespaced: r.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: STATUS_VERBS });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({ group, version }), resources };
}

/** The media type kubectl negotiates for aggregated discovery, or undefined when it asked for the legacy one. */
export function aggregatedDiscoveryType(accept: string | undefined): string | undefined {
  if (!accept || !accept.includes('as=APIGroupDiscoveryList')) return undefined;
  const version = /g=apidiscovery\.k8s\.io;\s*v=v2(?!beta)/.test(accept) ? 'v2' : 'v2beta1';
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}

/** Aggregated discovery (`APIGroupDiscoveryList`) for `/api` (core) or `/apis` (named groups). */
export function aggregatedDiscovery(reg: ResourceRegistry, core: boolean, mediaType: string): JsonObject {
  const version = mediaType.includes('v=v2;') ? 'v2' : 'v2beta1';
  const groups = [...reg.groups().entries()].filter(([g]) => (g === '') === core).sort(([a], [b]) => a.localeCompare(b));
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map(([g, versions]) => ({
      metadata: (g ? { name: g } : {}) as JsonObject,
      versions: versions.map((v) => ({
        version: v,
        freshness: 'Current',
        resources: inGroupVersion(reg, g, v).map((r) => {
          const res: JsonObject = {
            resource: r.plural,
            responseKind: { group: r.group, version: r.version, kind: r.kind },
            scope: r.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: r.singular,
            verbs: verbsOf(r),
          };
          if (r.shortNames.length) res['shortNames'] = r.shortNames;
          if (r.categories.length) res['categories'] = r.categories;
          const subs: JsonObject[] = [];
          if (r.statusSubresource) {
            subs.push({ subresource: 'status', responseKind: { group: r.group, version: r.version, kind: r.kind }, verbs: STATUS_VERBS });
          }
          if (hasScale(r)) {
            subs.push({ subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: STATUS_VERBS });
          }
          if (subs.length) res['subresources'] = subs;
          return res;
        }),
      })),
    })),
  };
}

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** `/openapi/v3`: the index of per-group-version documents, each URL carrying a content hash. */
export function openApiV3Index(reg: ResourceRegistry): JsonObject {
  const paths: JsonObject = {};
  for (const [g, versions] of reg.groups()) {
    for (const v of versions) {
      const hash = createHash('sha256').update(JSON.stringify(openApiV3Doc(reg, g, v))).digest('hex').slice(0, 32);
      paths[gvPath(g, v)] = { serverRelativeURL: `/openapi/v3/${gvPath(g, v)}?hash=${hash.toUpperCase()}` };
    }
  }
  return { paths };
}

const PARAM = (name: string): JsonObject => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } });

/**
 * One OpenAPI v3 document. It describes the operations, not the schemas: kubectl uses it to learn that the
 * server supports `fieldValidation` (so validation happens server-side) and which patch types each kind
 * accepts. Strategic merge is deliberately not advertised, so kubectl builds strategic patches for built-in
 * kinds from its compiled-in types and uses JSON merge patches for custom resources, as with CRDs on a real
 * server.
 */
export function openApiV3Doc(reg: ResourceRegistry, group: string, version: string): JsonObject | undefined {
  const rts = inGroupVersion(reg, group, version);
  if (!rts.length) return undefined;
  const paths: JsonObject = {};
  const schemas: JsonObject = {};
  for (const r of rts) {
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    const schemaName = `${r.group || 'core'}.${r.version}.${r.kind}`;
    schemas[schemaName] = {
      type: 'object',
      'x-kubernetes-group-version-kind': [gvk],
      'x-kubernetes-preserve-unknown-fields': true,
    };
    const ref = { $ref: `#/components/schemas/${schemaName}` };
    const content = (types: string[]): JsonObject => Object.fromEntries(types.map((t) => [t, { schema: ref }]));
    const op = (action: string, bodyTypes?: string[]): JsonObject => {
      const o: JsonObject = {
        'x-kubernetes-action': action,
        'x-kubernetes-group-version-kind': gvk,
        parameters: [PARAM('dryRun'), PARAM('fieldManager'), PARAM('fieldValidation')],
        responses: { '200': { description: 'OK', content: content(['application/json']) } },
      };
      if (bodyTypes) o['requestBody'] = { content: content(bodyTypes) };
      return o;
    };
    const base = `/${gvPath(r.group, r.version)}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.plural}`;
    paths[base] = { get: op('list'), post: op('post', ['*/*']) };
    paths[`${base}/{name}`] = {
      get: op('get'),
      put: op('put', ['*/*']),
      delete: op('delete'),
      patch: op('patch', ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']),
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: SERVER_VERSION.gitVersion },
    paths,
    components: { schemas },
  };
}
