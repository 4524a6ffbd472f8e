import {
  formatDuration,
  newEvent,
  type AppliedV1,
  type EventCause,
  type FailedV1,
  type FerryEvent,
  type ReconcileFailure,
  type ReconcileOutcome,
} from '@ferry/contracts';
import type { EventStore } from '@ferry/event-store';
import type { ChangeSetEntry } from '@ferry/kube';
import type { FerryMetrics, Logger } from '@ferry/observability';
import { recordReconcile } from '@ferry/platform';
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
 * A reconciler reconcile as recordReconcile records every reconcile, with Applied when something was released,
 * the change set in the Kubernetes Event and in the `<Kind> applied in 1.2s` log line.
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
  const { durationMs, requeueAfterMs } = timing;
  const events: FerryEvent[] = [];
  if (attempt.outcome === 'succeeded' && attempt.revision) {
    events.push(
      newEvent<AppliedV1>({ type: 'Applied', schemaVersion: 1, object: { ...ref, kind: object.kind }, revision: attempt.revision, changeSet: attempt.changeSet, durationMs }, cause),
    );
  }
  const changed = attempt.changeSet.filter((c) => c.action !== 'unchanged');
  await recordReconcile(
    { events: deps.events, metrics: deps.metrics, kubernetesEvent: (type, reason, message) => deps.recorder.record(object, type, reason, message) },
    {
      object: ref,
      revision: attempt.revision,
      outcome: attempt.outcome,
      reason: attempt.reason,
      message: attempt.message,
      durationMs,
      requeueAfterMs,
      events,
      successLog: { msg: `${object.kind} applied in ${formatDuration(durationMs)}`, fields: { output: Object.fromEntries(attempt.changeSet.map((c) => [c.id, c.action])) } },
      successEvent: { reason: attempt.reason, message: changed.map((c) => `${c.id} ${c.action}`).join('\n') || attempt.message },
    },
    cause,
    log,
  );
}
