import {
  formatDuration,
  newEvent,
  type AppliedV1,
  type EventCause,
  type FailedV1,
  type ReconcileFailure,
  type ReconcileFinishedV1,
  type ReconcileOutcome,
} from '@ferry/contracts';
import type { EventStore } from '@ferry/event-store';
import type { ChangeSetEntry } from '@ferry/kube';
import { recordCondition, type FerryMetrics, type Logger } from '@ferry/observability';
import type { EventRecorder, FluxObjectRef } from './ports';

/** Everything about one reconcile the `finally` needs to record. */
export interface Attempt {
  revision: string | null;
  outcome: ReconcileOutcome;
  reason: string;
  message: string;
  changeSet: ChangeSetEntry[];
}

/** What recording an outcome needs. */
export interface OutcomeDeps {
  events: EventStore;
  recorder: EventRecorder;
  metrics: FerryMetrics;
}

/** The object a reconcile was about, for events and metrics. */
function objectRef(object: FluxObjectRef): { kind: string; namespace: string; name: string } {
  return { kind: object.kind, namespace: object.metadata.namespace ?? 'default', name: object.metadata.name };
}

/** The event-store stream of one Flux object: `<Kind>/<namespace>/<name>`. */
export function streamOf(object: FluxObjectRef): string {
  return `${object.kind}/${object.metadata.namespace ?? 'default'}/${object.metadata.name}`;
}

/** Appends a Failed event for a reconcile step that failed. */
export async function appendFailed(deps: OutcomeDeps, object: FluxObjectRef, revision: string | null, failure: ReconcileFailure, cause?: EventCause): Promise<void> {
  const event = newEvent<FailedV1>(
    {
      type: 'Failed',
      schemaVersion: 1,
      object: objectRef(object),
      revision,
      reason: failure.reason,
      message: failure.message,
      stage: failure.stage,
      terminal: !failure.retryable,
    },
    cause,
  );
  await deps.events.append(streamOf(object), [event], 'any');
}

/**
 * One place records a reconcile attempt: Applied (when something was released) and ReconcileFinished in the
 * store, a Kubernetes Event, metrics and the log lines (`<Kind> applied in 1.2s`, `Reconciliation finished …`).
 */
export async function recordOutcome(
  deps: OutcomeDeps,
  object: FluxObjectRef & { kind: 'Kustomization' | 'HelmRelease' },
  attempt: Attempt,
  timing: { durationMs: number; requeueAfterMs: number | undefined },
  cause: EventCause | undefined,
  log: Logger,
): Promise<void> {
  const ref = objectRef(object);
  const labels = { kind: object.kind, name: ref.name, namespace: ref.namespace };
  const { durationMs, requeueAfterMs } = timing;
  deps.metrics.reconcileDuration.observe(labels, durationMs / 1000);
  if (attempt.outcome !== 'suspended') recordCondition(deps.metrics, labels, 'Ready', attempt.outcome === 'failed' ? 'False' : 'True');
  const events = [];
  if (attempt.outcome === 'succeeded' && attempt.revision) {
    events.push(
      newEvent<AppliedV1>(
        { type: 'Applied', schemaVersion: 1, object: { ...ref, kind: object.kind }, revision: attempt.revision, changeSet: attempt.changeSet, durationMs },
        cause,
      ),
    );
  }
  events.push(
    newEvent<ReconcileFinishedV1>(
      { type: 'ReconcileFinished', schemaVersion: 1, object: ref, revision: attempt.revision, outcome: attempt.outcome, reason: attempt.reason, message: attempt.message, durationMs },
      cause,
    ),
  );
  await deps.events.append(streamOf(object), events, 'any').catch((error: unknown) => log.error('failed to record reconcile events', { error }));
  if (attempt.outcome === 'succeeded') {
    const changed = attempt.changeSet.filter((c) => c.action !== 'unchanged');
    const summary = changed.map((c) => `${c.id} ${c.action}`).join('\n');
    await deps.recorder.record(object, 'Normal', attempt.reason, summary || attempt.message).catch(() => undefined);
    log.info(`${object.kind} applied in ${formatDuration(durationMs)}`, {
      revision: attempt.revision,
      output: Object.fromEntries(attempt.changeSet.map((c) => [c.id, c.action])),
    });
  } else if (attempt.outcome === 'failed') {
    await deps.recorder.record(object, 'Warning', attempt.reason, attempt.message).catch(() => undefined);
    log.error(attempt.message, { revision: attempt.revision, reason: attempt.reason });
  }
  const next = requeueAfterMs === undefined ? '' : `, next run in ${formatDuration(requeueAfterMs)}`;
  log.info(`Reconciliation finished in ${formatDuration(durationMs)}${next}`, { revision: attempt.revision, outcome: attempt.outcome });
}
