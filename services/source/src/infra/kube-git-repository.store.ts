import { GIT_REPOSITORY_API_VERSION, gitRepositorySchema, parseFluxObject, type GitRepository } from '@ferry/contracts';
import { ObjectWatcher, type KubeClient, type KubeObject } from '@ferry/kube';
import type { GitRepositoryStore } from '../app/ports';
import type { GitRepositoryStatus } from '../domain/git-repository-status';

/** What the informer reports, already decoded. */
export interface GitRepositoryEvents {
  onUpsert(repository: GitRepository, previous: GitRepository | undefined): void;
  onDelete(repository: { namespace: string; name: string }): void;
  /** An object that does not match the GitRepository API: the message names the object and field. */
  onInvalid(object: KubeObject, error: Error): void;
  onError(error: unknown): void;
}

/** GitRepositories from an ObjectWatcher (informer) cache; status written to the status subresource. */
export class KubeGitRepositoryStore implements GitRepositoryStore {
  private readonly watcher: ObjectWatcher<KubeObject>;

  constructor(
    private readonly kube: KubeClient,
    events: GitRepositoryEvents,
  ) {
    this.watcher = new ObjectWatcher<KubeObject>(kube, GIT_REPOSITORY_API_VERSION, 'GitRepository', {
      onUpsert: (object, previous) => {
        // An invalid object is reported once per generation: the status written about it must not loop.
        const report = !previous || previous.metadata.generation !== object.metadata.generation;
        const repository = this.decode(object, report ? events : undefined);
        if (repository) events.onUpsert(repository, previous ? this.decode(previous) : undefined);
      },
      onDelete: (object) => events.onDelete({ namespace: object.metadata.namespace ?? 'default', name: object.metadata.name }),
      onError: (error) => events.onError(error),
    });
  }

  /** Lists and starts watching; resolves once the initial list was delivered. */
  start(): Promise<void> {
    return this.watcher.start();
  }

  stop(): Promise<void> {
    return this.watcher.stop();
  }

  get(namespace: string, name: string): GitRepository | undefined {
    const object = this.watcher.get(namespace, name);
    return object ? this.decode(object) : undefined;
  }

  list(): GitRepository[] {
    return this.watcher.list().flatMap((object) => this.decode(object) ?? []);
  }

  async writeStatus(repository: GitRepository, status: GitRepositoryStatus): Promise<GitRepository> {
    const stored = await this.kube.mergePatch(
      { apiVersion: GIT_REPOSITORY_API_VERSION, kind: 'GitRepository', namespace: repository.metadata.namespace ?? 'default', name: repository.metadata.name },
      { status },
      { subresource: 'status', fieldManager: 'source-controller' },
    );
    return this.decode({ ...stored, apiVersion: GIT_REPOSITORY_API_VERSION, kind: 'GitRepository' }) ?? { ...repository, status };
  }

  private decode(object: KubeObject, events?: GitRepositoryEvents): GitRepository | undefined {
    try {
      return parseFluxObject(gitRepositorySchema, object);
    } catch (error) {
      events?.onInvalid(object, error as Error);
      return undefined;
    }
  }
}
