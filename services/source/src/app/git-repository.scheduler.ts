import type { GitRepository } from '@ferry/contracts';
import type { ReconcileGitRepositoryHandler } from './reconcile-git-repository.handler';
import type { ObjectKey } from './ports';
import { SourceScheduler, artifactChanged } from './source.scheduler';

/**
 * Decides when a GitRepository is reconciled (see SourceScheduler); besides, a new artifact triggers the
 * GitRepositories that include it.
 */
export class GitRepositoryScheduler extends SourceScheduler<GitRepository> {
  constructor(
    handler: Pick<ReconcileGitRepositoryHandler, 'reconcile'>,
    workers: number,
    onForget: (object: ObjectKey) => void,
    onError: (key: string, error: unknown) => void,
    /** Names of the GitRepositories in a namespace whose `spec.include` names `name`. */
    private readonly includers: (namespace: string, name: string) => string[] = () => [],
  ) {
    super(handler, workers, onForget, onError);
  }

  override onUpsert(repository: GitRepository, previous: GitRepository | undefined): void {
    super.onUpsert(repository, previous);
    // A new artifact here is new content for every GitRepository that includes this one.
    if (!artifactChanged(repository, previous)) return;
    const namespace = repository.metadata.namespace ?? 'default';
    for (const dependent of this.includers(namespace, repository.metadata.name)) this.enqueue({ namespace, name: dependent });
  }
}
