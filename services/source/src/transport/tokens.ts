/** The GitRepositoryScheduler. */
export const GIT_REPOSITORY_SCHEDULER = Symbol('GitRepositoryScheduler');
/** The FileArtifactStorage. */
export const ARTIFACT_STORAGE = Symbol('ArtifactStorage');
