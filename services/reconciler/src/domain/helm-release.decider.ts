import { createHash } from 'node:crypto';
import { ConditionType, RECONCILE_REQUESTED_AT_ANNOTATION, Reason, isConditionTrue, type HelmRelease, type HelmReleaseSnapshot } from '@ferry/contracts';
import type { ReleaseStatus } from '@ferry/helm';

/** What the controller needs of the newest release record in Helm's storage. */
export interface StoredReleaseSummary {
  name: string;
  namespace: string;
  version: number;
  status: ReleaseStatus;
  chartName: string;
  chartVersion: string;
  configDigest: string;
  /** sha256 of the stored record: a release changed behind our back no longer matches its snapshot. */
  digest: string;
}

/** The chart and values this reconcile wants released. */
export interface DesiredRelease {
  chartName: string;
  chartVersion: string;
  configDigest: string;
  postRenderersDigest: string;
}

/** The state of a release compared with the HelmRelease, as helm-controller's DetermineReleaseState. */
export type ReleaseState =
  | { status: 'Absent'; reason: string }
  | { status: 'Locked'; reason: string }
  | { status: 'Unmanaged'; reason: string }
  | { status: 'OutOfSync'; reason: string }
  | { status: 'Untested' }
  | { status: 'Failed'; reason?: string }
  | { status: 'Drifted' }
  | { status: 'InSync' };

/** The next step of a reconcile, as helm-controller's actionForState picks it. */
export type HelmAction =
  | { type: 'install' }
  | { type: 'upgrade' }
  | { type: 'test' }
  | { type: 'unlock' }
  | { type: 'rollback'; to: HelmReleaseSnapshot }
  | { type: 'uninstall-remediation' }
  | { type: 'correct-drift' }
  | { type: 'none' }
  | { type: 'stall'; message: string };

/** Helm's limit on release names (they become Secret labels and object names). */
const MAX_RELEASE_NAME = 53;
const SHORT_HASH = 12;

/**
 * The release name: `spec.releaseName`, else `[<targetNamespace>-]<name>`; past 53 characters shortened as
 * Flux does, to its first 40 characters, a dash and 12 hex digits of its sha256.
 */
export function releaseNameOf(release: HelmRelease): string {
  const { releaseName, targetNamespace } = release.spec;
  const name = releaseName ?? (targetNamespace ? `${targetNamespace}-${release.metadata.name}` : release.metadata.name);
  if (name.length <= MAX_RELEASE_NAME) return name;
  const sum = createHash('sha256').update(name).digest('hex');
  return `${name.slice(0, MAX_RELEASE_NAME - SHORT_HASH - 1)}-${sum.slice(0, SHORT_HASH)}`;
}

/** Where the release's objects go: `spec.targetNamespace`, else the HelmRelease's namespace. */
export function targetNamespaceOf(release: HelmRelease): string {
  return release.spec.targetNamespace ?? release.metadata.namespace ?? 'default';
}

/** Where Helm's release Secrets live: `spec.storageNamespace`, else the HelmRelease's namespace. */
export function storageNamespaceOf(release: HelmRelease): string {
  return release.spec.storageNamespace ?? release.metadata.namespace ?? 'default';
}

/** The HelmChart a HelmRelease reads: the one helm-controller creates from `spec.chart`, or `spec.chartRef`. */
export function helmChartRefOf(release: HelmRelease): { kind: 'HelmChart' | 'OCIRepository'; namespace: string; name: string } {
  const namespace = release.metadata.namespace ?? 'default';
  if (release.spec.chartRef) {
    return { kind: release.spec.chartRef.kind, namespace: release.spec.chartRef.namespace ?? namespace, name: release.spec.chartRef.name };
  }
  return { kind: 'HelmChart', namespace: release.spec.chart?.spec.sourceRef.namespace ?? namespace, name: `${namespace}-${release.metadata.name}` };
}

/** `namespace/name.v<version>`, how helm-controller names a release in messages. */
export function fullReleaseName(release: { name: string; namespace: string; version: number }): string {
  return `${release.namespace}/${release.name}.v${release.version}`;
}

/** `chart@version`, how helm-controller names a chart in messages. */
export function versionedChartName(chart: { chartName: string; chartVersion: string }): string {
  return `${chart.chartName}@${chart.chartVersion}`;
}

type Remediation = { retries: number; remediateLastFailure: boolean; strategy: 'rollback' | 'uninstall'; ignoreTestFailures: boolean | undefined };

/**
 * The remediation of the last release action (Flux's GetActiveRemediation): install remediation always
 * uninstalls and remediates the last failure only when asked; upgrade remediation rolls back by default and
 * remediates the last failure by default when it has retries.
 */
export function activeRemediation(release: HelmRelease): (Remediation & { failures: number }) | undefined {
  const status = release.status ?? {};
  if (status.lastAttemptedReleaseAction === 'install') {
    const r = release.spec.install?.remediation;
    return {
      retries: r?.retries ?? 0,
      remediateLastFailure: r?.remediateLastFailure ?? false,
      strategy: 'uninstall',
      ignoreTestFailures: r?.ignoreTestFailures,
      failures: status.installFailures ?? 0,
    };
  }
  if (status.lastAttemptedReleaseAction === 'upgrade') {
    const r = release.spec.upgrade?.remediation;
    const retries = r?.retries ?? 0;
    return {
      retries,
      remediateLastFailure: r?.remediateLastFailure ?? retries > 0,
      strategy: r?.strategy ?? 'rollback',
      ignoreTestFailures: r?.ignoreTestFailures,
      failures: status.upgradeFailures ?? 0,
    };
  }
  return undefined;
}

/** Flux's RetriesExhausted: a negative retry count retries forever. */
export function retriesExhausted(retries: number, failures: number): boolean {
  return retries >= 0 && failures > retries;
}

/** Whether test failures are ignored for the active remediation (falls back to `test.ignoreFailures`). */
export function ignoresTestFailures(release: HelmRelease): boolean {
  return activeRemediation(release)?.ignoreTestFailures ?? release.spec.test?.ignoreFailures ?? false;
}

// Helm's IsPending: an operation started and never finished (not `uninstalling`).
const isPending = (status: ReleaseStatus) => status.startsWith('pending-');

/**
 * Compares the newest stored release with the HelmRelease's history and the desired chart and values
 * (helm-controller's DetermineReleaseState). Drift is the caller's to find: it needs the cluster.
 */
export function determineReleaseState(release: HelmRelease, stored: StoredReleaseSummary | undefined, desired: DesiredRelease): ReleaseState {
  if (!stored) return { status: 'Absent', reason: 'no release in storage for object' };
  if (isPending(stored.status)) return { status: 'Locked', reason: `release with status '${stored.status}'` };
  const history = release.status?.history ?? [];
  const current = history[0];
  if (!current) {
    if (stored.status === 'uninstalled') return { status: 'Absent', reason: 'found uninstalled release in storage' };
    return { status: 'Unmanaged', reason: 'found existing release in storage' };
  }
  if (current.name !== stored.name || current.namespace !== stored.namespace || current.version !== stored.version) {
    return { status: 'Unmanaged', reason: `release not observed to be made for object (${fullReleaseName(stored)})` };
  }
  if (current.digest !== stored.digest) return { status: 'Unmanaged', reason: 'release digest verification error: release was modified outside the controller' };
  switch (stored.status) {
    case 'failed':
      return { status: 'Failed' };
    case 'uninstalled':
      return { status: 'Absent', reason: 'found uninstalled release in storage' };
    case 'deployed': {
      if (stored.chartName !== desired.chartName || stored.chartVersion !== desired.chartVersion) return { status: 'OutOfSync', reason: 'release chart changed' };
      if (stored.configDigest !== desired.configDigest) return { status: 'OutOfSync', reason: 'release config values changed' };
      if ((release.status?.observedPostRenderersDigest ?? desired.postRenderersDigest) !== desired.postRenderersDigest) {
        return { status: 'OutOfSync', reason: 'postRenderers digest has changed' };
      }
      if (release.spec.test?.enable) {
        const tests = current.testHooks;
        if (!tests) return { status: 'Untested' };
        const failed = Object.values(tests).some((hook) => hook.phase === 'Failed');
        if (failed && activeRemediation(release) && !ignoresTestFailures(release)) return { status: 'Failed', reason: 'release has test in failed phase' };
      }
      return { status: 'InSync' };
    }
    default:
      return { status: 'Failed', reason: `unable to determine state for release with status '${stored.status}'` };
  }
}

/**
 * The snapshot to roll back to: the newest one before the current that was deployed (or superseded after
 * being deployed), skipping failed ones — as Snapshots.Previous.
 */
export function previousSnapshot(history: readonly HelmReleaseSnapshot[], ignoreTestFailures: boolean): HelmReleaseSnapshot | undefined {
  return history.slice(1).find((snapshot) => {
    if (snapshot.status !== 'deployed' && snapshot.status !== 'superseded') return false;
    return ignoreTestFailures || !Object.values(snapshot.testHooks ?? {}).some((hook) => hook.phase === 'Failed');
  });
}

/**
 * The action for a release state (helm-controller's actionForState); `stall` when retries are exhausted and
 * only a change to the HelmRelease can help. A force request upgrades (or installs) whatever the state and retries.
 */
export function nextAction(release: HelmRelease, state: ReleaseState, force = false): HelmAction {
  switch (state.status) {
    case 'InSync':
      return force ? { type: 'upgrade' } : { type: 'none' };
    case 'Locked':
      return { type: 'unlock' };
    case 'Absent': {
      const r = release.spec.install?.remediation;
      if (!force && retriesExhausted(r?.retries ?? 0, release.status?.installFailures ?? 0)) return { type: 'stall', message: 'exceeded maximum retries: cannot install release' };
      return { type: 'install' };
    }
    case 'Unmanaged':
      return { type: 'upgrade' };
    case 'OutOfSync': {
      const r = release.spec.upgrade?.remediation;
      if (!force && retriesExhausted(r?.retries ?? 0, release.status?.upgradeFailures ?? 0)) return { type: 'stall', message: 'exceeded maximum retries: cannot upgrade release' };
      return { type: 'upgrade' };
    }
    case 'Drifted':
      return release.spec.driftDetection?.mode === 'enabled' ? { type: 'correct-drift' } : { type: 'none' };
    case 'Untested':
      return { type: 'test' };
    case 'Failed': {
      const remediation = activeRemediation(release);
      if (!remediation || remediation.failures <= 0 || force) return { type: 'upgrade' };
      if (retriesExhausted(remediation.retries, remediation.failures) && !remediation.remediateLastFailure) {
        return { type: 'stall', message: 'exceeded maximum retries: cannot remediate failed release' };
      }
      if (remediation.strategy === 'uninstall') return { type: 'uninstall-remediation' };
      const to = previousSnapshot(release.status?.history ?? [], ignoresTestFailures(release));
      if (!to) return { type: 'stall', message: 'missing target release for rollback: cannot remediate failed release' };
      return { type: 'rollback', to };
    }
  }
}

/** Whether the action changes the release (install/upgrade) or repairs a failed one (remediation). */
export function actionKind(action: HelmAction): 'release' | 'remediate' | 'test' | 'unlock' | 'drift' | 'none' {
  switch (action.type) {
    case 'install':
    case 'upgrade':
      return 'release';
    case 'rollback':
    case 'uninstall-remediation':
      return 'remediate';
    case 'test':
      return 'test';
    case 'unlock':
      return 'unlock';
    case 'correct-drift':
      return 'drift';
    default:
      return 'none';
  }
}

/** Flux's annotations asking for a forced release or for its failure counts to be reset. */
export const HelmRequestAnnotation = { forceAt: 'reconcile.fluxcd.io/forceAt', resetAt: 'reconcile.fluxcd.io/resetAt' } as const;

/**
 * A force or reset request to handle now (Flux's handleRequest): the annotation's value, when it equals the
 * `reconcile.fluxcd.io/requestedAt` value (`flux reconcile hr --force` sets both) and was not handled yet.
 */
export function pendingRequest(release: HelmRelease, kind: 'force' | 'reset'): string | undefined {
  const annotations = release.metadata.annotations ?? {};
  const value = annotations[kind === 'force' ? HelmRequestAnnotation.forceAt : HelmRequestAnnotation.resetAt];
  const handled = kind === 'force' ? release.status?.lastHandledForceAt : release.status?.lastHandledResetAt;
  return value && value === annotations[RECONCILE_REQUESTED_AT_ANNOTATION] && value !== handled ? value : undefined;
}

/** What keeps a HelmRelease from being reconciled now (dependencies, chart source), if anything. */
export type HelmReleaseReadiness =
  | { action: 'skip-suspended' }
  | { action: 'wait'; reason: string; message: string; retryable: boolean }
  | { action: 'reconcile' };

/** A dependency is ready when its Ready condition is True for its current generation (Flux's rule). */
export function helmDependencyProblem(dependency: HelmRelease | undefined, name: string): string | undefined {
  if (!dependency) return `dependency '${name}' not found`;
  const observed = dependency.status?.observedGeneration === dependency.metadata.generation;
  if (!isConditionTrue(dependency.status?.conditions, ConditionType.Ready) || !observed) return `dependency '${name}' is not ready`;
  return undefined;
}

/** Checks suspension, chart reference kind and `dependsOn` before anything is fetched. */
export function decideHelmReconcile(release: HelmRelease, dependencies: ReadonlyMap<string, HelmRelease | undefined>): HelmReleaseReadiness {
  if (release.spec.suspend) return { action: 'skip-suspended' };
  if (release.spec.chartRef?.kind === 'OCIRepository') {
    return { action: 'wait', reason: Reason.ArtifactFailed, message: 'chartRef kind OCIRepository is not supported by Ferry yet', retryable: false };
  }
  for (const dependency of release.spec.dependsOn ?? []) {
    const name = `${dependency.namespace ?? release.metadata.namespace}/${dependency.name}`;
    const problem = helmDependencyProblem(dependencies.get(name), name);
    if (problem) return { action: 'wait', reason: Reason.DependencyNotReady, message: problem, retryable: true };
  }
  return { action: 'reconcile' };
}
