import { ConditionType, Reason, type Artifact, type GitRepository } from '@ferry/contracts';
import { readyStatus } from './source-status';

export { failedStatus, progressingStatus, requestedAt } from './source-status';

/** The status subresource of a GitRepository. */
export type GitRepositoryStatus = NonNullable<GitRepository['status']>;

/** Status after a reconcile that produced (or confirmed) `artifact`. */
export function succeededStatus(
  repository: GitRepository,
  result: { artifact: Artifact; included?: Artifact[]; requestedAt: string | undefined },
  now: Date,
): GitRepositoryStatus {
  const message = `stored artifact for revision '${result.artifact.revision}'`;
  const status = readyStatus(
    repository,
    { reason: Reason.Succeeded, message, artifactMessage: message, requestedAt: result.requestedAt, clear: [ConditionType.FetchFailed, ConditionType.StorageOperationFailed, ConditionType.IncludeUnavailable] },
    now,
  );
  const { ignore, include } = repository.spec;
  const { includedArtifacts: _previous, observedInclude: _observed, ...rest } = status;
  return {
    ...rest,
    artifact: result.artifact,
    // Explicit empty lists, not absent keys: a merge patch cannot delete, and stale ones would force rebuilds.
    ...(include?.length ? { includedArtifacts: result.included ?? [], observedInclude: include } : _observed ? { includedArtifacts: [], observedInclude: [] } : {}),
    ...(ignore !== undefined ? { observedIgnore: ignore } : {}),
  };
}
