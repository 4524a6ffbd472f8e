import { RECONCILE_REQUESTED_AT_ANNOTATION, causedBy, type ArtifactReadyV1, type EventCause, type ReconcileRequestedV1 } from '@ferry/contracts';
import type { KubeObject } from '@ferry/kube';
import type { Logger } from '@ferry/observability';
import { ReconcileQueue, type ReconcileResult } from './reconcile-queue';

const keyOf = (namespace: string, name: string) => `${namespace}/${name}`;

/** A Flux object the scheduler knows: its name, namespace and `spec.dependsOn`. */
interface Schedulable {
  metadata: { name: string; namespace?: string };
  spec: { dependsOn?: Array<{ name: string; namespace?: string }> };
}

/** What the scheduler needs to know about one kind of object. */
export interface ReconcileSchedulerOptions<T extends Schedulable> {
  /** The kind ReconcileRequested names (`Kustomization`, `HelmRelease`). */
  kind: string;
  /** Runs one reconcile; returns when to run again. */
  reconcile(namespace: string, name: string, cause?: EventCause): Promise<ReconcileResult>;
  /** Whether an object reads the source that announced an artifact. */
  readsSource(object: T, source: ArtifactReadyV1['source']): boolean;
  /** What a dependency is ready at (e.g. the applied revision), undefined while not Ready: dependents go when it changes. */
  readyMarker(object: KubeObject | undefined): string | undefined;
  workers: number;
  logger: Logger;
}

/** What source events and the service lifecycle need of a scheduler, whatever kind it schedules. */
export interface ReconcileTriggers {
  onUpsert(object: KubeObject, previous: KubeObject | undefined): void;
  onDelete(object: KubeObject): void;
  onArtifactReady(event: ArtifactReadyV1): number;
  onReconcileRequested(event: ReconcileRequestedV1): void;
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Decides when objects of one kind reconcile: when they appear or their spec changes (generation), when the
 * requestedAt annotation changes, when their source publishes ArtifactReady, on ReconcileRequested, when a
 * dependency becomes ready anew, on their interval (the queue's requeue), and when they are marked for
 * deletion (their finalizer runs).
 */
export class ReconcileScheduler<T extends Schedulable> implements ReconcileTriggers {
  private readonly queue: ReconcileQueue;
  private readonly causes = new Map<string, EventCause>();
  private repository: { list(): T[] } | undefined;

  constructor(private readonly options: ReconcileSchedulerOptions<T>) {
    this.queue = new ReconcileQueue(
      options.workers,
      (key) => {
        const [namespace = '', name = ''] = key.split('/');
        const cause = this.causes.get(key);
        this.causes.delete(key);
        return this.options.reconcile(namespace, name, cause);
      },
      (key, error) => this.options.logger.error('reconcile failed unexpectedly', { kind: options.kind, key, error }),
    );
  }

  /** Connects the repository whose watch feeds this scheduler. */
  attach(repository: { list(): T[] }): void {
    this.repository = repository;
  }

  /** An object appeared or changed. */
  onUpsert(object: KubeObject, previous: KubeObject | undefined): void {
    const key = keyOf(object.metadata.namespace ?? '', object.metadata.name);
    const requested = (o: KubeObject | undefined) => o?.metadata.annotations?.[RECONCILE_REQUESTED_AT_ANNOTATION];
    const deleting = (o: KubeObject | undefined) => Boolean(o?.metadata.deletionTimestamp);
    if (
      !previous ||
      previous.metadata.generation !== object.metadata.generation ||
      requested(previous) !== requested(object) ||
      deleting(previous) !== deleting(object)
    ) {
      this.queue.enqueue(key);
    }
    // Dependents waiting on this one go as soon as it is ready anew, not at their next retry.
    const marker = this.options.readyMarker(object);
    if (marker && marker !== this.options.readyMarker(previous)) this.requestDependents(object.metadata.namespace ?? '', object.metadata.name);
  }

  private requestDependents(namespace: string, name: string): void {
    for (const dependent of this.repository?.list() ?? []) {
      const dependentNamespace = dependent.metadata.namespace ?? '';
      if ((dependent.spec.dependsOn ?? []).some((d) => d.name === name && (d.namespace ?? dependentNamespace) === namespace)) {
        this.queue.enqueue(keyOf(dependentNamespace, dependent.metadata.name));
      }
    }
  }

  /** An object is gone (its finalizer, if any, already ran): stop scheduling it. */
  onDelete(object: KubeObject): void {
    this.queue.forget(keyOf(object.metadata.namespace ?? '', object.metadata.name));
  }

  /** A source has a new artifact: reconcile every object that reads it, right away. */
  onArtifactReady(event: ArtifactReadyV1): number {
    const matching = (this.repository?.list() ?? []).filter((object) => this.options.readsSource(object, event.source));
    for (const object of matching) this.request(object.metadata.namespace ?? '', object.metadata.name, causedBy(event));
    return matching.length;
  }

  /** Someone asked for a reconcile now. */
  onReconcileRequested(event: ReconcileRequestedV1): void {
    if (event.object.kind === this.options.kind) this.request(event.object.namespace, event.object.name, causedBy(event));
  }

  /** Waits until no reconcile runs or waits to run now. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Stops scheduling and waits for reconciles in flight. */
  stop(): Promise<void> {
    return this.queue.stop();
  }

  private request(namespace: string, name: string, cause: EventCause): void {
    const key = keyOf(namespace, name);
    this.causes.set(key, cause);
    this.queue.enqueue(key);
  }
}
