import type { KubeObject } from './object-ref';
import { splitApiVersion } from './object-ref';

/**
 * Kinds that define what other objects need, applied (and waited for) before everything else, as Flux
 * does: CRDs must be established before custom resources, namespaces exist before their contents.
 */
const CLUSTER_DEFINITIONS = new Set([
  'apiextensions.k8s.io/CustomResourceDefinition',
  '/Namespace',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
]);

/** "Class" kinds (storage, ingress, runtime, priority …) that workloads reference: second stage. */
function isClassDefinition(object: KubeObject): boolean {
  return object.kind.endsWith('Class') && !object.metadata.namespace;
}

/** True for objects of the first apply stage. */
export function isClusterDefinition(object: KubeObject): boolean {
  return CLUSTER_DEFINITIONS.has(`${splitApiVersion(object.apiVersion).group}/${object.kind}`);
}

// Within a stage, the order Helm and Flux use, so dependencies tend to come first.
const KIND_ORDER = [
  'Namespace',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodSecurityPolicy',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'SecretList',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleList',
  'ClusterRoleBinding',
  'ClusterRoleBindingList',
  'Role',
  'RoleList',
  'RoleBinding',
  'RoleBindingList',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
  'APIService',
];

function kindRank(kind: string): number {
  const index = KIND_ORDER.indexOf(kind);
  return index < 0 ? KIND_ORDER.length : index;
}

/** Sorts objects for apply: by kind rank, then kind, namespace and name (stable and deterministic). */
export function sortForApply<T extends KubeObject>(objects: T[]): T[] {
  return [...objects].sort(
    (a, b) =>
      kindRank(a.kind) - kindRank(b.kind) ||
      a.kind.localeCompare(b.kind) ||
      (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') ||
      a.metadata.name.localeCompare(b.metadata.name),
  );
}

/** The apply stages: cluster definitions, class definitions, then everything else; each sorted for apply. */
export function applyStages<T extends KubeObject>(objects: T[]): T[][] {
  const definitions = objects.filter(isClusterDefinition);
  const classes = objects.filter((o) => !isClusterDefinition(o) && isClassDefinition(o));
  const rest = objects.filter((o) => !isClusterDefinition(o) && !isClassDefinition(o));
  return [definitions, classes, rest].filter((stage) => stage.length > 0).map(sortForApply);
}

/** Garbage-collection order: the reverse of apply order, so contents go before their namespace and CRD. */
export function sortForPrune<T extends KubeObject>(objects: T[]): T[] {
  return applyStages(objects).flat().reverse();
}
