import { GIT_REPOSITORY_API_VERSION, gitRepositorySchema, type GitRepository } from '@ferry/contracts';
import type { KubeClient } from '@ferry/kube';
import type { GitRepositoryStore } from '../app/ports';
import { KubeSourceStore, type SourceObjectEvents } from './kube-source.store';

/** What the informer reports, already decoded. */
export type GitRepositoryEvents = SourceObjectEvents<GitRepository>;

/** GitRepositories from an ObjectWatcher (informer) cache; status written to the status subresource. */
export class KubeGitRepositoryStore extends KubeSourceStore<GitRepository> implements GitRepositoryStore {
  constructor(kube: KubeClient, events: GitRepositoryEvents) {
    super(kube, gitRepositorySchema, GIT_REPOSITORY_API_VERSION, 'GitRepository', events);
  }
}
