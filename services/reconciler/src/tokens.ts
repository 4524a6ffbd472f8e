/** The reconciler's schedulers (Kustomizations, HelmReleases), which source events are handed to. */
export const SCHEDULERS = Symbol('ReconcileSchedulers');
/** The reconciler's Kubernetes client. */
export const KUBE_CLIENT = Symbol('KubeClient');
