/** The reconciler's KustomizationScheduler. */
export const KUSTOMIZATION_SCHEDULER = Symbol('KustomizationScheduler');
/** The reconciler's Kubernetes client. */
export const KUBE_CLIENT = Symbol('KubeClient');
