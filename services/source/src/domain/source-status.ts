import { ConditionType, Reason, findCondition, removeCondition, setCondition, type Condition } from '@ferry/contracts';

/** What every source object's status has: Flux's reconcile fields. */
export interface SourceStatusFields {
  observedGeneration?: number;
  conditions?: Condition[];
  lastHandledReconcileAt?: string;
}

/** A source object as the status functions see it: its generation, annotations and status. */
export interface SourceObject<S extends SourceStatusFields = SourceStatusFields> {
  metadata: { generation?: number; annotations?: Record<string, string> };
  status?: S;
}

/** The status of a source object. */
type StatusOf<T extends SourceObject> = NonNullable<T['status']>;

/** Status while a reconcile runs: Reconciling=True, Ready=Unknown, as source-controller writes it. */
export function progressingStatus<T extends SourceObject>(object: T, message: string, now: Date): StatusOf<T> {
  const status = { ...(object.status ?? {}) } as StatusOf<T>;
  const observedGeneration = object.metadata.generation;
  let conditions = setCondition(status.conditions, { type: ConditionType.Reconciling, status: 'True', reason: Reason.Progressing, message, observedGeneration }, now);
  conditions = setCondition(conditions, { type: ConditionType.Ready, status: 'Unknown', reason: Reason.Progressing, message, observedGeneration }, now);
  return { ...status, conditions };
}

/**
 * Status after a failed reconcile: Ready=False and the failure's own condition (FetchFailed,
 * StorageOperationFailed … or `failure.condition`); Stalled when retrying cannot help, else Reconciling
 * with ProgressingWithRetry. A previous artifact stays in status (consumers keep using it), as in Flux.
 */
export function failedStatus<T extends SourceObject>(
  object: T,
  failure: { reason: string; message: string; stage: string; retryable: boolean; requestedAt: string | undefined; condition?: string },
  now: Date,
): StatusOf<T> {
  const status = { ...(object.status ?? {}) } as StatusOf<T>;
  const observedGeneration = object.metadata.generation;
  const condition = { status: 'True' as const, reason: failure.reason, message: failure.message, observedGeneration };
  let conditions = setCondition(status.conditions, { ...condition, status: 'False', type: ConditionType.Ready }, now);
  const type = failure.condition ?? conditionOf(failure.stage);
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

/**
 * Ready=True and ArtifactInStorage=True with their messages, the failure and progress conditions gone, and
 * the generation and reconcile request marked handled: the part of a success every source kind shares. An
 * object that stores no artifact (an OCI HelmRepository) passes no `artifactMessage` and gets no
 * ArtifactInStorage.
 */
export function readyStatus<T extends SourceObject>(
  object: T,
  result: { reason: string; message: string; artifactMessage: string | undefined; requestedAt: string | undefined; clear: readonly string[] },
  now: Date,
): StatusOf<T> {
  const status = { ...(object.status ?? {}) } as StatusOf<T>;
  const observedGeneration = object.metadata.generation;
  let conditions = status.conditions;
  for (const type of [ConditionType.Reconciling, ConditionType.Stalled, ...result.clear]) conditions = removeCondition(conditions, type);
  conditions = setCondition(conditions, { type: ConditionType.Ready, status: 'True', reason: result.reason, message: result.message, observedGeneration }, now);
  conditions =
    result.artifactMessage === undefined
      ? removeCondition(conditions, ConditionType.ArtifactInStorage)
      : setCondition(conditions, { type: ConditionType.ArtifactInStorage, status: 'True', reason: Reason.Succeeded, message: result.artifactMessage, observedGeneration }, now);
  return {
    ...status,
    conditions,
    ...(observedGeneration !== undefined ? { observedGeneration } : {}),
    ...(result.requestedAt ? { lastHandledReconcileAt: result.requestedAt } : {}),
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
export function requestedAt(object: SourceObject, annotation: string): string | undefined {
  return object.metadata.annotations?.[annotation];
}

/** Whether a status needs writing although the artifact is unchanged: not Ready, a new generation, or a new request. */
export function statusStale(object: SourceObject, requested: string | undefined): boolean {
  const status = object.status;
  return (
    findCondition(status?.conditions, ConditionType.Ready)?.status !== 'True' ||
    status?.observedGeneration !== object.metadata.generation ||
    (requested !== undefined && status?.lastHandledReconcileAt !== requested)
  );
}
