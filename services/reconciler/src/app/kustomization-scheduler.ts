import {
  ConditionType,
  RECONCILE_REQUESTED_AT_ANNOTATION,
  isConditionTrue,
  type Condition,
  causedBy,
  type ArtifactReadyV1,
  type EventCause,
  type ReconcileRequestedV1,
} from '@ferry/contracts';
import type { KubeObject } from '@ferry/kube';
import type { Logger } from '@ferry/observability';
import type { KustomizationRepository } from './ports';
import { ReconcileQueue } from './reconcile-queue';
import type { ReconcileKustomizationHandler } from './reconcile-kustomization.handler';

const keyOf = (namespace: string, name: string) => `${namespace}/${name}`;

/**
 * Decides when Kustomizations reconcile: when they appear or their spec changes (generation), when the
 * requestedAt annotation changes, when their source publishes ArtifactReady, on ReconcileRequested, and
 * on their interval (the queue's requeue), and when they are marked for deletion (their finalizer runs).
 */
export class KustomizationScheduler {
  private readonly queue: ReconcileQueue;
  private readonly causes = new Map<string, EventCause>();
  private repository: KustomizationRepository | undefined;

  constructor(
    private readonly handler: ReconcileKustomizationHandler,
    private readonly logger: Logger,
    workers: number,
  ) {
    this.queue = new ReconcileQueue(
      workers,
      (key) => {
        const [namespace = '', name = ''] = key.split('/');
        const cause = this.causes.get(key);
        this.causes.delete(key);
        return this.handler.reconcile(namespace, name, cause);
      },
      (key, error) => this.logger.error('reconcile failed unexpectedly', { key, error }),
    );
  }

  /** Connects the repository whose watch feeds this scheduler. */
  attach(repository: KustomizationRepository): void {
    this.repository = repository;
  }

  /** A Kustomization appeared or changed. */
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
    // Dependents waiting on this one go as soon as it is ready at a new revision, not at their next retry.
    const readyRevision = (o: KubeObject | undefined) => {
      const status = (o as { status?: { lastAppliedRevision?: string; conditions?: Condition[] } } | undefined)?.status;
      return isConditionTrue(status?.conditions, ConditionType.Ready) ? status?.lastAppliedRevision : undefined;
    };
    const revision = readyRevision(object);
    if (revision && revision !== readyRevision(previous)) this.requestDependents(object.metadata.namespace ?? '', object.metadata.name);
  }

  private requestDependents(namespace: string, name: string): void {
    for (const dependent of this.repository?.list() ?? []) {
      const dependentNamespace = dependent.metadata.namespace ?? '';
      if ((dependent.spec.dependsOn ?? []).some((d) => d.name === name && (d.namespace ?? dependentNamespace) === namespace)) {
        this.queue.enqueue(keyOf(dependentNamespace, dependent.metadata.name));
      }
    }
  }

  /** A Kustomization is gone (its finalizer, if any, already ran): stop scheduling it. */
  onDelete(object: KubeObject): void {
    this.queue.forget(keyOf(object.metadata.namespace ?? '', object.metadata.name));
  }

  /** A source has a new artifact: reconcile every Kustomization that reads it, right away. */
  onArtifactReady(event: ArtifactReadyV1): number {
    const matching = (this.repository?.list() ?? []).filter((kustomization) => {
      const ref = kustomization.spec.sourceRef;
      return (
        ref.kind === event.source.kind &&
        ref.name === event.source.name &&
        (ref.namespace ?? kustomization.metadata.namespace) === event.source.namespace
      );
    });
    for (const kustomization of matching) this.request(kustomization.metadata.namespace ?? '', kustomization.metadata.name, causedBy(event));
    return matching.length;
  }

  /** Someone asked for a reconcile now. */
  onReconcileRequested(event: ReconcileRequestedV1): void {
    if (event.object.kind === 'Kustomization') this.request(event.object.namespace, event.object.name, causedBy(event));
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
