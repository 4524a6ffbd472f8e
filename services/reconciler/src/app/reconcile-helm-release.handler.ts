import { parse as parseYaml } from 'yaml';
import {
  ConditionType,
  RECONCILE_REQUESTED_AT_ANNOTATION,
  Reason,
  ReconcileFailure,
  formatDuration,
  parseDuration,
  type EventCause,
  type HelmRelease,
} from '@ferry/contracts';
import { lastDeployed, latestRelease, mergeMaps, validateReleaseName, type Chart } from '@ferry/helm';
import type { ChangeSetEntry } from '@ferry/kube';
import { reconcileLogger, type Logger } from '@ferry/observability';
import {
  actionKind,
  decideHelmReconcile,
  determineReleaseState,
  fullReleaseName,
  helmChartRefOf,
  ignoresTestFailures,
  nextAction,
  pendingRequest,
  releaseNameOf,
  retriesExhausted,
  activeRemediation,
  storageNamespaceOf,
  targetNamespaceOf,
  versionedChartName,
  type HelmAction,
  type ReleaseState,
  type StoredReleaseSummary,
} from '../domain/helm-release.decider';
import {
  HelmReason,
  attemptedStatus,
  finishedStatus,
  releasedStatus,
  remediatedStatus,
  runningStatus,
  snapshotOf,
  summarizedStatus,
  testedStatus,
  truncateHistory,
  withSnapshot,
  type HelmReleaseStatusFields,
} from '../domain/helm-release-status';
import { composeValues, configDigest, postRenderersDigest, type Values, type ValuesSource } from '../domain/helm-values';
import { KUSTOMIZATION_FINALIZER, reconcileRequested, retryDelayMs } from '../domain/kustomization.decider';
import { HelmActions, type ReleaseTarget } from './helm-actions';
import type { ChartLoader, ChartRenderer, HelmChartTemplates, HelmClusterResolver, HelmReleaseRepository, PostRenderer, StoredRelease, ValuesReader } from './helm-ports';
import type { ReconcileDeps } from './ports';
import { appendFailed, recordOutcome, type Attempt } from './reconcile-outcome';
import type { ReconcileResult } from './reconcile-queue';
import { guardedReconcile } from './guarded-reconcile';

/** Dependencies of the HelmRelease reconcile use case. */
export interface ReconcileHelmReleaseDeps extends ReconcileDeps {
  releases: HelmReleaseRepository;
  charts: HelmChartTemplates;
  loader: ChartLoader;
  renderer: ChartRenderer;
  values: ValuesReader;
  clusters: HelmClusterResolver;
  postRenderer: PostRenderer;
}

const KIND = 'HelmRelease';
const CONTROLLER = { controller: 'helmrelease', controllerGroup: 'helm.toolkit.fluxcd.io', controllerKind: KIND };
/** Flux's default timeout of Helm actions. */
const DEFAULT_TIMEOUT = '5m';
/** The first retry after a failure; doubled with each further one. */
const FIRST_RETRY_MS = 1_000;
/** Install, test, remediate: a reconcile runs a handful of actions at most; more means a loop. */
const MAX_ACTIONS = 6;

/** The desired release of one reconcile: chart, values and where it goes. */
interface Desired {
  chart: Chart;
  values: Values;
  configDigest: string;
  postRenderersDigest: string;
  target: ReleaseTarget;
}

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * One reconcile of a HelmRelease, as helm-controller does it: check suspend and dependencies, keep the HelmChart
 * of `spec.chart`, wait for its artifact, load the chart, compose the values, then run Helm actions chosen from
 * the release's state (install, upgrade, test, remediation by rollback or uninstall, unlock, drift correction)
 * until it is in sync or must be retried; write status and record the outcome.
 */
export class ReconcileHelmReleaseHandler {
  private readonly now: () => Date;
  private readonly actions: HelmActions;
  /** Failed reconciles in a row per HelmRelease, for the retry backoff; a success clears it. */
  private readonly consecutiveFailures = new Map<string, number>();

  constructor(private readonly deps: ReconcileHelmReleaseDeps) {
    this.now = deps.now ?? (() => new Date());
    this.actions = new HelmActions(this.now);
  }

  /** Reconciles `namespace/name` unless another replica is at it; returns when to run again. */
  reconcile(namespace: string, name: string, cause?: EventCause): Promise<ReconcileResult> {
    const steps = {
      get: (ns: string, n: string) => this.deps.releases.get(ns, n),
      setFinalizers: (object: HelmRelease, finalizers: string[]) => this.deps.releases.setFinalizers(object, finalizers),
      forget: (key: string) => this.consecutiveFailures.delete(key),
      finalize: (object: HelmRelease) => this.finalize(object),
      reconcileHeld: (object: HelmRelease, c?: EventCause) => this.reconcileHeld(object, c),
    };
    return guardedReconcile(steps, this.deps.lock, this.deps.logger, { namespace, name }, cause);
  }

  /** The HelmRelease is being deleted: uninstall the release (unless suspended), delete its HelmChart, let it go. */
  private async finalize(release: HelmRelease): Promise<ReconcileResult> {
    const finalizers = release.metadata.finalizers ?? [];
    if (!finalizers.includes(KUSTOMIZATION_FINALIZER)) return {};
    const log = reconcileLogger(this.deps.logger, CONTROLLER, release.metadata.name, release.metadata.namespace ?? 'default');
    try {
      if (!release.spec.suspend) {
        const cluster = await this.deps.clusters.clusterFor(release);
        const target = this.targetOf(release, cluster, this.timeoutMs(release, release.spec.uninstall?.timeout));
        const history = await cluster.storage.history(target.storageNamespace, target.name);
        const latest = latestRelease(history.map((h) => h.release));
        if (latest && latest.info.status !== 'uninstalled') {
          const result = await this.actions.uninstall(target, history);
          if (result.error) throw new Error(result.error);
          const message = `Helm uninstall succeeded for release ${fullReleaseName(latest)} with chart ${versionedChartName({ chartName: latest.chart.metadata.name, chartVersion: latest.chart.metadata.version })}`;
          log.info(message, { output: Object.fromEntries(result.changes.map((c) => [c.id, c.action])) });
          await this.deps.recorder.record(release, 'Normal', HelmReason.UninstallSucceeded, message).catch(() => undefined);
        }
      }
      const chart = createdHelmChart(release);
      if (chart) await this.deps.charts.remove(chart);
      await this.deps.releases.setFinalizers(release, finalizers.filter((f) => f !== KUSTOMIZATION_FINALIZER));
      return {};
    } catch (error) {
      const message = `uninstall failed: ${errorMessage(error)}`;
      log.error(message, { reason: HelmReason.UninstallFailed });
      await this.deps.recorder.record(release, 'Warning', HelmReason.UninstallFailed, message).catch(() => undefined);
      return { requeueAfterMs: this.deps.dependencyRequeueMs ?? 30_000 };
    }
  }

  private async reconcileHeld(release: HelmRelease, cause?: EventCause): Promise<ReconcileResult> {
    const namespace = release.metadata.namespace ?? 'default';
    const name = release.metadata.name;
    const started = performance.now();
    const log = reconcileLogger(this.deps.logger, CONTROLLER, name, namespace);
    const key = `${namespace}/${name}`;
    const interval = parseDuration(release.spec.interval);
    const requestedAt = reconcileRequested(release, RECONCILE_REQUESTED_AT_ANNOTATION);
    this.deps.metrics.suspendStatus.set({ kind: KIND, name, namespace }, release.spec.suspend ? 1 : 0);
    const attempt: Attempt = { revision: null, outcome: 'failed', reason: Reason.ReconciliationFailed, message: '', changeSet: [] };
    let requeueAfterMs: number | undefined = interval;
    let current = release;
    try {
      const dependencies = new Map(
        (release.spec.dependsOn ?? []).map((d) => [`${d.namespace ?? namespace}/${d.name}`, this.deps.releases.get(d.namespace ?? namespace, d.name)] as const),
      );
      const readiness = decideHelmReconcile(release, dependencies);
      if (readiness.action === 'skip-suspended') {
        Object.assign(attempt, { outcome: 'suspended', reason: Reason.Suspended, message: 'Reconciliation is suspended' });
        requeueAfterMs = undefined;
        return {};
      }
      const desired = readiness.action === 'wait' ? { wait: readiness } : await this.desiredRelease(release);
      if ('wait' in desired) {
        requeueAfterMs = await this.waitFor(release, attempt, desired.wait, requestedAt);
        return requeueAfterMs === undefined ? {} : { requeueAfterMs };
      }
      attempt.revision = desired.chart.metadata.version;
      const force = pendingRequest(release, 'force');
      const reset = pendingRequest(release, 'reset');
      current = await this.deps.releases.writeStatus(
        release,
        attemptedStatus(release, {
          chartVersion: desired.chart.metadata.version,
          configDigest: desired.configDigest,
          helmChart: release.spec.chart ? `${helmChartRefOf(release).namespace}/${helmChartRefOf(release).name}` : undefined,
          storageNamespace: desired.target.storageNamespace,
          ...(force ? { forceAt: force } : {}),
          ...(reset ? { resetAt: reset } : {}),
        }),
      );
      const run = await this.runActions(current, desired, log, force !== undefined);
      current = run.release;
      attempt.changeSet = run.changes;
      const failure = run.failure;
      const status = finishedStatus(
        current,
        current.status ?? {},
        { ...(run.stalled ? { stalled: run.stalled } : {}), requestedAt, ...(failure ? {} : { postRenderersDigest: desired.postRenderersDigest }) },
        this.now(),
      );
      current = await this.deps.releases.writeStatus(current, status);
      if (failure) throw failure;
      this.consecutiveFailures.delete(key);
      const ready = current.status?.conditions?.find((c) => c.type === ConditionType.Ready);
      Object.assign(attempt, {
        outcome: run.released ? 'succeeded' : 'unchanged',
        reason: ready?.reason ?? Reason.ReconciliationSucceeded,
        message: ready?.message ?? `Release in sync with chart ${desired.chart.metadata.name}@${desired.chart.metadata.version}`,
      });
      return { requeueAfterMs };
    } catch (error) {
      const failure = toFailure(error);
      Object.assign(attempt, { outcome: 'failed', reason: failure.reason, message: failure.message });
      requeueAfterMs = failure.retryable ? this.retryAfter(release, key) : undefined;
      if (!(error instanceof ActionFailure)) {
        await this.writeFailure(current, failure, requestedAt).catch((statusError: unknown) => log.error('failed to write status', { error: statusError }));
      }
      await appendFailed(this.deps, release, attempt.revision, failure, cause).catch((storeError: unknown) => log.error('failed to record Failed event', { error: storeError }));
      return requeueAfterMs === undefined ? {} : { requeueAfterMs };
    } finally {
      await recordOutcome(this.deps, release, attempt, { durationMs: performance.now() - started, requeueAfterMs }, cause, log);
    }
  }

  // HelmRelease has no retryInterval: like helm-controller's work queue, retry soon and back off to the interval.
  private retryAfter(release: HelmRelease, key: string): number {
    const failures = (this.consecutiveFailures.get(key) ?? 0) + 1;
    this.consecutiveFailures.set(key, failures);
    return retryDelayMs(FIRST_RETRY_MS, parseDuration(release.spec.interval), failures);
  }

  /** A dependency or the chart is not ready: Ready=False with the reason, retried later (or never, when terminal). */
  private async waitFor(release: HelmRelease, attempt: Attempt, wait: { reason: string; message: string; retryable: boolean }, requestedAt: string | undefined): Promise<number | undefined> {
    Object.assign(attempt, { outcome: 'failed', reason: wait.reason, message: wait.message });
    await this.writeFailure(release, new ReconcileFailure(wait.reason, 'dependency', wait.message, wait.retryable), requestedAt, wait.retryable);
    return wait.retryable ? (this.deps.dependencyRequeueMs ?? 30_000) : undefined;
  }

  /** The HelmChart (kept from the template), its artifact, the chart and the composed values. */
  private async desiredRelease(release: HelmRelease): Promise<Desired | { wait: { reason: string; message: string; retryable: boolean } }> {
    const ref = helmChartRefOf(release);
    // The HelmChart made for an earlier template (renamed, moved, or replaced by chartRef) goes, as in helm-controller.
    const previous = createdHelmChart(release);
    if (previous && (!release.spec.chart || previous.namespace !== ref.namespace || previous.name !== ref.name)) await this.deps.charts.remove(previous);
    if (release.spec.chart) {
      await this.deps.charts.apply(release).catch((error: unknown) => {
        throw new ReconcileFailure(Reason.ArtifactFailed, 'fetch', `failed to create HelmChart: ${errorMessage(error)}`);
      });
    }
    const source = await this.deps.sources.read(ref);
    const chartName = `${ref.kind} '${ref.namespace}/${ref.name}'`;
    if (!source.found) return { wait: { reason: Reason.ArtifactFailed, message: `could not get ${chartName}: not found`, retryable: true } };
    if (!source.ready || !source.artifact) {
      return { wait: { reason: HelmReason.HelmChartNotReady, message: `${ref.kind} '${ref.namespace}/${ref.name}' is not ready${source.message ? `: ${source.message}` : ''}`, retryable: true } };
    }
    const chart = await this.deps.loader.load(source.artifact).catch((error: unknown) => {
      throw new ReconcileFailure(Reason.ArtifactFailed, 'fetch', `failed to load chart from ${chartName}: ${errorMessage(error)}`);
    });
    try {
      validateReleaseName(releaseNameOf(release));
    } catch (error) {
      throw new ReconcileFailure(Reason.ReconciliationFailed, 'validate', errorMessage(error), false);
    }
    const values = await this.composeValues(release);
    const cluster = await this.deps.clusters.clusterFor(release);
    return {
      chart,
      values,
      configDigest: configDigest(values),
      postRenderersDigest: postRenderersDigest(release),
      target: this.targetOf(release, cluster, this.timeoutMs(release)),
    };
  }

  private async composeValues(release: HelmRelease): Promise<Values> {
    const namespace = release.metadata.namespace ?? 'default';
    const sources: ValuesSource[] = [];
    for (const ref of release.spec.valuesFrom ?? []) {
      const read = await this.deps.values.read(namespace, ref);
      if (!read.found) {
        if (ref.optional) continue;
        throw new ReconcileFailure('ValuesError', 'build', `could not get values from ${ref.kind} '${namespace}/${ref.name}': ${read.what}`);
      }
      const source: ValuesSource = { ...ref, data: read.data };
      if (!ref.targetPath) source.parsed = parseValues(read.data, `${ref.kind} '${namespace}/${ref.name}' key '${ref.valuesKey}'`);
      sources.push(source);
    }
    try {
      return composeValues(sources, release.spec.values);
    } catch (error) {
      throw new ReconcileFailure('ValuesError', 'build', `HelmRelease '${namespace}/${release.metadata.name}' valuesFrom: ${errorMessage(error)}`, false);
    }
  }

  private targetOf(release: HelmRelease, cluster: ReleaseTarget['cluster'], timeoutMs: number): ReleaseTarget {
    return {
      release,
      cluster,
      name: releaseNameOf(release),
      namespace: targetNamespaceOf(release),
      storageNamespace: storageNamespaceOf(release),
      timeoutMs,
      postRender: (objects) => this.deps.postRenderer.render(release, objects),
    };
  }

  private timeoutMs(release: HelmRelease, actionTimeout?: string): number {
    return parseDuration(actionTimeout ?? release.spec.timeout ?? DEFAULT_TIMEOUT);
  }

  /**
   * Runs Helm actions until the release is in sync, or an action asks to stop (after a remediation, a second
   * release action, or exhausted retries), as helm-controller's AtomicRelease. Ready is summarized once, at the end.
   */
  private async runActions(release: HelmRelease, desired: Desired, log: Logger, force: boolean): Promise<ActionsRun> {
    let current = release;
    const changes: ChangeSetEntry[] = [];
    const done = new Set<string>();
    let released = false;
    const stop = async (end: { failure?: (ready: Ready) => ActionFailure; stalled?: { reason: string; message: string } } = {}): Promise<ActionsRun> => {
      current = await this.deps.releases.writeStatus(current, summarizedStatus(current, current.status ?? {}, this.now()));
      const ready = current.status?.conditions?.find((c) => c.type === ConditionType.Ready) ?? { reason: Reason.ReconciliationFailed, message: 'release action failed' };
      return { release: current, changes, released, ...(end.failure ? { failure: end.failure(ready) } : {}), ...(end.stalled ? { stalled: end.stalled } : {}) };
    };
    for (let step = 0; step < MAX_ACTIONS; step++) {
      const history = await desired.target.cluster.storage.history(desired.target.storageNamespace, desired.target.name);
      const state = await this.stateOf(current, desired, history, log);
      // A force request makes one release action happen, whatever the state and the retries left.
      const action = nextAction(current, state, force && !done.has('release'));
      log.info(`release state ${state.status}${'reason' in state && state.reason ? `: ${state.reason}` : ''}, next action ${action.type}`);
      if (action.type === 'none') {
        if (state.status === 'InSync') current = await this.deps.releases.writeStatus(current, truncateHistory(current.status ?? {}, ignoresTestFailures(current)));
        return stop();
      }
      if (action.type === 'stall') {
        const stalled = { reason: HelmReason.RetriesExceeded, message: action.message };
        return stop({ failure: () => new ActionFailure(stalled.reason, action.message, false), stalled });
      }
      const kind = actionKind(action);
      // A release action runs once per reconcile: a second attempt waits for the retry.
      if (kind === 'release' && done.has('release')) return stop({ failure: (ready) => new ActionFailure(ready.reason, ready.message) });
      const running = `Running '${action.type}' action with timeout of ${formatDuration(desired.target.timeoutMs)}`;
      current = await this.deps.releases.writeStatus(current, runningStatus(current.status ?? {}, current.metadata.generation, running, this.now(), kind === 'release'));
      const result = await this.runAction(current, action, desired, history);
      current = await this.deps.releases.writeStatus(current, result.status);
      changes.push(...result.changes);
      done.add(kind);
      if (kind === 'release' && !result.error) released = true;
      if (kind === 'remediate') {
        const remediation = activeRemediation(current);
        if (remediation && retriesExhausted(remediation.retries, remediation.failures)) {
          const message = `Failed to ${current.status?.lastAttemptedReleaseAction ?? 'release'} after ${remediation.failures} attempt(s)`;
          return stop({ failure: () => new ActionFailure(HelmReason.RetriesExceeded, message, false), stalled: { reason: HelmReason.RetriesExceeded, message } });
        }
        // Remediated is not Ready: the release is retried soon, and the attempt counts as failed.
        return stop({ failure: (ready) => new ActionFailure(ready.reason, ready.message) });
      }
      const error = result.error;
      if (error && kind !== 'release') return stop({ failure: (ready) => new ActionFailure(ready.reason, error) });
    }
    return stop({ failure: () => new ActionFailure(Reason.ReconciliationFailed, `no stable release state after ${MAX_ACTIONS} actions`) });
  }

  private async stateOf(release: HelmRelease, desired: Desired, history: StoredRelease[], log: Logger): Promise<ReleaseState> {
    const latest = newestOf(history);
    const state = determineReleaseState(release, latest && summaryOf(latest), {
      chartName: desired.chart.metadata.name,
      chartVersion: desired.chart.metadata.version,
      configDigest: desired.configDigest,
      postRenderersDigest: desired.postRenderersDigest,
    });
    const mode = release.spec.driftDetection?.mode ?? 'disabled';
    if (state.status !== 'InSync' || mode === 'disabled' || !latest) return state;
    const drift = await this.actions.drift(desired.target, latest);
    if (drift.length === 0) return state;
    const message = `Cluster state of release ${fullReleaseName(latest.release)} has drifted from the desired state:\n${drift.map((c) => `${c.id} ${c.action === 'created' ? 'removed' : 'changed'}`).join('\n')}`;
    log.info(message);
    await this.deps.recorder.record(release, 'Warning', HelmReason.DriftDetected, message).catch(() => undefined);
    return { status: 'Drifted' };
  }

  /** Runs one action; returns the status after it and what it changed. */
  private async runAction(
    release: HelmRelease,
    action: Exclude<HelmAction, { type: 'none' } | { type: 'stall' }>,
    desired: Desired,
    history: StoredRelease[],
  ): Promise<{ status: HelmReleaseStatusFields; changes: ChangeSetEntry[]; error?: string }> {
    const { target, chart, values } = desired;
    const generation = release.metadata.generation;
    const status = release.status ?? {};
    const now = this.now();
    const chartLabel = versionedChartName({ chartName: chart.metadata.name, chartVersion: chart.metadata.version });
    const render = (revision: number, isInstall: boolean, releaseValues: Values) =>
      this.deps.renderer.render(chart, releaseValues, { name: target.name, namespace: target.namespace, revision, isInstall, isUpgrade: !isInstall }, target.cluster);
    switch (action.type) {
      case 'install':
      case 'upgrade': {
        const withTimeout = { ...target, timeoutMs: this.timeoutMs(release, release.spec[action.type]?.timeout) };
        // upgrade.preserveValues is Helm's --reuse-values: the last deployed release's values, overridden by these.
        const previous = lastDeployed(history.map((stored) => stored.release));
        const upgradeValues = release.spec.upgrade?.preserveValues && previous ? mergeMaps(previous.config, values) : values;
        const outcome =
          action.type === 'install'
            ? await this.actions.install(withTimeout, values, (revision) => render(revision, true, values), history)
            : await this.actions.upgrade(withTimeout, upgradeValues, (revision) => render(revision, false, upgradeValues), history);
        const verb = action.type === 'install' ? 'install' : 'upgrade';
        const full = fullReleaseName(outcome.stored.release);
        const message = outcome.error ? `Helm ${verb} failed for release ${full} with chart ${chartLabel}: ${outcome.error}` : `Helm ${verb} succeeded for release ${full} with chart ${chartLabel}`;
        await this.deps.recorder.record(release, outcome.error ? 'Warning' : 'Normal', outcome.error ? (verb === 'install' ? HelmReason.InstallFailed : HelmReason.UpgradeFailed) : verb === 'install' ? HelmReason.InstallSucceeded : HelmReason.UpgradeSucceeded, message).catch(() => undefined);
        let next = withSnapshot(status, snapshotOf(summaryWithDates(outcome.stored)));
        next = await this.refreshHistory(next, target);
        next = releasedStatus(next, { action: verb, succeeded: !outcome.error, message, generation }, now);
        if (!outcome.error) await this.pruneHistory(target);
        return { status: next, changes: outcome.changes, ...(outcome.error ? { error: message } : {}) };
      }
      case 'rollback': {
        const withTimeout = { ...target, timeoutMs: this.timeoutMs(release, release.spec.rollback?.timeout) };
        const outcome = await this.actions.rollback(withTimeout, action.to.version, history);
        const previous = `${fullReleaseName(action.to)}`;
        const previousChart = versionedChartName(action.to);
        const message = outcome.error
          ? `Helm rollback to previous release ${previous} with chart ${previousChart} failed: ${outcome.error}`
          : `Helm rollback to previous release ${previous} with chart ${previousChart} succeeded`;
        await this.deps.recorder.record(release, outcome.error ? 'Warning' : 'Normal', outcome.error ? HelmReason.RollbackFailed : HelmReason.RollbackSucceeded, message).catch(() => undefined);
        let next = truncateHistory(status, ignoresTestFailures(release));
        next = withSnapshot(next, snapshotOf(summaryWithDates(outcome.stored)));
        next = await this.refreshHistory(next, target);
        return { status: remediatedStatus(next, { strategy: 'rollback', succeeded: !outcome.error, message, generation }, now), changes: outcome.changes, ...(outcome.error ? { error: message } : {}) };
      }
      case 'uninstall-remediation': {
        const latest = newestOf(history);
        const withTimeout = { ...target, release: { ...release, spec: { ...release.spec, uninstall: { ...release.spec.uninstall, keepHistory: true, disableHooks: false, disableWait: false, deletionPropagation: 'background' as const } } } };
        const outcome = await this.actions.uninstall(withTimeout, history);
        const full = latest ? fullReleaseName(latest.release) : target.name;
        const message = outcome.error ? `Helm uninstall remediation for release ${full} with chart ${chartLabel} failed: ${outcome.error}` : `Helm uninstall remediation for release ${full} with chart ${chartLabel} succeeded`;
        await this.deps.recorder.record(release, outcome.error ? 'Warning' : 'Normal', outcome.error ? HelmReason.UninstallFailed : HelmReason.UninstallSucceeded, message).catch(() => undefined);
        const next = await this.refreshHistory(outcome.stored ? withSnapshot(status, snapshotOf(summaryWithDates(outcome.stored))) : status, target);
        return { status: remediatedStatus(next, { strategy: 'uninstall', succeeded: !outcome.error, message, generation }, now), changes: outcome.changes, ...(outcome.error ? { error: message } : {}) };
      }
      case 'test': {
        const latest = newestOf(history);
        if (!latest) return { status, changes: [], error: 'no release to test' };
        const withTimeout = { ...target, timeoutMs: this.timeoutMs(release, release.spec.test?.timeout) };
        const outcome = await this.actions.test(withTimeout, latest);
        const full = fullReleaseName(outcome.stored.release);
        const count = outcome.hooks.length;
        const message = outcome.error
          ? `Helm test failed for release ${full} with chart ${chartLabel}: ${outcome.error}`
          : `Helm test succeeded for release ${full} with chart ${chartLabel}: ${count === 0 ? 'no test hooks' : `${count} test hook${count === 1 ? '' : 's'} completed successfully`}`;
        await this.deps.recorder.record(release, outcome.error ? 'Warning' : 'Normal', outcome.error ? HelmReason.TestFailed : HelmReason.TestSucceeded, message).catch(() => undefined);
        const testHooks = Object.fromEntries(
          outcome.hooks.map((h) => [`${h.name}`, { ...(h.last_run.started_at ? { lastStarted: h.last_run.started_at } : {}), ...(h.last_run.completed_at ? { lastCompleted: h.last_run.completed_at } : {}), ...(h.last_run.phase ? { phase: h.last_run.phase } : {}) }]),
        );
        const withDigest = withSnapshot(status, snapshotOf(summaryWithDates(outcome.stored)));
        const ignore = ignoresTestFailures(release);
        return { status: testedStatus(withDigest, { succeeded: !outcome.error, message, generation, testHooks }, now), changes: [], ...(outcome.error && !ignore ? { error: message } : {}) };
      }
      case 'unlock': {
        const latest = newestOf(history);
        if (!latest) return { status, changes: [] };
        const stored = await this.actions.unlock(target, latest);
        return { status: withSnapshot(status, snapshotOf(summaryWithDates(stored))), changes: [] };
      }
      case 'correct-drift': {
        const latest = newestOf(history);
        if (!latest) return { status, changes: [] };
        try {
          const corrected = await this.actions.correctDrift(target, latest);
          const message = `Cluster state of release ${fullReleaseName(latest.release)} has been corrected:\n${corrected.map((c) => `${c.id} ${c.action}`).join('\n')}`;
          await this.deps.recorder.record(release, 'Normal', HelmReason.DriftDetected, message).catch(() => undefined);
          return { status, changes: corrected };
        } catch (error) {
          return { status, changes: [], error: `Failed to correct cluster state of release ${fullReleaseName(latest.release)}: ${errorMessage(error)}` };
        }
      }
    }
  }

  // Helm changed other revisions' records (superseded, uninstalled): the history says what storage says.
  private async refreshHistory(status: HelmReleaseStatusFields, target: ReleaseTarget): Promise<HelmReleaseStatusFields> {
    const stored = await target.cluster.storage.history(target.storageNamespace, target.name);
    const byVersion = new Map(stored.map((s) => [s.release.version, s]));
    return {
      ...status,
      history: (status.history ?? []).flatMap((snapshot) => {
        const record = byVersion.get(snapshot.version);
        if (!record || snapshot.name !== record.release.name) return [];
        return [{ ...snapshot, status: record.release.info.status, digest: record.digest, ...(record.release.info.deleted ? { deleted: record.release.info.deleted } : {}) }];
      }),
    };
  }

  // Helm's maxHistory: the oldest revisions go, never the deployed one.
  private async pruneHistory(target: ReleaseTarget): Promise<void> {
    const max = target.release.spec.maxHistory;
    if (max <= 0) return;
    const stored = (await target.cluster.storage.history(target.storageNamespace, target.name)).sort((a, b) => a.release.version - b.release.version);
    let excess = stored.length - max;
    for (const { release } of stored) {
      if (excess <= 0) break;
      if (release.info.status === 'deployed') continue;
      await target.cluster.storage.remove(target.storageNamespace, release);
      excess--;
    }
  }

  private async writeFailure(release: HelmRelease, failure: ReconcileFailure, requestedAt: string | undefined, waiting = false): Promise<void> {
    const latest = this.deps.releases.get(release.metadata.namespace ?? '', release.metadata.name) ?? release;
    const status = finishedStatus(
      latest,
      latest.status ?? {},
      { failure: { reason: failure.reason, message: failure.message }, requestedAt, waiting, ...(failure.retryable ? {} : { stalled: { reason: failure.reason, message: failure.message } }) },
      this.now(),
    );
    await this.deps.releases.writeStatus(latest, status);
  }
}

/** What a run of Helm actions did. */
interface ActionsRun {
  release: HelmRelease;
  changes: ChangeSetEntry[];
  released: boolean;
  failure?: ActionFailure;
  stalled?: { reason: string; message: string };
}

/** A Helm action failed: its status (Released/Remediated, Ready) is already written. */
class ActionFailure extends ReconcileFailure {
  constructor(reason: string, message: string, retryable = true) {
    super(reason, 'apply', message, retryable);
  }
}

/** The summarized Ready condition a failure reports. */
type Ready = { reason: string; message: string };

function parseValues(text: string, where: string): Values {
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw new ReconcileFailure('ValuesError', 'build', `unable to read values from ${where}: ${errorMessage(error)}`, false);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new ReconcileFailure('ValuesError', 'build', `unable to read values from ${where}: not a YAML mapping`, false);
  return parsed as Values;
}

/** The HelmChart the controller made for this HelmRelease, as `status.helmChart` records it. */
function createdHelmChart(release: HelmRelease): { namespace: string; name: string } | undefined {
  const [namespace, name] = (release.status?.helmChart ?? '').split('/');
  return namespace && name ? { namespace, name } : undefined;
}

function newestOf(history: readonly StoredRelease[]): StoredRelease | undefined {
  return history.reduce<StoredRelease | undefined>((best, h) => (!best || h.release.version > best.release.version ? h : best), undefined);
}

function summaryOf(stored: StoredRelease): StoredReleaseSummary {
  const r = stored.release;
  return {
    name: r.name,
    namespace: r.namespace,
    version: r.version,
    status: r.info.status,
    chartName: r.chart.metadata.name,
    chartVersion: r.chart.metadata.version,
    configDigest: configDigest(r.config),
    digest: stored.digest,
  };
}

function summaryWithDates(stored: StoredRelease) {
  const r = stored.release;
  return {
    ...summaryOf(stored),
    ...(r.chart.metadata.appVersion ? { appVersion: r.chart.metadata.appVersion } : {}),
    firstDeployed: new Date(r.info.first_deployed || r.info.last_deployed),
    lastDeployed: new Date(r.info.last_deployed),
    ...(r.info.deleted ? { deleted: new Date(r.info.deleted) } : {}),
  };
}

function toFailure(error: unknown): ReconcileFailure {
  if (error instanceof ReconcileFailure) return error;
  return new ReconcileFailure(Reason.ReconciliationFailed, 'apply', errorMessage(error));
}

