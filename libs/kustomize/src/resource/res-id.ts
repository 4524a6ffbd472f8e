/** Group/version/kind of a resource, split out of `apiVersion`. */
export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

/** A resource's identity: what kustomize calls a ResId. */
export interface ResId extends Gvk {
  name: string;
  namespace: string;
}

/** Splits an apiVersion ("apps/v1", "v1") into group and version. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

// Kinds the Kubernetes API serves without a namespace; anything else (custom kinds included) is namespaced,
// which is what kustomize assumes too.
const CLUSTER_SCOPED = new Set([
  'APIService',
  'CSIDriver',
  'CSINode',
  'CertificateSigningRequest',
  'ClusterRole',
  'ClusterRoleBinding',
  'ComponentStatus',
  'CustomResourceDefinition',
  'FlowSchema',
  'IngressClass',
  'MutatingWebhookConfiguration',
  'Namespace',
  'Node',
  'PersistentVolume',
  'PodSecurityPolicy',
  'PriorityClass',
  'PriorityLevelConfiguration',
  'RuntimeClass',
  'SelfSubjectAccessReview',
  'SelfSubjectRulesReview',
  'StorageClass',
  'SubjectAccessReview',
  'TokenReview',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ValidatingWebhookConfiguration',
  'VolumeAttachment',
]);

/** Whether kustomize treats the kind as cluster-scoped (never given a namespace). */
export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}

/** kustomize's Gvk.String(): `Kind.version.group` with placeholders for the empty parts. */
export function gvkString(g: Gvk): string {
  return `${g.kind || '[noKind]'}.${g.version || '[noVer]'}.${g.group || '[noGrp]'}`;
}

/** kustomize's ResId.String(), used in error messages and for ordering. */
export function resIdString(id: ResId): string {
  return `${gvkString(id)}|${id.namespace || '[noNs]'}|${id.name || '[noName]'}`;
}

/** The id string kustomize sorts by: `group_version_kind|namespace|name`, with `~` placeholders that sort last. */
function sortString(id: ResId): string {
  return `${sortGvk(id)}|${id.namespace || '~X'}|${id.name || '~N'}`;
}

function sortGvk(g: Gvk): string {
  return `${g.group || '~G'}_${g.version || '~V'}_${g.kind || '~K'}`;
}

/** Namespace used for equality: empty and "default" are the same, cluster-scoped kinds have none. */
export function effectiveNamespace(id: ResId): string {
  if (isClusterScoped(id.kind)) return '_non_namespaceable_';
  return id.namespace === '' ? 'default' : id.namespace;
}

/** Whether two ids denote the same object (kustomize's ResId.Equals). */
/** A string equal for two ids exactly when `sameId` holds, to look ids up in sets and maps. */
export function sameIdKey(id: ResId): string {
  return JSON.stringify([id.group, id.version, id.kind, effectiveNamespace(id), id.name]);
}

export function sameId(a: ResId, b: ResId): boolean {
  return (
    a.name === b.name &&
    a.kind === b.kind &&
    a.group === b.group &&
    a.version === b.version &&
    effectiveNamespace(a) === effectiveNamespace(b)
  );
}

/** Whether two ids match ignoring version differences kustomize tolerates when merging (GroupKind + name + ns). */
export function sameGvkn(a: ResId, b: ResId): boolean {
  return sameId(a, b);
}

const ORDER_FIRST = [
  'Namespace',
  'ResourceQuota',
  'StorageClass',
  'CustomResourceDefinition',
  'ServiceAccount',
  'PodSecurityPolicy',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'ConfigMap',
  'Secret',
  'Endpoints',
  'Service',
  'LimitRange',
  'PriorityClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'Deployment',
  'StatefulSet',
  'CronJob',
  'PodDisruptionBudget',
];
const ORDER_LAST = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];
const TYPE_ORDER = new Map<string, number>();
ORDER_FIRST.forEach((k, i) => TYPE_ORDER.set(k, i - ORDER_FIRST.length));
ORDER_LAST.forEach((k, i) => TYPE_ORDER.set(k, i + 1));

/** kustomize's legacy output order: well-known kinds first (Namespace … PodDisruptionBudget), webhooks last. */
export function legacyCompare(a: ResId, b: ResId): number {
  const ia = TYPE_ORDER.get(a.kind) ?? 0;
  const ib = TYPE_ORDER.get(b.kind) ?? 0;
  if (ia !== ib) return ia - ib;
  const ga = sortGvk(a);
  const gb = sortGvk(b);
  if (ga !== gb) return ga < gb ? -1 : 1;
  const sa = sortString(a);
  const sb = sortString(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}
