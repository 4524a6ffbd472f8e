import { formatDuration, newEvent, type EventCause, type FerryEvent, type ReconcileFinishedV1, type ReconcileOutcome } from '@ferry/contracts';
import type { EventStore } from '@ferry/event-store';
import { recordCondition, type FerryMetrics, type Logger } from '@ferry/observability';

/** The end of one reconcile of a Flux object, whatever the controller. */
export interface ReconcileRecord {
  object: { kind: string; namespace: string; name: string };
  revision: string | null;
  outcome: ReconcileOutcome;
  reason: string;
  message: string;
  durationMs: number;
  /** When the object is reconciled next; undefined when nothing but a change will. */
  requeueAfterMs: number | undefined;
  /** The controller's own events before ReconcileFinished (ArtifactReady, Applied, Failed). */
  events: FerryEvent[];
  /** The log line of a success (source: the message; reconciler: `<Kind> applied in …` with its change set). */
  successLog: { msg: string; fields?: Record<string, unknown> };
  /** The Kubernetes Event of a success; a failure's is always Warning with the reason and message. */
  successEvent?: { reason: string; message: string };
}

/** Where a reconcile is recorded: the event store, metrics, and Kubernetes Events on the object. */
export interface ReconcileRecordDeps {
  events: EventStore;
  metrics: FerryMetrics;
  kubernetesEvent?: (type: 'Normal' | 'Warning', reason: string, message: string) => Promise<void>;
}

/**
 * The one place a reconcile ends for every controller, as Flux records it: the duration and Ready metrics, the
 * controller's events and ReconcileFinished in the object's stream (`<Kind>/<namespace>/<name>`), a Kubernetes
 * Event, and the log lines ending with "Reconciliation finished in …, next run in …". Recording failures are
 * logged, never thrown: the reconcile itself already happened.
 */
export async function recordReconcile(deps: ReconcileRecordDeps, record: ReconcileRecord, cause: EventCause | undefined, log: Logger): Promise<void> {
  const { object, outcome, revision, durationMs, requeueAfterMs } = record;
  deps.metrics.reconcileDuration.observe(object, durationMs / 1000);
  if (outcome !== 'suspended') recordCondition(deps.metrics, object, 'Ready', outcome === 'failed' ? 'False' : 'True');
  const finished = newEvent<ReconcileFinishedV1>(
    { type: 'ReconcileFinished', schemaVersion: 1, object, revision, outcome, reason: record.reason, message: record.message, durationMs },
    cause,
  );
  await deps.events
    .append(`${object.kind}/${object.namespace}/${object.name}`, [...record.events, finished], 'any')
    .catch((error: unknown) => log.error('failed to record reconcile events', { error }));
  const kubernetesEvent = (type: 'Normal' | 'Warning', reason: string, message: string) =>
    deps.kubernetesEvent?.(type, reason, message).catch((error: unknown) => log.error('failed to record Kubernetes event', { error }));
  if (outcome === 'succeeded') {
    log.info(record.successLog.msg, { revision, ...record.successLog.fields });
    if (record.successEvent) await kubernetesEvent('Normal', record.successEvent.reason, record.successEvent.message);
  } else if (outcome === 'failed') {
    log.error(record.message, { revision, reason: record.reason });
    await kubernetesEvent('Warning', record.reason, record.message);
  }
  const next = requeueAfterMs === undefined ? '' : `, next run in ${formatDuration(requeueAfterMs)}`;
  log.info(`Reconciliation finished in ${formatDuration(durationMs)}${next}`, { revision, outcome });
}
