import {
  formatDuration,
  newEvent,
  type Artifact,
  type ArtifactReadyV1,
  type EventCause,
  type FailedV1,
  type FailureStage,
  type FerryEvent,
  type ReconcileFinishedV1,
  type ReconcileOutcome,
} from '@ferry/contracts';
import type { EventStore } from '@ferry/event-store';
import { recordCondition, type FerryMetrics, type Logger } from '@ferry/observability';
import type { EventRecorder, RecordedObject } from './ports';

/** Everything about one reconcile attempt that is recorded when it ends. */
export interface Attempt {
  revision: string | null;
  outcome: ReconcileOutcome;
  reason: string;
  message: string;
  stage: FailureStage;
  artifact?: Artifact;
  /** The Kubernetes Event reason of a success (Flux: NewArtifact, ChartPullSucceeded …). */
  successReason?: string;
}

/** Where an attempt is recorded. */
export interface RecorderDeps {
  events: EventStore;
  metrics: FerryMetrics;
  recorder?: EventRecorder;
}

/**
 * The one place a source reconcile is recorded, whatever the kind: the duration metric, the Ready condition
 * metric, ArtifactReady (a new artifact) or Failed, ReconcileFinished in the object's stream, a Kubernetes
 * Event and the log line.
 */
export async function recordAttempt(
  deps: RecorderDeps,
  object: RecordedObject,
  attempt: Attempt,
  durationMs: number,
  requeueAfterMs: number | undefined,
  cause: EventCause | undefined,
  log: Logger,
): Promise<void> {
  const ref = { kind: object.kind, namespace: object.metadata.namespace ?? 'default', name: object.metadata.name };
  deps.metrics.reconcileDuration.observe(ref, durationMs / 1000);
  if (attempt.outcome !== 'suspended') recordCondition(deps.metrics, ref, 'Ready', attempt.outcome === 'failed' ? 'False' : 'True');
  const events: FerryEvent[] = [];
  if (attempt.outcome === 'succeeded' && attempt.artifact?.digest) {
    const { artifact } = attempt;
    events.push(
      newEvent<ArtifactReadyV1>(
        { type: 'ArtifactReady', schemaVersion: 1, source: ref, revision: artifact.revision, digest: artifact.digest as string, url: artifact.url, size: artifact.size ?? 0 },
        cause,
      ),
    );
  }
  if (attempt.outcome === 'failed') {
    events.push(
      newEvent<FailedV1>(
        {
          type: 'Failed',
          schemaVersion: 1,
          object: ref,
          revision: attempt.revision,
          reason: attempt.reason,
          message: attempt.message,
          stage: attempt.stage,
          terminal: requeueAfterMs === undefined,
        },
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
  await deps.events.append(`${ref.kind}/${ref.namespace}/${ref.name}`, events, 'any').catch((error: unknown) => log.error('failed to record reconcile events', { error }));
  if (attempt.outcome === 'succeeded') {
    log.info(attempt.message, { revision: attempt.revision });
    await deps.recorder
      ?.record(object, 'Normal', attempt.successReason ?? 'NewArtifact', attempt.message)
      .catch((error: unknown) => log.error('failed to record Kubernetes event', { error }));
  } else if (attempt.outcome === 'failed') {
    log.error(attempt.message, { revision: attempt.revision, reason: attempt.reason });
    await deps.recorder?.record(object, 'Warning', attempt.reason, attempt.message).catch((error: unknown) => log.error('failed to record Kubernetes event', { error }));
  }
  const next = requeueAfterMs === undefined ? '' : `, next run in ${formatDuration(requeueAfterMs)}`;
  log.info(`Reconciliation finished in ${formatDuration(durationMs)}${next}`, { revision: attempt.revision, outcome: attempt.outcome });
}
