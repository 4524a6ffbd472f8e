import {
  newEvent,
  type Artifact,
  type ArtifactReadyV1,
  type EventCause,
  type FailedV1,
  type FailureStage,
  type FerryEvent,
  type ReconcileOutcome,
} from '@ferry/contracts';
import type { EventStore } from '@ferry/event-store';
import type { FerryMetrics, Logger } from '@ferry/observability';
import { recordReconcile } from '@ferry/platform';
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
 * A source reconcile as recordReconcile records every reconcile, with the source's own events: ArtifactReady for
 * a new artifact, Failed (terminal when no retry is planned), and the Kubernetes Event of a new artifact.
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
        { type: 'Failed', schemaVersion: 1, object: ref, revision: attempt.revision, reason: attempt.reason, message: attempt.message, stage: attempt.stage, terminal: requeueAfterMs === undefined },
        cause,
      ),
    );
  }
  const { recorder } = deps;
  await recordReconcile(
    { events: deps.events, metrics: deps.metrics, ...(recorder ? { kubernetesEvent: (type, reason, message) => recorder.record(object, type, reason, message) } : {}) },
    {
      object: ref,
      revision: attempt.revision,
      outcome: attempt.outcome,
      reason: attempt.reason,
      message: attempt.message,
      durationMs,
      requeueAfterMs,
      events,
      successLog: { msg: attempt.message },
      successEvent: { reason: attempt.successReason ?? 'NewArtifact', message: attempt.message },
    },
    cause,
    log,
  );
}
