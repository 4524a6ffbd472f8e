import {
  ConditionType,
  Reason,
  removeCondition,
  setCondition,
  type InventoryEntry,
  type Kustomization,
} from '@ferry/contracts';

/** The status subresource of a Kustomization. */
export type KustomizationStatus = NonNullable<Kustomization['status']>;

const base = (kustomization: Kustomization): KustomizationStatus => ({ ...(kustomization.status ?? {}) });

/** Status while a reconcile runs: Reconciling=True, Ready=Unknown (Flux's "Reconciliation in progress"). */
export function progressingStatus(kustomization: Kustomization, revision: string, now: Date): KustomizationStatus {
  const status = base(kustomization);
  const message = `Reconciliation in progress for revision ${revision}`;
  let conditions = setCondition(status.conditions, { type: ConditionType.Reconciling, status: 'True', reason: Reason.Progressing, message, observedGeneration: kustomization.metadata.generation }, now);
  conditions = setCondition(conditions, { type: ConditionType.Ready, status: 'Unknown', reason: Reason.Progressing, message, observedGeneration: kustomization.metadata.generation }, now);
  return { ...status, conditions, lastAttemptedRevision: revision };
}

/** Status after a successful reconcile. */
export function succeededStatus(
  kustomization: Kustomization,
  result: { revision: string; inventory: InventoryEntry[]; healthChecked: boolean; requestedAt: string | undefined },
  now: Date,
): KustomizationStatus {
  const status = base(kustomization);
  const generation = kustomization.metadata.generation;
  let conditions = removeCondition(removeCondition(status.conditions, ConditionType.Reconciling), ConditionType.Stalled);
  conditions = setCondition(conditions, { type: ConditionType.Ready, status: 'True', reason: Reason.ReconciliationSucceeded, message: `Applied revision: ${result.revision}`, observedGeneration: generation }, now);
  if (result.healthChecked) {
    conditions = setCondition(conditions, { type: ConditionType.Healthy, status: 'True', reason: Reason.Succeeded, message: 'Health check passed', observedGeneration: generation }, now);
  } else {
    conditions = removeCondition(conditions, ConditionType.Healthy);
  }
  return {
    ...status,
    conditions,
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    lastAppliedRevision: result.revision,
    lastAttemptedRevision: result.revision,
    inventory: { entries: result.inventory },
    ...(result.requestedAt ? { lastHandledReconcileAt: result.requestedAt } : {}),
  };
}

/** Status after a failed (or waiting) reconcile; `stalled` when retrying cannot help. */
export function failedStatus(
  kustomization: Kustomization,
  failure: { reason: string; message: string; revision: string | undefined; stalled: boolean; healthFailed: boolean; requestedAt: string | undefined },
  now: Date,
): KustomizationStatus {
  const status = base(kustomization);
  const generation = kustomization.metadata.generation;
  let conditions = removeCondition(status.conditions, ConditionType.Reconciling);
  conditions = setCondition(conditions, { type: ConditionType.Ready, status: 'False', reason: failure.reason, message: failure.message, observedGeneration: generation }, now);
  conditions = failure.stalled
    ? setCondition(conditions, { type: ConditionType.Stalled, status: 'True', reason: failure.reason, message: failure.message, observedGeneration: generation }, now)
    : removeCondition(conditions, ConditionType.Stalled);
  if (failure.healthFailed) {
    conditions = setCondition(conditions, { type: ConditionType.Healthy, status: 'False', reason: Reason.HealthCheckFailed, message: failure.message, observedGeneration: generation }, now);
  }
  return {
    ...status,
    conditions,
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    ...(failure.revision ? { lastAttemptedRevision: failure.revision } : {}),
    ...(failure.requestedAt ? { lastHandledReconcileAt: failure.requestedAt } : {}),
  };
}
