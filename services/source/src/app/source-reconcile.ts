import {
  RECONCILE_REQUESTED_AT_ANNOTATION,
  Reason,
  ReconcileFailure,
  newEvent,
  parseDuration,
  type EventCause,
  type FailedV1,
  type FerryEvent,
  type ReconcileFinishedV1,
} from '@ferry/contracts';
import type { ReconcileResult } from '@ferry/platform';
import { reconcileLogger, recordCondition, type Logger } from '@ferry/observability';
import type { FailureBackoff } from '../domain/failure-backoff';
import { failedStatus, requestedAt, type SourceObject } from '../domain/source-status';
import type { SourceObjectStore } from './helm-ports';
import { recordAttempt, type Attempt, type RecorderDeps } from './reconcile-recorder';

/** A source object the shared reconcile loop drives. */
export type ReconciledSource = SourceObject & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; deletionTimestamp?: string };
  spec: { suspend: boolean; interval?: string };
};

/** What the shared loop needs to know about a kind. */
export interface SourceKind<T extends ReconciledSource> {
  kind: string;
  /** Flux's controller name, for log lines (`helmrepository`). */
  controller: string;
  store: SourceObjectStore<T>;
  deps: RecorderDeps & { logger: Logger };
  now: () => Date;
  /** Interval when the object has none. */
  defaultIntervalMs: number;
  /** The condition a failure sets besides Ready (default: by stage, FetchFailed …). */
  conditionFor?: (failure: ReconcileFailure) => string | undefined;
  /** Retryable failures wait this per-object exponential delay instead of the interval. */
  backoff?: FailureBackoff;
  /** The reason an unexpected error is reported with (default Failed; GitRepository: GitOperationFailed). */
  failureReason?: string;
}

/** The parts of one attempt the kind-specific work reads and fills in. */
export interface AttemptContext {
  attempt: Attempt;
  /** The `reconcile.fluxcd.io/requestedAt` being handled, if any. */
  requested: string | undefined;
  log: Logger;
}

/**
 * One reconcile of a source object, the frame every kind shares: skip deleted objects, honour suspend, run
 * the kind's work, turn a failure into Flux's failed status (retried at the interval or after the kind's
 * backoff, or Stalled when retrying cannot help), and record the attempt once in a `finally`.
 */
export async function reconcileSource<T extends ReconciledSource>(
  kind: SourceKind<T>,
  namespace: string,
  name: string,
  cause: EventCause | undefined,
  work: (object: T, context: AttemptContext) => Promise<void>,
): Promise<ReconcileResult> {
  const key = `${namespace}/${name}`;
  const object = kind.store.get(namespace, name);
  if (!object || object.metadata.deletionTimestamp) {
    kind.backoff?.reset(key);
    return {};
  }
  const started = performance.now();
  const log = reconcileLogger(kind.deps.logger, { controller: kind.controller, controllerGroup: 'source.toolkit.fluxcd.io', controllerKind: kind.kind }, name, namespace);
  kind.deps.metrics.suspendStatus.set({ kind: kind.kind, namespace, name }, object.spec.suspend ? 1 : 0);
  const attempt: Attempt = { revision: null, outcome: 'failed', reason: kind.failureReason ?? Reason.Failed, message: '', stage: 'fetch' };
  const interval = object.spec.interval ? parseDuration(object.spec.interval) : kind.defaultIntervalMs;
  let requeueAfterMs: number | undefined = interval;
  const requested = requestedAt(object, RECONCILE_REQUESTED_AT_ANNOTATION);
  try {
    if (object.spec.suspend) {
      Object.assign(attempt, { outcome: 'suspended', reason: Reason.Suspended, message: 'Reconciliation is suspended for this object' });
      requeueAfterMs = undefined;
      return {};
    }
    await work(object, { attempt, requested, log });
    return { requeueAfterMs };
  } catch (error) {
    const failure = toFailure(error, kind.failureReason ?? Reason.Failed);
    Object.assign(attempt, { outcome: 'failed', reason: failure.reason, message: failure.message, stage: failure.stage });
    requeueAfterMs = failure.retryable ? (kind.backoff?.failed(key) ?? interval) : undefined;
    const latest = kind.store.get(namespace, name) ?? object;
    const condition = kind.conditionFor?.(failure);
    await kind.store
      .writeStatus(
        latest,
        failedStatus(latest, { reason: failure.reason, message: failure.message, stage: failure.stage, retryable: failure.retryable, requestedAt: requested, ...(condition ? { condition } : {}) }, kind.now()),
      )
      .catch((statusError: unknown) => log.error('failed to write status', { error: statusError }));
    return requeueAfterMs === undefined ? {} : { requeueAfterMs };
  } finally {
    // Anything but a failure that will be retried ends the run of failures: the next one starts from the minimum.
    if (attempt.outcome !== 'failed' || requeueAfterMs === undefined) kind.backoff?.reset(key);
    await recordAttempt(kind.deps, object, attempt, performance.now() - started, requeueAfterMs, cause, log);
  }
}

/**
 * Reports an object that does not match its API (the message names the object and the field): Ready=False
 * and Stalled with InvalidConfig, and a terminal Failed event. Nothing is fetched.
 */
export async function rejectInvalidSource<T extends ReconciledSource>(
  kind: SourceKind<T>,
  object: { metadata: { name: string; namespace?: string; generation?: number }; status?: unknown },
  message: string,
): Promise<void> {
  const namespace = object.metadata.namespace ?? 'default';
  const ref = { kind: kind.kind, namespace, name: object.metadata.name };
  const log = kind.deps.logger.child({ controller: kind.controller, controllerKind: kind.kind, name: ref.name, namespace });
  const shell = { ...object, status: object.status ?? {} } as T;
  await kind.store
    .writeStatus(shell, failedStatus(shell, { reason: Reason.InvalidConfig, message, stage: 'validate', retryable: false, requestedAt: undefined }, kind.now()))
    .catch((error: unknown) => log.error('failed to write status', { error }));
  recordCondition(kind.deps.metrics, ref, 'Ready', 'False');
  const events: FerryEvent[] = [
    newEvent<FailedV1>({ type: 'Failed', schemaVersion: 1, object: ref, revision: null, reason: Reason.InvalidConfig, message, stage: 'validate', terminal: true }),
    newEvent<ReconcileFinishedV1>({ type: 'ReconcileFinished', schemaVersion: 1, object: ref, revision: null, outcome: 'failed', reason: Reason.InvalidConfig, message, durationMs: 0 }),
  ];
  await kind.deps.events.append(`${kind.kind}/${namespace}/${ref.name}`, events, 'any').catch((error: unknown) => log.error('failed to record reconcile events', { error }));
  log.error(message, { reason: Reason.InvalidConfig });
}

function toFailure(error: unknown, reason: string): ReconcileFailure {
  if (error instanceof ReconcileFailure) return error;
  const e = error as { name?: string; reason?: string; stage?: string; message?: string; retryable?: boolean };
  if (e?.name === 'ReconcileFailure' && e.reason) return new ReconcileFailure(e.reason, 'fetch', e.message ?? String(error), e.retryable ?? true);
  return new ReconcileFailure(reason, 'fetch', error instanceof Error ? error.message : String(error));
}
