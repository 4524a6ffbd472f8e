/** The minimum of a Kubernetes object Ferry reads everywhere. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    generation?: number;
    resourceVersion?: string;
    uid?: string;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** Group, version, kind, namespace and name: what identifies an object across API versions. */
export interface ObjectIdentity {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
}

/** Splits `apps/v1` into group `apps` and version `v1`; `v1` is the core group `""`. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The identity of an object. */
export function identityOf(object: KubeObject): ObjectIdentity {
  return {
    ...splitApiVersion(object.apiVersion),
    kind: object.kind,
    namespace: object.metadata.namespace ?? '',
    name: object.metadata.name,
  };
}

/**
 * Flux's inventory id (cli-utils ObjMetadata): `<namespace>_<name>_<group>_<kind>`, with `:` in names
 * escaped as `__` (RBAC names such as `system:controller`).
 */
export function inventoryId(id: ObjectIdentity): string {
  return `${id.namespace}_${id.name.replace(/:/g, '__')}_${id.group}_${id.kind}`;
}

/** Parses an inventory id back into its parts (the version comes from the entry's `v`). */
export function parseInventoryId(text: string, version: string): ObjectIdentity {
  // namespace and group never contain "_"; kind never does; the name may contain "__" (an escaped ":").
  const first = text.indexOf('_');
  const last = text.lastIndexOf('_');
  const beforeLast = text.lastIndexOf('_', last - 1);
  if (first < 0 || beforeLast <= first) throw new Error(`invalid inventory id "${text}"`);
  return {
    namespace: text.slice(0, first),
    name: text.slice(first + 1, beforeLast).replace(/__/g, ':'),
    group: text.slice(beforeLast + 1, last),
    kind: text.slice(last + 1),
    version,
  };
}

/** How Flux names an object in change sets and messages: `Kind/namespace/name`, or `Kind/name` when cluster-scoped. */
export function displayId(id: Pick<ObjectIdentity, 'kind' | 'namespace' | 'name'>): string {
  return id.namespace ? `${id.kind}/${id.namespace}/${id.name}` : `${id.kind}/${id.name}`;
}

/** `apiVersion` of an identity: `apps/v1`, or `v1` for the core group. */
export function apiVersionOf(id: Pick<ObjectIdentity, 'group' | 'version'>): string {
  return id.group ? `${id.group}/${id.version}` : id.version;
}
