import { ConditionType, Reason, removeCondition, setCondition, type Artifact, type GitRepository } from '@ferry/contracts';

/** The status subresource of a GitRepository. */
export type GitRepositoryStatus = NonNullable<GitRepository['status']>;

const generationOf = (repository: GitRepository) => repository.metadata.generation;

/** Status while a reconcile runs: Reconciling=True, Ready=Unknown, as source-controller writes it. */
export function progressingStatus(repository: GitRepository, message: string, now: Date): GitRepositoryStatus {
  const status = { ...(repository.status ?? {}) };
  const observedGeneration = generationOf(repository);
  let conditions = setCondition(status.conditions, { type: ConditionType.Reconciling, status: 'True', reason: Reason.Progressing, message, observedGeneration }, now);
  conditions = setCondition(conditions, { type: ConditionType.Ready, status: 'Unknown', reason: Reason.Progressing, message, observedGeneration }, now);
  return { ...status, conditions };
}

/** Status after a reconcile that produced (or confirmed) `artifact`. */
export function succeededStatus(
  repository: GitRepository,
  result: { artifact: Artifact; included?: Artifact[]; requestedAt: string | undefined; verification?: { mode: string; message: string } },
  now: Date,
): GitRepositoryStatus {
  const status = { ...(repository.status ?? {}) };
  const observedGeneration = generationOf(repository);
  const message = `stored artifact for revision '${result.artifact.revision}'`;
  let conditions = status.conditions;
  for (const type of [ConditionType.Reconciling, ConditionType.Stalled, ConditionType.FetchFailed, ConditionType.StorageOperationFailed, ConditionType.IncludeUnavailable]) {
    conditions = removeCondition(conditions, type);
  }
  conditions = setCondition(conditions, { type: ConditionType.Ready, status: 'True', reason: Reason.Succeeded, message, observedGeneration }, now);
  conditions = setCondition(conditions, { type: ConditionType.ArtifactInStorage, status: 'True', reason: Reason.Succeeded, message, observedGeneration }, now);
  // A build verifies what spec.verify asks; an unchanged artifact keeps its earlier verification; without
  // spec.verify the condition goes, as in Flux.
  if (result.verification) {
    conditions = setCondition(conditions, { type: ConditionType.SourceVerified, status: 'True', reason: Reason.Succeeded, message: result.verification.message, observedGeneration }, now);
  } else if (!repository.spec.verify) {
    conditions = removeCondition(conditions, ConditionType.SourceVerified);
  }
  const { ignore, include, sparseCheckout, recurseSubmodules } = repository.spec;
  const { includedArtifacts: _previous, observedInclude: _observed, ...rest } = status;
  return {
    ...rest,
    // Written whenever set now or before, so a removed spec field does not leave a stale observed value.
    ...(sparseCheckout?.length || status.observedSparseCheckout ? { observedSparseCheckout: sparseCheckout ?? [] } : {}),
    ...(recurseSubmodules || status.observedRecurseSubmodules ? { observedRecurseSubmodules: recurseSubmodules } : {}),
    conditions,
    artifact: result.artifact,
    // Explicit empty lists, not absent keys: a merge patch cannot delete, and stale ones would force rebuilds.
    ...(include?.length ? { includedArtifacts: result.included ?? [], observedInclude: include } : _observed ? { includedArtifacts: [], observedInclude: [] } : {}),
    ...(observedGeneration !== undefined ? { observedGeneration } : {}),
    ...(result.requestedAt ? { lastHandledReconcileAt: result.requestedAt } : {}),
    ...(ignore !== undefined ? { observedIgnore: ignore } : {}),
    ...(result.verification ? { sourceVerificationMode: result.verification.mode } : {}),
  };
}

/**
 * Whether the artifact must be built (and verified) again for `spec.verify`, as Flux decides: no verification
 * observed yet, or the mode now covers what was not verified (a tag when only HEAD was, or HEAD when only the tag was).
 */
export function requiresVerification(repository: GitRepository): boolean {
  const mode = repository.spec.verify?.mode;
  if (!mode) return false;
  const observed = repository.status?.sourceVerificationMode;
  if (!observed) return true;
  return (observed === 'Tag' && mode !== 'Tag') || (observed === 'HEAD' && mode !== 'HEAD');
}

/**
 * Status after a failed reconcile: Ready=False and the failure's own condition (FetchFailed or
 * StorageOperationFailed); Stalled when retrying cannot help, else Reconciling with ProgressingWithRetry.
 * A previous artifact stays in status (consumers keep using it), as in Flux.
 */
export function failedStatus(
  repository: GitRepository,
  failure: { reason: string; message: string; stage: string; retryable: boolean; requestedAt: string | undefined },
  now: Date,
): GitRepositoryStatus {
  const status = { ...(repository.status ?? {}) };
  const observedGeneration = generationOf(repository);
  const condition = { status: 'True' as const, reason: failure.reason, message: failure.message, observedGeneration };
  let conditions = setCondition(status.conditions, { ...condition, status: 'False', type: ConditionType.Ready }, now);
  const type = conditionOf(failure.stage);
  // SourceVerified is a positive condition: a failed verification is False; FetchFailed and the others are True.
  conditions = setCondition(conditions, { ...condition, type, status: type === ConditionType.SourceVerified ? 'False' : 'True' }, now);
  if (failure.retryable) {
    conditions = removeCondition(conditions, ConditionType.Stalled);
    conditions = setCondition(conditions, { ...condition, type: ConditionType.Reconciling, reason: Reason.ProgressingWithRetry }, now);
  } else {
    conditions = removeCondition(conditions, ConditionType.Reconciling);
    conditions = setCondition(conditions, { ...condition, type: ConditionType.Stalled }, now);
  }
  return {
    ...status,
    conditions,
    ...(observedGeneration !== undefined ? { observedGeneration } : {}),
    ...(failure.requestedAt ? { lastHandledReconcileAt: failure.requestedAt } : {}),
  };
}

/** The condition a failure of a stage sets besides Ready, as source-controller names them. */
function conditionOf(stage: string): string {
  if (stage === 'build') return ConditionType.StorageOperationFailed;
  if (stage === 'dependency') return ConditionType.IncludeUnavailable;
  if (stage === 'verify') return ConditionType.SourceVerified;
  return ConditionType.FetchFailed;
}

/** The value of the `reconcile.fluxcd.io/requestedAt` style annotation, if set. */
export function requestedAt(repository: GitRepository, annotation: string): string | undefined {
  return repository.metadata.annotations?.[annotation];
}
