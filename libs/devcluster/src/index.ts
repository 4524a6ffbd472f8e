/** Public API of the dev cluster: start one, point kubectl or client-node at its kubeconfig. */
export { DevCluster, type DevClusterOptions } from './dev-cluster';
export { DEFAULT_SIMULATOR_OPTIONS, type SimulatorOptions } from './simulator/workload-simulator';
export { ClusterApi, type WriteOptions, type ListOptions, type PatchType } from './app/cluster-api';
export { ApiError } from './domain/errors';
export { type ResourceType, BUILTIN_RESOURCES } from './domain/resource-registry';
