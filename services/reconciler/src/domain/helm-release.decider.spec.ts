import { helmReleaseSchema, parseFluxObject, type HelmRelease, type HelmReleaseSnapshot } from '@ferry/contracts';
import {
  activeRemediation,
  decideHelmReconcile,
  determineReleaseState,
  helmChartRefOf,
  nextAction,
  pendingRequest,
  previousSnapshot,
  releaseNameOf,
  type DesiredRelease,
  type StoredReleaseSummary,
} from './helm-release.decider';
import { HelmReason, attemptedStatus, finishedStatus, releasedStatus, remediatedStatus, summarizedStatus, testedStatus, truncateHistory } from './helm-release-status';

function helmRelease(spec: Record<string, unknown> = {}, status?: Record<string, unknown>, name = 'podinfo'): HelmRelease {
  return parseFluxObject(helmReleaseSchema, {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name, namespace: 'apps', generation: 1 },
    spec: { interval: '5m', chart: { spec: { chart: 'podinfo', version: '6.5.0', sourceRef: { kind: 'HelmRepository', name: 'podinfo' } } }, ...spec },
    ...(status ? { status } : {}),
  });
}

const snapshot = (version: number, status: string, extra: Partial<HelmReleaseSnapshot> = {}): HelmReleaseSnapshot => ({
  digest: `sha256:${String(version).repeat(64).slice(0, 64)}`,
  name: 'podinfo',
  namespace: 'apps',
  version,
  status,
  chartName: 'podinfo',
  chartVersion: '6.5.0',
  configDigest: 'sha256:config',
  firstDeployed: '2026-01-01T00:00:00Z',
  lastDeployed: '2026-01-01T00:00:00Z',
  ...extra,
});

const stored = (version: number, status: StoredReleaseSummary['status'], extra: Partial<StoredReleaseSummary> = {}): StoredReleaseSummary => ({
  name: 'podinfo',
  namespace: 'apps',
  version,
  status,
  chartName: 'podinfo',
  chartVersion: '6.5.0',
  configDigest: 'sha256:config',
  digest: snapshot(version, status).digest,
  ...extra,
});

const desired: DesiredRelease = { chartName: 'podinfo', chartVersion: '6.5.0', configDigest: 'sha256:config', postRenderersDigest: 'sha256:pr' };

describe('release names', () => {
  it('given no releaseName, then it is [targetNamespace-]name, shortened with a hash past 53 characters', () => {
    expect(releaseNameOf(helmRelease())).toBe('podinfo');
    expect(releaseNameOf(helmRelease({ targetNamespace: 'prod' }))).toBe('prod-podinfo');
    expect(releaseNameOf(helmRelease({ releaseName: 'mine', targetNamespace: 'prod' }))).toBe('mine');
    const long = releaseNameOf(helmRelease({ targetNamespace: 'a-very-long-target-namespace-name' }, undefined, 'and-a-rather-long-release-name'));
    expect(long).toHaveLength(53);
    expect(long).toMatch(/^a-very-long-target-namespace-name-and-a--[0-9a-f]{12}$/);
  });

  it('given spec.chart, then the HelmChart is <namespace>-<name> in the sourceRef namespace', () => {
    expect(helmChartRefOf(helmRelease())).toEqual({ kind: 'HelmChart', namespace: 'apps', name: 'apps-podinfo' });
    const crossNamespace = helmRelease({ chart: { spec: { chart: 'podinfo', sourceRef: { kind: 'HelmRepository', name: 'podinfo', namespace: 'flux-system' } } } });
    expect(helmChartRefOf(crossNamespace)).toEqual({ kind: 'HelmChart', namespace: 'flux-system', name: 'apps-podinfo' });
    expect(helmChartRefOf(helmRelease({ chart: undefined, chartRef: { kind: 'HelmChart', name: 'shared' } }))).toEqual({ kind: 'HelmChart', namespace: 'apps', name: 'shared' });
  });
});

describe('decideHelmReconcile', () => {
  it('given a suspended HelmRelease, then it skips', () => {
    expect(decideHelmReconcile(helmRelease({ suspend: true }), new Map())).toEqual({ action: 'skip-suspended' });
  });

  it('given an OCIRepository chartRef, then it stalls with a clear message', () => {
    expect(decideHelmReconcile(helmRelease({ chart: undefined, chartRef: { kind: 'OCIRepository', name: 'oci' } }), new Map())).toMatchObject({
      action: 'wait',
      reason: 'ArtifactFailed',
      retryable: false,
    });
  });

  it('given a dependency missing or not ready, then it waits with DependencyNotReady', () => {
    const release = helmRelease({ dependsOn: [{ name: 'redis' }] });
    expect(decideHelmReconcile(release, new Map([['apps/redis', undefined]]))).toMatchObject({ reason: 'DependencyNotReady', message: "dependency 'apps/redis' not found" });
    expect(decideHelmReconcile(release, new Map([['apps/redis', helmRelease({}, {}, 'redis')]]))).toMatchObject({ message: "dependency 'apps/redis' is not ready" });
    const ready = helmRelease({}, { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True', reason: 'UpgradeSucceeded', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' }] }, 'redis');
    expect(decideHelmReconcile(release, new Map([['apps/redis', ready]]))).toEqual({ action: 'reconcile' });
  });
});

describe('determineReleaseState and nextAction', () => {
  it('given no release in storage, when reconciled, then it installs', () => {
    const release = helmRelease();
    const state = determineReleaseState(release, undefined, desired);
    expect(state).toEqual({ status: 'Absent', reason: 'no release in storage for object' });
    expect(nextAction(release, state)).toEqual({ type: 'install' });
  });

  it('given a deployed release matching the chart and values, then there is nothing to do', () => {
    const release = helmRelease({}, { history: [snapshot(1, 'deployed')] });
    const state = determineReleaseState(release, stored(1, 'deployed'), desired);
    expect(state).toEqual({ status: 'InSync' });
    expect(nextAction(release, state)).toEqual({ type: 'none' });
  });

  it('given new values or a new chart version, then it upgrades', () => {
    const release = helmRelease({}, { history: [snapshot(1, 'deployed')] });
    const values = determineReleaseState(release, stored(1, 'deployed'), { ...desired, configDigest: 'sha256:new' });
    expect(values).toEqual({ status: 'OutOfSync', reason: 'release config values changed' });
    expect(nextAction(release, values)).toEqual({ type: 'upgrade' });
    expect(determineReleaseState(release, stored(1, 'deployed'), { ...desired, chartVersion: '6.6.0' })).toEqual({ status: 'OutOfSync', reason: 'release chart changed' });
  });

  it('given a release made outside the controller (no history, or another digest), then it takes it over by upgrading', () => {
    const state = determineReleaseState(helmRelease(), stored(3, 'deployed'), desired);
    expect(state.status).toBe('Unmanaged');
    expect(nextAction(helmRelease(), state)).toEqual({ type: 'upgrade' });
    const tampered = determineReleaseState(helmRelease({}, { history: [snapshot(1, 'deployed')] }), stored(1, 'deployed', { digest: 'sha256:other' }), desired);
    expect(tampered.status).toBe('Unmanaged');
  });

  it('given a release stuck pending, then it unlocks it', () => {
    const release = helmRelease({}, { history: [snapshot(2, 'pending-upgrade')] });
    const state = determineReleaseState(release, stored(2, 'pending-upgrade'), desired);
    expect(state).toEqual({ status: 'Locked', reason: "release with status 'pending-upgrade'" });
    expect(nextAction(release, state)).toEqual({ type: 'unlock' });
  });

  it('given tests enabled and an untested release, then it tests', () => {
    const release = helmRelease({ test: { enable: true } }, { history: [snapshot(1, 'deployed')] });
    const state = determineReleaseState(release, stored(1, 'deployed'), desired);
    expect(state).toEqual({ status: 'Untested' });
    expect(nextAction(release, state)).toEqual({ type: 'test' });
  });

  it('given a failed upgrade with retries left, then it rolls back to the previous deployed release', () => {
    const history = [snapshot(3, 'failed'), snapshot(2, 'superseded'), snapshot(1, 'superseded')];
    const release = helmRelease({ upgrade: { remediation: { retries: 2 } } }, { history, lastAttemptedReleaseAction: 'upgrade', upgradeFailures: 1 });
    const state = determineReleaseState(release, stored(3, 'failed'), desired);
    expect(state).toEqual({ status: 'Failed' });
    expect(nextAction(release, state)).toEqual({ type: 'rollback', to: history[1] });
  });

  it('given the last retry failed, then the failure is still remediated (retries > 0) but a further upgrade stalls', () => {
    const history = [snapshot(3, 'failed'), snapshot(2, 'deployed')];
    const exhausted = helmRelease({ upgrade: { remediation: { retries: 1 } } }, { history, lastAttemptedReleaseAction: 'upgrade', upgradeFailures: 2 });
    expect(nextAction(exhausted, { status: 'Failed' })).toEqual({ type: 'rollback', to: history[1] });
    expect(nextAction(exhausted, { status: 'OutOfSync', reason: 'release config values changed' })).toEqual({ type: 'stall', message: 'exceeded maximum retries: cannot upgrade release' });
    const noRemediation = helmRelease({}, { history, lastAttemptedReleaseAction: 'upgrade', upgradeFailures: 1 });
    expect(nextAction(noRemediation, { status: 'Failed' })).toEqual({ type: 'stall', message: 'exceeded maximum retries: cannot remediate failed release' });
  });

  it('given a failed install with retries left, then it is uninstalled, and installed again next time', () => {
    const release = helmRelease({ install: { remediation: { retries: 1 } } }, { history: [snapshot(1, 'failed')], lastAttemptedReleaseAction: 'install', installFailures: 1 });
    expect(activeRemediation(release)).toMatchObject({ strategy: 'uninstall', retries: 1, failures: 1, remediateLastFailure: false });
    expect(nextAction(release, { status: 'Failed' })).toEqual({ type: 'uninstall-remediation' });
    const uninstalled = helmRelease({ install: { remediation: { retries: 1 } } }, { history: [snapshot(1, 'uninstalled')], installFailures: 1 });
    expect(nextAction(uninstalled, determineReleaseState(uninstalled, stored(1, 'uninstalled'), desired))).toEqual({ type: 'install' });
  });

  it('given a failed release after the desired state changed (failure counts reset), then it upgrades', () => {
    const release = helmRelease({ upgrade: { remediation: { retries: 3 } } }, { history: [snapshot(2, 'failed'), snapshot(1, 'superseded')], lastAttemptedReleaseAction: 'upgrade', upgradeFailures: 0 });
    expect(nextAction(release, { status: 'Failed' })).toEqual({ type: 'upgrade' });
  });

  it('given upgrade strategy uninstall, then a failed upgrade is uninstalled', () => {
    const release = helmRelease({ upgrade: { remediation: { retries: 1, strategy: 'uninstall' } } }, { history: [snapshot(2, 'failed'), snapshot(1, 'superseded')], lastAttemptedReleaseAction: 'upgrade', upgradeFailures: 1 });
    expect(nextAction(release, { status: 'Failed' })).toEqual({ type: 'uninstall-remediation' });
  });

  it('given drift, then it corrects in enabled mode and only warns in warn mode', () => {
    expect(nextAction(helmRelease({ driftDetection: { mode: 'enabled' } }), { status: 'Drifted' })).toEqual({ type: 'correct-drift' });
    expect(nextAction(helmRelease({ driftDetection: { mode: 'warn' } }), { status: 'Drifted' })).toEqual({ type: 'none' });
  });

  it('given failed test hooks and an active remediation, then the release counts as failed', () => {
    const tested = snapshot(1, 'deployed', { testHooks: { 'podinfo-test': { phase: 'Failed' } } });
    const release = helmRelease({ test: { enable: true }, install: { remediation: { retries: 1 } } }, { history: [tested], lastAttemptedReleaseAction: 'install' });
    expect(determineReleaseState(release, stored(1, 'deployed'), desired)).toEqual({ status: 'Failed', reason: 'release has test in failed phase' });
    const ignoring = helmRelease({ test: { enable: true, ignoreFailures: true }, install: { remediation: { retries: 1 } } }, { history: [tested], lastAttemptedReleaseAction: 'install' });
    expect(determineReleaseState(ignoring, stored(1, 'deployed'), desired)).toEqual({ status: 'InSync' });
  });

  it('given a force request, then it upgrades (or installs) whatever the state and retries', () => {
    const exhausted = helmRelease({ upgrade: { remediation: { retries: 1 } } }, { history: [snapshot(3, 'deployed')], lastAttemptedReleaseAction: 'upgrade', upgradeFailures: 2, installFailures: 5 });
    expect(nextAction(exhausted, { status: 'InSync' }, true)).toEqual({ type: 'upgrade' });
    expect(nextAction(exhausted, { status: 'OutOfSync', reason: 'release chart changed' }, true)).toEqual({ type: 'upgrade' });
    expect(nextAction(exhausted, { status: 'Failed' }, true)).toEqual({ type: 'upgrade' });
    expect(nextAction(exhausted, { status: 'Absent', reason: 'no release in storage for object' }, true)).toEqual({ type: 'install' });
  });

  it('takes a force or reset request only when it matches requestedAt and was not handled yet', () => {
    const annotated = (annotations: Record<string, string>, status: Record<string, unknown> = {}) =>
      parseFluxObject(helmReleaseSchema, { ...helmRelease({}, status), metadata: { name: 'podinfo', namespace: 'apps', annotations } });
    expect(pendingRequest(annotated({ 'reconcile.fluxcd.io/requestedAt': 't1', 'reconcile.fluxcd.io/forceAt': 't1' }), 'force')).toBe('t1');
    expect(pendingRequest(annotated({ 'reconcile.fluxcd.io/requestedAt': 't2', 'reconcile.fluxcd.io/forceAt': 't1' }), 'force')).toBeUndefined();
    expect(pendingRequest(annotated({ 'reconcile.fluxcd.io/requestedAt': 't1', 'reconcile.fluxcd.io/resetAt': 't1' }, { lastHandledResetAt: 't1' }), 'reset')).toBeUndefined();
    const reset = annotated({ 'reconcile.fluxcd.io/requestedAt': 't3', 'reconcile.fluxcd.io/resetAt': 't3' }, { lastAttemptedRevision: '6.5.0', lastAttemptedConfigDigest: 'sha256:config', upgradeFailures: 2, failures: 4 });
    const status = attemptedStatus(reset, { chartVersion: '6.5.0', configDigest: 'sha256:config', helmChart: undefined, storageNamespace: 'apps', resetAt: 't3' });
    expect(status).toMatchObject({ failures: 0, upgradeFailures: 0, installFailures: 0, lastHandledResetAt: 't3' });
  });

  it('previousSnapshot skips failed releases and the current one', () => {
    const history = [snapshot(4, 'failed'), snapshot(3, 'failed'), snapshot(2, 'superseded'), snapshot(1, 'superseded')];
    expect(previousSnapshot(history, false)?.version).toBe(2);
    expect(truncateHistory({ history }, false).history?.map((s) => s.version)).toEqual([4, 3, 2]);
  });
});

describe('HelmRelease status', () => {
  const now = new Date('2026-02-03T04:05:06Z');
  const ready = (status: { conditions?: Array<{ type: string; status: string; reason: string; message: string }> }) => status.conditions?.find((c) => c.type === 'Ready');

  it('given a successful install, then Released and Ready are True with InstallSucceeded', () => {
    const message = 'Helm install succeeded for release apps/podinfo.v1 with chart podinfo@6.5.0';
    const release = helmRelease();
    const status = summarizedStatus(release, releasedStatus({}, { action: 'install', succeeded: true, message, generation: 1 }, now), now);
    expect(ready(status)).toMatchObject({ status: 'True', reason: HelmReason.InstallSucceeded, message });
    expect(status.lastAttemptedReleaseAction).toBe('install');
  });

  it('given a failed upgrade, then failures count up and Ready is False with UpgradeFailed', () => {
    const status = releasedStatus({ failures: 1, upgradeFailures: 1 }, { action: 'upgrade', succeeded: false, message: 'Helm upgrade failed', generation: 1 }, now);
    expect(status).toMatchObject({ failures: 2, upgradeFailures: 2 });
    expect(ready(summarizedStatus(helmRelease(), status, now))).toMatchObject({ status: 'False', reason: HelmReason.UpgradeFailed });
  });

  it('given a chart that is not ready yet, then Ready is False but the release is still Reconciling (retried), not finished', () => {
    const failure = { reason: HelmReason.HelmChartNotReady, message: "HelmChart 'apps/apps-podinfo' is not ready" };
    const waiting = finishedStatus(helmRelease(), {}, { failure, requestedAt: undefined, waiting: true }, now);
    expect(ready(waiting)).toMatchObject({ status: 'False', reason: HelmReason.HelmChartNotReady });
    expect(waiting.conditions?.find((c) => c.type === 'Reconciling')).toMatchObject({ status: 'True', reason: 'ProgressingWithRetry', message: failure.message });
    const failed = finishedStatus(helmRelease(), waiting, { failure: { reason: 'ArtifactFailed', message: 'bad chart' }, requestedAt: undefined }, now);
    expect(failed.conditions?.map((c) => c.type)).not.toContain('Reconciling');
  });

  it('given a successful rollback, then Remediated is True and Ready False with RollbackSucceeded, until a release succeeds', () => {
    const failed = releasedStatus({}, { action: 'upgrade', succeeded: false, message: 'failed', generation: 1 }, now);
    const rolledBack = summarizedStatus(helmRelease(), remediatedStatus(failed, { strategy: 'rollback', succeeded: true, message: 'Helm rollback to previous release apps/podinfo.v1 with chart podinfo@6.5.0 succeeded', generation: 1 }, now), now);
    expect(ready(rolledBack)).toMatchObject({ status: 'False', reason: HelmReason.RollbackSucceeded });
    const fixed = summarizedStatus(helmRelease(), releasedStatus(rolledBack, { action: 'upgrade', succeeded: true, message: 'ok', generation: 2 }, now), now);
    expect(fixed.conditions?.map((c) => c.type)).not.toContain('Remediated');
    expect(ready(fixed)).toMatchObject({ status: 'True', reason: HelmReason.UpgradeSucceeded });
  });

  it('given tests enabled, then Ready follows TestSuccess after the release', () => {
    const release = helmRelease({ test: { enable: true } });
    const installed = releasedStatus({ history: [snapshot(1, 'deployed')] }, { action: 'install', succeeded: true, message: 'installed', generation: 1 }, now);
    const tested = summarizedStatus(release, testedStatus(installed, { succeeded: false, message: 'Helm test failed', generation: 1, testHooks: { t: { phase: 'Failed' } } }, now), now);
    expect(ready(tested)).toMatchObject({ status: 'False', reason: HelmReason.TestFailed });
    expect(tested.history?.[0]?.testHooks).toEqual({ t: { phase: 'Failed' } });
  });
});
