import { RECONCILE_REQUESTED_AT_ANNOTATION, type EventCause, type GitRepository } from '@ferry/contracts';
import { ReconcileQueue } from '@ferry/platform';
import type { ReconcileGitRepositoryHandler } from './reconcile-git-repository.handler';
import type { ObjectKey } from './ports';

/**
 * Decides when a GitRepository is reconciled: when first seen, on a spec change (generation), a new
 * `reconcile.fluxcd.io/requestedAt`, a ReconcileRequested event, or its interval. Status-only updates (the
 * controller's own writes) do not trigger one, except that a new artifact triggers the GitRepositories that
 * include it. At most one reconcile per object runs at a time.
 */
export class GitRepositoryScheduler {
  private readonly queue: ReconcileQueue;
  private readonly causes = new Map<string, EventCause>();

  constructor(
    handler: Pick<ReconcileGitRepositoryHandler, 'reconcile'>,
    workers: number,
    private readonly onForget: (object: ObjectKey) => void,
    onError: (key: string, error: unknown) => void,
    /** Names of the GitRepositories in a namespace whose `spec.include` names `name`. */
    private readonly includers: (namespace: string, name: string) => string[] = () => [],
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
  onUpsert(repository: GitRepository, previous: GitRepository | undefined): void {
    const changed =
      !previous ||
      previous.metadata.generation !== repository.metadata.generation ||
      previous.metadata.annotations?.[RECONCILE_REQUESTED_AT_ANNOTATION] !== repository.metadata.annotations?.[RECONCILE_REQUESTED_AT_ANNOTATION];
    const namespace = repository.metadata.namespace ?? 'default';
    if (changed) this.queue.enqueue(keyOf(namespace, repository.metadata.name));
    // A new artifact here is new content for every GitRepository that includes this one.
    const before = previous?.status?.artifact;
    const after = repository.status?.artifact;
    if (after && (before?.revision !== after.revision || before?.digest !== after.digest)) {
      for (const dependent of this.includers(namespace, repository.metadata.name)) this.queue.enqueue(keyOf(namespace, dependent));
    }
  }

  /** The informer saw an object go: stop its timers and drop its mirror and artifacts. */
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

  /** Resolves when no reconcile is running or waiting. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  stop(): Promise<void> {
    return this.queue.stop();
  }
}

const keyOf = (namespace: string, name: string) => `${namespace}/${name}`;
