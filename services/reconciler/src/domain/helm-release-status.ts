import { ConditionType, Reason, findCondition, removeCondition, setCondition, type Condition, type HelmRelease, type HelmReleaseSnapshot } from '@ferry/contracts';
import { previousSnapshot } from './helm-release.decider';

/** The status subresource of a HelmRelease. */
export type HelmReleaseStatusFields = NonNullable<HelmRelease['status']>;

/** helm-controller's reasons beyond the shared vocabulary. */
export const HelmReason = {
  InstallSucceeded: 'InstallSucceeded',
  InstallFailed: 'InstallFailed',
  UpgradeSucceeded: 'UpgradeSucceeded',
  UpgradeFailed: 'UpgradeFailed',
  TestSucceeded: 'TestSucceeded',
  TestFailed: 'TestFailed',
  RollbackSucceeded: 'RollbackSucceeded',
  RollbackFailed: 'RollbackFailed',
  UninstallSucceeded: 'UninstallSucceeded',
  UninstallFailed: 'UninstallFailed',
  RetriesExceeded: 'RetriesExceeded',
  DriftDetected: 'DriftDetected',
  HelmChartNotReady: 'HelmChartNotReady',
} as const;

const stamp = (now: Date) => now.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The desired state a reconcile attempts, recorded before any release action (lastAttempted*). */
export function attemptedStatus(
  release: HelmRelease,
  attempt: { chartVersion: string; configDigest: string; helmChart: string | undefined; storageNamespace: string; forceAt?: string; resetAt?: string },
): HelmReleaseStatusFields {
  const status = { ...(release.status ?? {}) };
  const generation = release.metadata.generation;
  // A new chart, new values or a new spec is a new desired state: failures of the previous one no longer count;
  // nor after a reset request.
  const changed =
    status.lastAttemptedRevision !== attempt.chartVersion ||
    status.lastAttemptedConfigDigest !== attempt.configDigest ||
    (generation !== undefined && status.lastAttemptedGeneration !== generation) ||
    attempt.resetAt !== undefined;
  return {
    ...status,
    ...(changed ? { failures: 0, installFailures: 0, upgradeFailures: 0 } : {}),
    ...(attempt.resetAt ? { lastHandledResetAt: attempt.resetAt } : {}),
    ...(attempt.forceAt ? { lastHandledForceAt: attempt.forceAt } : {}),
    ...(generation !== undefined ? { lastAttemptedGeneration: generation } : {}),
    lastAttemptedRevision: attempt.chartVersion,
    lastAttemptedConfigDigest: attempt.configDigest,
    ...(attempt.helmChart ? { helmChart: attempt.helmChart } : {}),
    storageNamespace: attempt.storageNamespace,
  };
}

/** Reconciling=True and Ready=Unknown while an action runs ("Running 'upgrade' action with timeout of 5m0s"). */
export function runningStatus(status: HelmReleaseStatusFields, generation: number | undefined, message: string, now: Date, release: boolean): HelmReleaseStatusFields {
  let conditions = setCondition(status.conditions, { type: ConditionType.Reconciling, status: 'True', reason: Reason.Progressing, message, observedGeneration: generation }, now);
  if (release) conditions = setCondition(conditions, { type: ConditionType.Ready, status: 'Unknown', reason: Reason.Progressing, message, observedGeneration: generation }, now);
  return { ...status, conditions };
}

/** Puts a snapshot at the head of the history, replacing an older entry of the same version. */
export function withSnapshot(status: HelmReleaseStatusFields, snapshot: HelmReleaseSnapshot): HelmReleaseStatusFields {
  const rest = (status.history ?? []).filter((s) => !(s.version === snapshot.version && s.name === snapshot.name && s.namespace === snapshot.namespace));
  return { ...status, history: [snapshot, ...rest] };
}

/** Marks entries of the history as Helm marked their records (superseded, uninstalled). */
export function withSnapshotStatus(status: HelmReleaseStatusFields, version: number, update: Partial<HelmReleaseSnapshot>): HelmReleaseStatusFields {
  return { ...status, history: (status.history ?? []).map((s) => (s.version === version ? { ...s, ...update } : s)) };
}

/** Drops history older than the release a rollback would return to (Flux's Snapshots.Truncate). */
export function truncateHistory(status: HelmReleaseStatusFields, ignoreTestFailures: boolean): HelmReleaseStatusFields {
  const history = status.history ?? [];
  const previous = previousSnapshot(history, ignoreTestFailures);
  if (!previous) return { ...status, history: history.slice(0, 1) };
  return { ...status, history: history.slice(0, history.indexOf(previous) + 1) };
}

/** A release action's result: Released with Flux's reasons, failure counters on failure. */
export function releasedStatus(
  status: HelmReleaseStatusFields,
  result: { action: 'install' | 'upgrade'; succeeded: boolean; message: string; generation: number | undefined },
  now: Date,
): HelmReleaseStatusFields {
  const reason = result.action === 'install'
    ? result.succeeded ? HelmReason.InstallSucceeded : HelmReason.InstallFailed
    : result.succeeded ? HelmReason.UpgradeSucceeded : HelmReason.UpgradeFailed;
  let conditions = setCondition(status.conditions, { type: ConditionType.Released, status: result.succeeded ? 'True' : 'False', reason, message: result.message, observedGeneration: result.generation }, now);
  // A new release has not been tested yet.
  conditions = removeCondition(conditions, ConditionType.TestSuccess);
  const next: HelmReleaseStatusFields = { ...status, conditions, lastAttemptedReleaseAction: result.action };
  if (result.succeeded) return next;
  return {
    ...next,
    failures: (status.failures ?? 0) + 1,
    ...(result.action === 'install' ? { installFailures: (status.installFailures ?? 0) + 1 } : { upgradeFailures: (status.upgradeFailures ?? 0) + 1 }),
  };
}

/** A remediation's result: Remediated=True after it repaired the release, False when it failed. */
export function remediatedStatus(
  status: HelmReleaseStatusFields,
  result: { strategy: 'rollback' | 'uninstall'; succeeded: boolean; message: string; generation: number | undefined },
  now: Date,
): HelmReleaseStatusFields {
  const reason = result.strategy === 'rollback'
    ? result.succeeded ? HelmReason.RollbackSucceeded : HelmReason.RollbackFailed
    : result.succeeded ? HelmReason.UninstallSucceeded : HelmReason.UninstallFailed;
  const conditions = setCondition(status.conditions, { type: ConditionType.Remediated, status: result.succeeded ? 'True' : 'False', reason, message: result.message, observedGeneration: result.generation }, now);
  return { ...status, conditions, ...(result.succeeded ? {} : { failures: (status.failures ?? 0) + 1 }) };
}

/** A test run's result: TestSuccess, and the hooks' phases in the current snapshot. */
export function testedStatus(
  status: HelmReleaseStatusFields,
  result: { succeeded: boolean; message: string; generation: number | undefined; testHooks: NonNullable<HelmReleaseSnapshot['testHooks']> },
  now: Date,
): HelmReleaseStatusFields {
  const conditions = setCondition(
    status.conditions,
    { type: ConditionType.TestSuccess, status: result.succeeded ? 'True' : 'False', reason: result.succeeded ? HelmReason.TestSucceeded : HelmReason.TestFailed, message: result.message, observedGeneration: result.generation },
    now,
  );
  const [current, ...rest] = status.history ?? [];
  const history = current ? [{ ...current, testHooks: result.testHooks }, ...rest] : [];
  return { ...status, conditions, history, ...(result.succeeded ? {} : { failures: (status.failures ?? 0) + 1 }) };
}

/**
 * Ready from Remediated, TestSuccess and Released as helm-controller's summarize: a remediation (even a
 * successful one) or a failed test (unless ignored) makes Ready False, else Ready follows the release. A stale
 * Remediated goes once the release is good again; TestSuccess goes when tests are disabled.
 */
export function summarizedStatus(release: HelmRelease, status: HelmReleaseStatusFields, now: Date): HelmReleaseStatusFields {
  const test = release.spec.test;
  let conditions: Condition[] = status.conditions ?? [];
  if (!test?.enable) conditions = removeCondition(conditions, ConditionType.TestSuccess);
  const released = findCondition(conditions, ConditionType.Released);
  const tested = findCondition(conditions, ConditionType.TestSuccess);
  if (released?.status === 'True' && (!test?.enable || tested?.status === 'True')) conditions = removeCondition(conditions, ConditionType.Remediated);
  const remediated = findCondition(conditions, ConditionType.Remediated);
  const testCounts = test?.enable && !test.ignoreFailures;
  const negative = [remediated?.status === 'True' || remediated?.status === 'False' ? remediated : undefined, testCounts && tested?.status === 'False' ? tested : undefined, released?.status === 'False' ? released : undefined].find(
    (c): c is Condition => c !== undefined,
  );
  const positive = (testCounts && tested?.status === 'True' ? tested : undefined) ?? (released?.status === 'True' ? released : undefined);
  const source = negative ?? positive;
  if (source) {
    conditions = setCondition(conditions, { type: ConditionType.Ready, status: negative ? 'False' : 'True', reason: source.reason, message: source.message, observedGeneration: release.metadata.generation }, now);
  }
  return { ...status, conditions };
}

/**
 * The end of a reconcile: Reconciling gone (kept, ProgressingWithRetry, while waiting for a prerequisite), Stalled
 * when retrying cannot help, observedGeneration, requestedAt.
 */
export function finishedStatus(
  release: HelmRelease,
  status: HelmReleaseStatusFields,
  result: {
    stalled?: { reason: string; message: string };
    requestedAt: string | undefined;
    postRenderersDigest?: string;
    failure?: { reason: string; message: string };
    /** Waiting for a prerequisite (chart artifact, dependsOn) that will be retried: still progressing, as Flux reports it. */
    waiting?: boolean;
  },
  now: Date,
): HelmReleaseStatusFields {
  const generation = release.metadata.generation;
  let conditions =
    result.waiting && result.failure
      ? setCondition(status.conditions, { type: ConditionType.Reconciling, status: 'True', reason: Reason.ProgressingWithRetry, message: result.failure.message, observedGeneration: generation }, now)
      : removeCondition(status.conditions, ConditionType.Reconciling);
  conditions = result.stalled
    ? setCondition(conditions, { type: ConditionType.Stalled, status: 'True', reason: result.stalled.reason, message: result.stalled.message, observedGeneration: generation }, now)
    : removeCondition(conditions, ConditionType.Stalled);
  if (result.failure) {
    conditions = setCondition(conditions, { type: ConditionType.Ready, status: 'False', reason: result.failure.reason, message: result.failure.message, observedGeneration: generation }, now);
  }
  return {
    ...status,
    conditions,
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    ...(result.postRenderersDigest ? { observedPostRenderersDigest: result.postRenderersDigest } : {}),
    ...(result.requestedAt ? { lastHandledReconcileAt: result.requestedAt } : {}),
  };
}

/** A snapshot of a stored release for `status.history`. */
export function snapshotOf(record: {
  name: string;
  namespace: string;
  version: number;
  status: string;
  chartName: string;
  chartVersion: string;
  appVersion?: string;
  configDigest: string;
  digest: string;
  firstDeployed: Date;
  lastDeployed: Date;
  deleted?: Date;
}): HelmReleaseSnapshot {
  return {
    digest: record.digest,
    name: record.name,
    namespace: record.namespace,
    version: record.version,
    status: record.status,
    chartName: record.chartName,
    chartVersion: record.chartVersion,
    ...(record.appVersion ? { appVersion: record.appVersion } : {}),
    configDigest: record.configDigest,
    firstDeployed: stamp(record.firstDeployed),
    lastDeployed: stamp(record.lastDeployed),
    ...(record.deleted ? { deleted: stamp(record.deleted) } : {}),
  };
}
