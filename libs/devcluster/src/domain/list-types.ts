/**
 * How a list field merges: by key (`containers` by `name`), as a set of scalars, or as one atomic value.
 * Server-side apply, strategic merge patch and field ownership all use this one table.
 */
export type ListType = { kind: 'map'; keys: string[] } | { kind: 'set' } | { kind: 'atomic' };

const ATOMIC: ListType = { kind: 'atomic' };
const mapBy = (...keys: string[]): ListType => ({ kind: 'map', keys });

/*
 * Merge keys of the built-in kinds, taken from the API conventions (`patchMergeKey` / `listMapKeys` in the
 * Kubernetes types). Keyed by the field name because the same field means the same thing wherever it appears
 * in the built-in schemas; `ports` is the one name with two meanings (container vs. Service), told apart by
 * its parent.
 */
const BY_FIELD: Record<string, ListType> = {
  containers: mapBy('name'),
  initContainers: mapBy('name'),
  ephemeralContainers: mapBy('name'),
  env: mapBy('name'),
  volumes: mapBy('name'),
  volumeMounts: mapBy('mountPath'),
  volumeDevices: mapBy('devicePath'),
  imagePullSecrets: mapBy('name'),
  conditions: mapBy('type'),
  ownerReferences: mapBy('uid'),
  hostAliases: mapBy('ip'),
  topologySpreadConstraints: mapBy('topologyKey', 'whenUnsatisfiable'),
  resourceClaims: mapBy('name'),
  finalizers: { kind: 'set' },
};

/** Defaults applied to missing key fields before comparing items, as the API server defaults them. */
export const KEY_DEFAULTS: Record<string, string> = { protocol: 'TCP' };

/**
 * The list type at a field path of a built-in kind (path = field names, list positions left out).
 * Custom resources have no merge keys here: their lists are atomic, as with a CRD schema without
 * `x-kubernetes-list-type`.
 */
export function listTypeAt(builtIn: boolean, kind: string, path: readonly string[]): ListType {
  if (!builtIn) return path.length === 2 && path[0] === 'metadata' && path[1] === 'finalizers' ? { kind: 'set' } : ATOMIC;
  const field = path[path.length - 1] ?? '';
  if (field === 'ports') {
    const parent = path[path.length - 2];
    if (kind === 'Service' && parent === 'spec' && path.length === 2) return mapBy('port', 'protocol');
    if (parent === 'containers' || parent === 'initContainers' || parent === 'ephemeralContainers') {
      return mapBy('containerPort', 'protocol');
    }
    return ATOMIC;
  }
  if (field === 'conditions' && path[0] !== 'status') return ATOMIC;
  return BY_FIELD[field] ?? ATOMIC;
}

/** The list-type oracle for one kind, handed to the patch engines. */
export type ListTypeOf = (path: readonly string[]) => ListType;

/** Builds the oracle for a kind. */
export function listTypesFor(builtIn: boolean, kind: string): ListTypeOf {
  return (path) => listTypeAt(builtIn, kind, path);
}
