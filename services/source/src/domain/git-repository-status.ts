import { ConditionType, Reason, removeCondition, setCondition, type Artifact, type GitRepository } from '@ferry/contracts';
import { readyStatus } from './source-status';

export { failedStatus, progressingStatus, requestedAt } from './source-status';

/** The status subresource of a GitRepository. */
export type GitRepositoryStatus = NonNullable<GitRepository['status']>;

/** Status after a reconcile that produced (or confirmed) `artifact`. */
export function succeededStatus(
  repository: GitRepository,
  result: { artifact: Artifact; included?: Artifact[]; requestedAt: string | undefined; verification?: { mode: string; message: string } },
  now: Date,
): GitRepositoryStatus {
  const message = `stored artifact for revision '${result.artifact.revision}'`;
  const status = readyStatus(
    repository,
    { reason: Reason.Succeeded, message, artifactMessage: message, requestedAt: result.requestedAt, clear: [ConditionType.FetchFailed, ConditionType.StorageOperationFailed, ConditionType.IncludeUnavailable] },
    now,
  );
  // A build verifies what spec.verify asks; an unchanged artifact keeps its earlier verification; without
  // spec.verify the condition goes, as in Flux.
  let conditions = status.conditions;
  if (result.verification) {
    conditions = setCondition(conditions, { type: ConditionType.SourceVerified, status: 'True', reason: Reason.Succeeded, message: result.verification.message, observedGeneration: repository.metadata.generation }, now);
  } else if (!repository.spec.verify) {
    conditions = removeCondition(conditions, ConditionType.SourceVerified);
  }
  const { ignore, include, sparseCheckout, recurseSubmodules } = repository.spec;
  const { includedArtifacts: _previous, observedInclude: _observed, ...rest } = status;
  return {
    ...rest,
    conditions,
    // Written whenever set now or before, so a removed spec field does not leave a stale observed value.
    ...(sparseCheckout?.length || status.observedSparseCheckout ? { observedSparseCheckout: sparseCheckout ?? [] } : {}),
    ...(recurseSubmodules || status.observedRecurseSubmodules ? { observedRecurseSubmodules: recurseSubmodules } : {}),
    artifact: result.artifact,
    // Explicit empty lists, not absent keys: a merge patch cannot delete, and stale ones would force rebuilds.
    ...(include?.length ? { includedArtifacts: result.included ?? [], observedInclude: include } : _observed ? { includedArtifacts: [], observedInclude: [] } : {}),
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
