import {
  ConditionType,
  KustomizeAnnotation,
  Reason,
  findCondition,
  isConditionTrue,
  type Kustomization,
} from '@ferry/contracts';

/** A source's current artifact, as its status reports it. */
export interface SourceArtifact {
  revision: string;
  digest: string;
  url: string;
}

/** What the reconciler knows about the Kustomization's source. */
export type SourceState =
  | { found: false }
  | { found: true; ready: boolean; artifact: SourceArtifact | undefined; message: string };

/** What a reconcile should do now. */
export type ReconcileDecision =
  | { action: 'skip-suspended' }
  | { action: 'wait'; reason: string; message: string }
  | { action: 'reconcile'; artifact: SourceArtifact };

/** `namespace/name` of the Kustomization's sourceRef, defaulting to its own namespace. */
export function sourceKey(kustomization: Kustomization): string {
  const ref = kustomization.spec.sourceRef;
  return `${ref.kind}/${ref.namespace ?? kustomization.metadata.namespace}/${ref.name}`;
}

/**
 * Flux's rule for `dependsOn`: a dependency is ready when its Ready condition is True for its current
 * generation, and — when it reads the same source — it has applied the revision we are about to apply.
 */
export function dependencyProblem(
  dependency: Kustomization | undefined,
  name: string,
  self: Kustomization,
  artifact: SourceArtifact,
): string | undefined {
  if (!dependency) return `dependency '${name}' not found`;
  const ready = isConditionTrue(dependency.status?.conditions, ConditionType.Ready);
  const observed = dependency.status?.observedGeneration === dependency.metadata.generation;
  if (!ready || !observed) return `dependency '${name}' is not ready`;
  if (sourceKey(dependency) === sourceKey(self) && dependency.status?.lastAppliedRevision !== artifact.revision) {
    return `dependency '${name}' revision is not up to date`;
  }
  return undefined;
}

/** Decides whether the Kustomization can be reconciled now, from its spec, source and dependencies. */
export function decideReconcile(
  kustomization: Kustomization,
  source: SourceState,
  dependencies: ReadonlyMap<string, Kustomization | undefined>,
): ReconcileDecision {
  if (kustomization.spec.suspend) return { action: 'skip-suspended' };
  const ref = kustomization.spec.sourceRef;
  const sourceName = `${ref.kind} '${ref.namespace ?? kustomization.metadata.namespace}/${ref.name}'`;
  if (!source.found) {
    return { action: 'wait', reason: Reason.ArtifactFailed, message: `Source ${sourceName} not found` };
  }
  if (!source.artifact) {
    return {
      action: 'wait',
      reason: Reason.ArtifactFailed,
      message: `Source ${sourceName} is not ready, artifact not found${source.message ? `: ${source.message}` : ''}`,
    };
  }
  for (const dependency of kustomization.spec.dependsOn ?? []) {
    const name = `${dependency.namespace ?? kustomization.metadata.namespace}/${dependency.name}`;
    const problem = dependencyProblem(dependencies.get(name), name, kustomization, source.artifact);
    if (problem) return { action: 'wait', reason: Reason.DependencyNotReady, message: problem };
  }
  return { action: 'reconcile', artifact: source.artifact };
}

/** Whether a `reconcile.fluxcd.io/requestedAt` value is new since the last handled one. */
export function reconcileRequested(object: { metadata: { annotations?: Record<string, string> }; status?: { lastHandledReconcileAt?: string } }, annotation: string): string | undefined {
  const requested = object.metadata.annotations?.[annotation];
  return requested && requested !== object.status?.lastHandledReconcileAt ? requested : undefined;
}

/** The Ready condition's message, for logs and `ferry get`. */
export function readyMessage(kustomization: Kustomization): string {
  return findCondition(kustomization.status?.conditions, ConditionType.Ready)?.message ?? '';
}

/** Flux's finalizer: the Kustomization stays until its inventory was garbage-collected per its deletionPolicy. */
export const KUSTOMIZATION_FINALIZER = 'finalizers.fluxcd.io';

/**
 * What deleting the Kustomization does to what it applied (`spec.deletionPolicy`): MirrorPrune follows
 * `spec.prune`, Delete and WaitForTermination always delete (the latter waits until the objects are gone),
 * Orphan never does; a suspended Kustomization leaves everything in place.
 */
export function deletionGarbageCollection(kustomization: Kustomization): 'none' | 'delete' | 'delete-and-wait' {
  const { deletionPolicy = 'MirrorPrune', prune, suspend } = kustomization.spec;
  if (suspend || deletionPolicy === 'Orphan' || (deletionPolicy === 'MirrorPrune' && !prune)) return 'none';
  return deletionPolicy === 'WaitForTermination' ? 'delete-and-wait' : 'delete';
}

/** Objects marked `kustomize.toolkit.fluxcd.io/prune: disabled` are never garbage-collected. */
export function isPruneDisabled(object: { metadata: { annotations?: Record<string, string> } }): boolean {
  return object.metadata.annotations?.[KustomizeAnnotation.prune] === 'disabled';
}

/**
 * When to retry after the n-th consecutive failure: `retryInterval`, doubled with every further failure, never
 * longer than the larger of `interval` and `retryInterval` — so a broken object stops hammering the API server
 * and its source while a fixed one is back within one interval.
 */
export function retryDelayMs(retryIntervalMs: number, intervalMs: number, consecutiveFailures: number): number {
  const ceiling = Math.max(intervalMs, retryIntervalMs);
  return Math.min(ceiling, retryIntervalMs * 2 ** Math.max(0, Math.min(consecutiveFailures - 1, 30)));
}
