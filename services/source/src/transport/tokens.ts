/** The schedulers of every source kind, by kind (`GitRepository`, `HelmRepository`, `HelmChart`). */
export const SOURCE_SCHEDULERS = Symbol('SourceSchedulers');
/** The FileArtifactStorage. */
export const ARTIFACT_STORAGE = Symbol('ArtifactStorage');
