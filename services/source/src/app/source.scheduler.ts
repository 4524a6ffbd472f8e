import { RECONCILE_REQUESTED_AT_ANNOTATION, type Artifact, type EventCause } from '@ferry/contracts';
import { ReconcileQueue, type ReconcileResult } from '@ferry/platform';
import type { ObjectKey } from './ports';

/** A source object as the scheduler sees it. */
export interface ScheduledObject {
  metadata: { name: string; namespace?: string; generation?: number; annotations?: Record<string, string> };
  status?: { artifact?: Artifact };
}

/**
 * Decides when a source object is reconciled: when first seen, on a spec change (generation), a new
 * `reconcile.fluxcd.io/requestedAt`, a ReconcileRequested event, or the interval its reconcile returns.
 * Status-only updates (the controller's own writes) do not trigger one. At most one reconcile per object runs
 * at a time.
 */
export class SourceScheduler<T extends ScheduledObject> {
  private readonly queue: ReconcileQueue;
  private readonly causes = new Map<string, EventCause>();

  constructor(
    handler: { reconcile(namespace: string, name: string, cause?: EventCause): Promise<ReconcileResult> },
    workers: number,
    private readonly onForget: (object: ObjectKey) => void,
    onError: (key: string, error: unknown) => void,
  ) {
    this.queue = new ReconcileQueue(
      workers,
      (key) => {
        const [namespace, name] = key.split('/') as [string, string];
        const cause = this.causes.get(key);
        this.causes.delete(key);
        return handler.reconcile(namespace, name, cause);
      },
      onError,
    );
  }

  /** The informer saw an object appear or change. */
  onUpsert(object: T, previous: T | undefined): void {
    const changed =
      !previous ||
      previous.metadata.generation !== object.metadata.generation ||
      previous.metadata.annotations?.[RECONCILE_REQUESTED_AT_ANNOTATION] !== object.metadata.annotations?.[RECONCILE_REQUESTED_AT_ANNOTATION];
    if (changed) this.enqueue({ namespace: object.metadata.namespace ?? 'default', name: object.metadata.name });
  }

  /** The informer saw an object go: stop its timers and drop what is stored for it. */
  onDelete(object: ObjectKey): void {
    this.queue.forget(keyOf(object.namespace, object.name));
    this.onForget(object);
  }

  /** Someone asked for a reconcile now (a ReconcileRequested event). */
  request(object: ObjectKey, cause?: EventCause): void {
    const key = keyOf(object.namespace, object.name);
    if (cause) this.causes.set(key, cause);
    this.queue.enqueue(key);
  }

  /** Reconciles an object soon (something it depends on changed). */
  enqueue(object: ObjectKey): void {
    this.queue.enqueue(keyOf(object.namespace, object.name));
  }

  /** Resolves when no reconcile is running or waiting. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  stop(): Promise<void> {
    return this.queue.stop();
  }
}

/** Whether an update carries a new artifact (revision or digest), what dependents of a source react to. */
export function artifactChanged(object: ScheduledObject, previous: ScheduledObject | undefined): boolean {
  const before = previous?.status?.artifact;
  const after = object.status?.artifact;
  return after !== undefined && (before?.revision !== after.revision || before?.digest !== after.digest);
}

const keyOf = (namespace: string, name: string) => `${namespace}/${name}`;
