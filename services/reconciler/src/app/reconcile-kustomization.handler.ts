import {
  KustomizeAnnotation,
  RECONCILE_REQUESTED_AT_ANNOTATION,
  Reason,
  formatDuration,
  parseDuration,
  type EventCause,
  type Kustomization,
} from '@ferry/contracts';
import { ApplyError, identityOf, inventoryOf, parseInventoryId, staleEntries, type ChangeSetEntry, type KubeObject } from '@ferry/kube';
import { reconcileLogger, type Logger } from '@ferry/observability';
import { KUSTOMIZATION_FINALIZER, decideReconcile, deletionGarbageCollection, isPruneDisabled, reconcileRequested, retryDelayMs } from '../domain/kustomization.decider';
import { failedStatus, progressingStatus, succeededStatus } from '../domain/kustomization-status';
import { ReconcileFailure } from '@ferry/contracts';
import type { ArtifactWorkspace, ClusterResolver, KustomizationRepository, ManifestBuilder, ReconcileDeps } from './ports';
import type { ReconcileResult } from './reconcile-queue';
import { guardedReconcile } from './guarded-reconcile';
import { appendFailed, recordOutcome, type Attempt } from './reconcile-outcome';

/** Dependencies of the reconcile use case. */
export interface ReconcileKustomizationDeps extends ReconcileDeps {
  kustomizations: KustomizationRepository;
  workspace: ArtifactWorkspace;
  builder: ManifestBuilder;
  clusters: ClusterResolver;
}

const KIND = 'Kustomization';
const CONTROLLER = { controller: 'kustomization', controllerGroup: 'kustomize.toolkit.fluxcd.io', controllerKind: KIND };

/**
 * One reconcile of a Kustomization, as kustomize-controller does it: check suspend, source and dependencies;
 * fetch and verify the artifact; build; server-side apply in stages; prune what left the source; wait for
 * health; write status; and record the outcome — events in the store, Kubernetes Events, metrics, one log line.
 */
export class ReconcileKustomizationHandler {
  private readonly now: () => Date;
  /** Failed reconciles in a row per Kustomization, for the retry backoff; a success clears it. */
  private readonly consecutiveFailures = new Map<string, number>();

  constructor(private readonly deps: ReconcileKustomizationDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Reconciles `namespace/name` unless another replica is at it; returns when to run again. */
  reconcile(namespace: string, name: string, cause?: EventCause): Promise<ReconcileResult> {
    const steps = {
      get: (ns: string, n: string) => this.deps.kustomizations.get(ns, n),
      setFinalizers: (object: Kustomization, finalizers: string[]) => this.deps.kustomizations.setFinalizers(object, finalizers),
      forget: (key: string) => this.consecutiveFailures.delete(key),
      finalize: (object: Kustomization) => this.finalize(object),
      reconcileHeld: (object: Kustomization, c?: EventCause) => this.reconcileHeld(object, c),
    };
    return guardedReconcile(steps, this.deps.lock, this.deps.logger, { namespace, name }, cause);
  }

  /** The Kustomization is being deleted: garbage-collect its inventory per deletionPolicy, then let it go. */
  private async finalize(kustomization: Kustomization): Promise<ReconcileResult> {
    const finalizers = kustomization.metadata.finalizers ?? [];
    if (!finalizers.includes(KUSTOMIZATION_FINALIZER)) return {};
    const namespace = kustomization.metadata.namespace ?? 'default';
    const log = reconcileLogger(this.deps.logger, CONTROLLER, kustomization.metadata.name, namespace);
    const collection = deletionGarbageCollection(kustomization);
    const entries = kustomization.status?.inventory?.entries ?? [];
    try {
      if (collection !== 'none' && entries.length > 0) {
        const cluster = await this.deps.clusters.clusterFor(kustomization);
        const timeoutMs = parseDuration(kustomization.spec.timeout ?? kustomization.spec.interval);
        const deleted = await cluster.deleteAll(
          entries.map((entry) => parseInventoryId(entry.id, entry.v)),
          isPruneDisabled,
          collection === 'delete-and-wait' ? { waitForTermination: { timeoutMs } } : {},
        );
        log.info('garbage collection completed', { output: Object.fromEntries(deleted.map((d) => [d.id, d.action])) });
      }
      await this.deps.kustomizations.setFinalizers(kustomization, finalizers.filter((f) => f !== KUSTOMIZATION_FINALIZER));
      return {};
    } catch (error) {
      const message = `garbage collection failed: ${error instanceof Error ? error.message : String(error)}`;
      log.error(message, { reason: Reason.PruneFailed });
      await this.deps.recorder.record(kustomization, 'Warning', Reason.PruneFailed, message).catch(() => undefined);
      const retry = kustomization.spec.retryInterval ?? kustomization.spec.interval;
      return { requeueAfterMs: parseDuration(retry) };
    }
  }

  private async reconcileHeld(kustomization: Kustomization, cause?: EventCause): Promise<ReconcileResult> {
    const namespace = kustomization.metadata.namespace ?? 'default';
    const name = kustomization.metadata.name;
    const started = performance.now();
    const ref = { kind: KIND, namespace, name };
    const log = reconcileLogger(this.deps.logger, CONTROLLER, name, namespace);
    const key = `${namespace}/${name}`;
    const interval = parseDuration(kustomization.spec.interval);
    const retryInterval = kustomization.spec.retryInterval ? parseDuration(kustomization.spec.retryInterval) : interval;
    const requestedAt = reconcileRequested(kustomization, RECONCILE_REQUESTED_AT_ANNOTATION);
    this.deps.metrics.suspendStatus.set(ref, kustomization.spec.suspend ? 1 : 0);
    const attempt: Attempt = { revision: null, outcome: 'failed', reason: Reason.ReconciliationFailed, message: '', changeSet: [] };
    let requeueAfterMs: number | undefined = interval;
    try {
      const source = await this.deps.sources.read({
        kind: kustomization.spec.sourceRef.kind,
        namespace: kustomization.spec.sourceRef.namespace ?? namespace,
        name: kustomization.spec.sourceRef.name,
      });
      const dependencies = new Map(
        (kustomization.spec.dependsOn ?? []).map((dependency) => {
          const key = `${dependency.namespace ?? namespace}/${dependency.name}`;
          return [key, this.deps.kustomizations.get(dependency.namespace ?? namespace, dependency.name)] as const;
        }),
      );
      const decision = decideReconcile(kustomization, source, dependencies);
      if (decision.action === 'skip-suspended') {
        Object.assign(attempt, { outcome: 'suspended', reason: Reason.Suspended, message: 'Reconciliation is suspended' });
        requeueAfterMs = undefined;
        return {};
      }
      if (decision.action === 'wait') {
        Object.assign(attempt, { outcome: 'failed', reason: decision.reason, message: decision.message });
        requeueAfterMs = this.deps.dependencyRequeueMs ?? 30_000;
        await this.writeFailure(kustomization, decision.reason, decision.message, undefined, false, false, requestedAt);
        return { requeueAfterMs };
      }
      attempt.revision = decision.artifact.revision;
      const current = await this.deps.kustomizations.writeStatus(kustomization, progressingStatus(kustomization, decision.artifact.revision, this.now()));
      const changeSet = await this.applyRevision(current, decision.artifact, log);
      attempt.changeSet = changeSet.changes;
      const status = succeededStatus(
        current,
        { revision: decision.artifact.revision, inventory: changeSet.inventory, healthChecked: changeSet.healthChecked, requestedAt },
        this.now(),
      );
      await this.deps.kustomizations.writeStatus(current, status);
      this.consecutiveFailures.delete(key);
      const changed = changeSet.changes.filter((c) => c.action !== 'unchanged');
      Object.assign(attempt, {
        outcome: changed.length > 0 || kustomization.status?.lastAppliedRevision !== decision.artifact.revision ? 'succeeded' : 'unchanged',
        reason: Reason.ReconciliationSucceeded,
        message: `Applied revision: ${decision.artifact.revision}`,
      });
      return { requeueAfterMs };
    } catch (error) {
      const failure = toFailure(error);
      Object.assign(attempt, { outcome: 'failed', reason: failure.reason, message: failure.message });
      const failures = (this.consecutiveFailures.get(key) ?? 0) + 1;
      this.consecutiveFailures.set(key, failures);
      requeueAfterMs = failure.retryable ? retryDelayMs(retryInterval, interval, failures) : undefined;
      await this.writeFailure(kustomization, failure.reason, failure.message, attempt.revision ?? undefined, !failure.retryable, failure.reason === Reason.HealthCheckFailed, requestedAt).catch(
        (statusError: unknown) => log.error('failed to write status', { error: statusError }),
      );
      await appendFailed(this.deps, kustomization, attempt.revision, failure, cause).catch((storeError: unknown) =>
        log.error('failed to record Failed event', { error: storeError }),
      );
      return requeueAfterMs === undefined ? {} : { requeueAfterMs };
    } finally {
      await recordOutcome(this.deps, kustomization, attempt, { durationMs: performance.now() - started, requeueAfterMs }, cause, log);
    }
  }

  private async applyRevision(
    kustomization: Kustomization,
    artifact: { revision: string; digest: string; url: string },
    log: Logger,
  ): Promise<{ changes: ChangeSetEntry[]; inventory: ReturnType<typeof inventoryOf>; healthChecked: boolean }> {
    const cluster = await this.deps.clusters.clusterFor(kustomization);
    const unpacked = await this.deps.workspace.unpack(artifact);
    try {
      const objects = await this.deps.builder.build(unpacked.root, kustomization);
      const spec = kustomization.spec;
      const applied = await cluster.applyAll(objects, { recreateOnImmutable: spec.force, policyOf: ssaPolicy }).catch((error: unknown) => {
        throw new ReconcileFailure(Reason.ReconciliationFailed, 'apply', error instanceof ApplyError ? error.message : String(error instanceof Error ? error.message : error));
      });
      const inventory = inventoryOf(objects);
      const changes = [...applied];
      if (spec.prune) {
        const stale = staleEntries(kustomization.status?.inventory?.entries ?? [], inventory);
        const deleted = await cluster.deleteAll(stale, isPruneDisabled).catch((error: unknown) => {
          throw new ReconcileFailure(Reason.PruneFailed, 'prune', `prune failed: ${error instanceof Error ? error.message : String(error)}`);
        });
        changes.push(...deleted);
      }
      log.info('server-side apply completed', {
        revision: artifact.revision,
        output: Object.fromEntries(changes.map((change) => [change.id, change.action])),
      });
      const healthTargets = spec.wait
        ? objects.map(identityOf)
        : (spec.healthChecks ?? []).map((check) =>
            identityOf({
              apiVersion: check.apiVersion ?? 'v1',
              kind: check.kind,
              metadata: { name: check.name, namespace: check.namespace ?? kustomization.metadata.namespace },
            } as KubeObject),
          );
      if (healthTargets.length > 0) {
        const timeoutMs = parseDuration(spec.timeout ?? spec.interval);
        const health = await cluster.waitForHealth(healthTargets, { timeoutMs });
        if (!health.healthy) {
          throw new ReconcileFailure(Reason.HealthCheckFailed, 'health', `health check failed after ${formatDuration(timeoutMs)}: ${health.failures.join('; ')}`);
        }
      }
      return { changes, inventory, healthChecked: healthTargets.length > 0 };
    } finally {
      unpacked.dispose();
    }
  }

  private async writeFailure(
    kustomization: Kustomization,
    reason: string,
    message: string,
    revision: string | undefined,
    stalled: boolean,
    healthFailed: boolean,
    requestedAt: string | undefined,
  ): Promise<void> {
    const latest = this.deps.kustomizations.get(kustomization.metadata.namespace ?? '', kustomization.metadata.name) ?? kustomization;
    await this.deps.kustomizations.writeStatus(latest, failedStatus(latest, { reason, message, revision, stalled, healthFailed, requestedAt }, this.now()));
  }
}

function ssaPolicy(object: KubeObject): 'Override' | 'IfNotPresent' | 'Ignore' | 'Merge' {
  const value = object.metadata.annotations?.[KustomizeAnnotation.ssa];
  return value === 'IfNotPresent' || value === 'Ignore' || value === 'Merge' ? value : 'Override';
}

function toFailure(error: unknown): ReconcileFailure {
  if (error instanceof ReconcileFailure) return error;
  const withStage = error as { stage?: string; name?: string; message?: string };
  if (withStage?.name === 'ArtifactFetchError' || withStage?.name === 'UnsafeArchiveError') {
    return new ReconcileFailure(Reason.ArtifactFailed, withStage.stage === 'verify' ? 'verify' : 'fetch', withStage.message ?? String(error));
  }
  return new ReconcileFailure(Reason.ReconciliationFailed, 'apply', error instanceof Error ? error.message : String(error));
}
