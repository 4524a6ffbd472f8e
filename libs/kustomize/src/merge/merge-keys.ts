/**
 * Strategic-merge list keys for the built-in kinds, written from the Kubernetes API conventions
 * (`patchMergeKey` in the core types). Lists without a key, and every list of a kind the table does
 * not know (custom resources), are replaced wholesale, as kustomize does without a schema.
 */

const POD_SPEC_ROOTS: Record<string, string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  PodTemplate: ['template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

const POD_LISTS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  schedulingGates: 'name',
  resourceClaims: 'name',
};

const CONTAINER_LISTS: Record<string, string> = {
  ports: 'containerPort',
  env: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  resizePolicy: 'resourceName',
};

const KNOWN_KINDS = new Set([
  ...Object.keys(POD_SPEC_ROOTS),
  'Service',
  'ConfigMap',
  'Secret',
  'ServiceAccount',
  'Namespace',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'Ingress',
  'IngressClass',
  'NetworkPolicy',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'StorageClass',
  'PodDisruptionBudget',
  'HorizontalPodAutoscaler',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'CustomResourceDefinition',
  'APIService',
  'PriorityClass',
  'ResourceQuota',
  'LimitRange',
  'Endpoints',
]);

/** Whether the kind has a built-in schema (so lists with a merge key merge by it). */
export function hasSchema(kind: string): boolean {
  return KNOWN_KINDS.has(kind);
}

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  if (path.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (path[i] !== prefix[i]) return false;
  return true;
}

/** The merge key of the list at `path` (field names from the object root), or undefined to replace it. */
export function mergeKeyFor(kind: string, path: readonly string[]): string | undefined {
  if (!KNOWN_KINDS.has(kind)) return undefined;
  if (path.length === 2 && path[0] === 'metadata' && path[1] === 'ownerReferences') return 'uid';
  const root = POD_SPEC_ROOTS[kind];
  if (root && startsWith(path, root)) {
    const rel = path.slice(root.length);
    if (rel.length === 1) return POD_LISTS[rel[0] as string];
    if (rel.length === 2 && ['containers', 'initContainers', 'ephemeralContainers'].includes(rel[0] as string))
      return CONTAINER_LISTS[rel[1] as string];
    return undefined;
  }
  if (kind === 'Service' && path.length === 2 && path[0] === 'spec' && path[1] === 'ports') return 'port';
  if ((kind === 'MutatingWebhookConfiguration' || kind === 'ValidatingWebhookConfiguration') && path.length === 1 && path[0] === 'webhooks')
    return 'name';
  return undefined;
}
