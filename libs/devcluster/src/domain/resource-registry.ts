import { ApiError } from './errors';
import { isObject, JsonObject } from './json';

/** A column served in `Table` responses (`kubectl get`), as in `additionalPrinterColumns`. */
export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  priority?: number;
  format?: string;
  description?: string;
}

/** Everything the server knows about one served resource (one group/version/plural). */
export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** Served with a `/status` subresource: main-resource writes ignore status, `/status` writes only status. */
  statusSubresource: boolean;
  /** Built-ins get strategic merge patch and the merge-key table; custom resources do not. */
  builtIn: boolean;
  printerColumns: PrinterColumn[];
  /** The CRD version's `openAPIV3Schema` (custom resources only): pruning, defaults, validation, list types. */
  schema?: JsonObject;
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** Verbs every served resource supports. */
export function verbsOf(_rt: ResourceType): string[] {
  return VERBS;
}

/** Kinds served with a `/scale` subresource (autoscaling/v1 Scale), used by `kubectl scale`. */
export function hasScale(rt: ResourceType): boolean {
  return rt.builtIn && ['Deployment', 'ReplicaSet', 'StatefulSet'].includes(rt.kind);
}

/** `apps/v1` or `v1`. */
export function apiVersionOf(rt: { group: string; version: string }): string {
  return rt.group ? `${rt.group}/${rt.version}` : rt.version;
}

/** `deployments.apps`, the name Kubernetes uses in error messages. */
export function groupResource(rt: ResourceType): string {
  return rt.group ? `${rt.plural}.${rt.group}` : rt.plural;
}

/** Storage key: versions of one group/plural share storage, as on a real server. */
export function storageKey(rt: { group: string; plural: string }): string {
  return `${rt.group}/${rt.plural}`;
}

function builtin(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  shortNames: string[] = [],
  statusSubresource = false,
  categories: string[] = [],
): ResourceType {
  return {
    group,
    version,
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames,
    categories,
    statusSubresource,
    builtIn: true,
    printerColumns: [],
  };
}

/** The built-in kinds of issue 3, with the scopes, short names and subresources of Kubernetes 1.32. */
export const BUILTIN_RESOURCES: readonly ResourceType[] = [
  builtin('', 'v1', 'Namespace', 'namespaces', false, ['ns'], true),
  builtin('', 'v1', 'ConfigMap', 'configmaps', true, ['cm']),
  builtin('', 'v1', 'Secret', 'secrets', true),
  builtin('', 'v1', 'Service', 'services', true, ['svc'], true, ['all']),
  builtin('', 'v1', 'ServiceAccount', 'serviceaccounts', true, ['sa']),
  builtin('', 'v1', 'Event', 'events', true, ['ev']),
  builtin('', 'v1', 'Pod', 'pods', true, ['po'], true, ['all']),
  builtin('apps', 'v1', 'Deployment', 'deployments', true, ['deploy'], true, ['all']),
  builtin('apps', 'v1', 'ReplicaSet', 'replicasets', true, ['rs'], true, ['all']),
  builtin('apps', 'v1', 'StatefulSet', 'statefulsets', true, ['sts'], true, ['all']),
  builtin('apps', 'v1', 'DaemonSet', 'daemonsets', true, ['ds'], true, ['all']),
  builtin('batch', 'v1', 'Job', 'jobs', true, [], true, ['all']),
  builtin('batch', 'v1', 'CronJob', 'cronjobs', true, ['cj'], true, ['all']),
  builtin('networking.k8s.io', 'v1', 'Ingress', 'ingresses', true, ['ing'], true),
  builtin('networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies', true, ['netpol']),
  builtin('rbac.authorization.k8s.io', 'v1', 'Role', 'roles', true),
  builtin('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', true),
  builtin('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false),
  builtin('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
  builtin('coordination.k8s.io', 'v1', 'Lease', 'leases', true),
  builtin('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, ['crd', 'crds'], true),
];

/**
 * The set of served resources: the built-ins plus one entry per served version of each established CRD.
 * Lookups accept plural, singular, kind or short name, like kubectl's RESTMapper does on the client.
 */
export class ResourceRegistry {
  private readonly byGvr = new Map<string, ResourceType>();
  private readonly crdTypes = new Map<string, ResourceType[]>();

  constructor() {
    for (const rt of BUILTIN_RESOURCES) this.byGvr.set(`${rt.group}/${rt.version}/${rt.plural}`, rt);
  }

  /** All served resources. */
  all(): ResourceType[] {
    return [...this.byGvr.values()];
  }

  /** Group names with their served versions, preferred (first) version first. */
  groups(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const rt of this.byGvr.values()) {
      const vs = out.get(rt.group) ?? [];
      if (!vs.includes(rt.version)) vs.push(rt.version);
      out.set(rt.group, vs);
    }
    return out;
  }

  /** The resource at group/version/plural, or undefined. */
  lookup(group: string, version: string, plural: string): ResourceType | undefined {
    return this.byGvr.get(`${group}/${version}/${plural}`);
  }

  /** The resource serving this apiVersion/kind, or undefined. */
  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    return this.all().find((r) => r.group === group && r.version === version && r.kind === kind);
  }

  /** Serves the versions of a CustomResourceDefinition; replaces what an earlier version of it served. */
  registerCrd(crd: JsonObject): ResourceType[] {
    this.unregisterCrd(String((crd['metadata'] as JsonObject)['name']));
    const spec = crd['spec'];
    if (!isObject(spec)) throw new ApiError(422, 'Invalid', 'CustomResourceDefinition spec is required');
    const names = spec['names'] as JsonObject;
    const group = String(spec['group']);
    const versions = (spec['versions'] as JsonObject[] | undefined) ?? [];
    const served: ResourceType[] = [];
    for (const v of versions) {
      if (v['served'] === false) continue;
      const sub = v['subresources'];
      const cols = (v['additionalPrinterColumns'] as JsonObject[] | undefined) ?? [];
      const rt: ResourceType = {
        group,
        version: String(v['name']),
        kind: String(names['kind']),
        plural: String(names['plural']),
        singular: String(names['singular'] ?? String(names['kind']).toLowerCase()),
        namespaced: spec['scope'] !== 'Cluster',
        shortNames: ((names['shortNames'] as string[] | undefined) ?? []).map(String),
        categories: ((names['categories'] as string[] | undefined) ?? []).map(String),
        statusSubresource: isObject(sub) && isObject(sub['status']),
        builtIn: false,
        schema: isObject(v['schema']) && isObject(v['schema']['openAPIV3Schema']) ? v['schema']['openAPIV3Schema'] : undefined,
        printerColumns: cols.map((c) => ({
          name: String(c['name']),
          type: String(c['type'] ?? 'string'),
          jsonPath: String(c['jsonPath']),
          priority: typeof c['priority'] === 'number' ? c['priority'] : 0,
          format: typeof c['format'] === 'string' ? c['format'] : undefined,
          description: typeof c['description'] === 'string' ? c['description'] : undefined,
        })),
      };
      this.byGvr.set(`${group}/${rt.version}/${rt.plural}`, rt);
      served.push(rt);
    }
    this.crdTypes.set(String((crd['metadata'] as JsonObject)['name']), served);
    return served;
  }

  /** Stops serving a CRD's resources. */
  unregisterCrd(name: string): ResourceType[] {
    const old = this.crdTypes.get(name) ?? [];
    for (const rt of old) this.byGvr.delete(`${rt.group}/${rt.version}/${rt.plural}`);
    this.crdTypes.delete(name);
    return old;
  }
}
