/** Whether files outside the kustomization root may be loaded (kustomize's `--load-restrictor`). */
export type LoadRestrictor = 'LoadRestrictionsRootOnly' | 'LoadRestrictionsNone';

/** What a path is, after following symlinks. */
export type PathKind = 'file' | 'dir' | 'missing';

/**
 * The engine's only window on the outside world. Paths are absolute and POSIX-style. Adapters decide
 * where the artifact lives; the engine checks root containment itself on `realpath` results.
 */
export interface FileSystem {
  /** Reads a file's bytes. */
  readFile(path: string): Uint8Array;
  /** Lists a directory's entry names (not recursive), sorted. */
  readDir(path: string): string[];
  /** Classifies a path, following symlinks. */
  stat(path: string): PathKind;
  /** Resolves symlinks; throws when the path does not exist. */
  realpath(path: string): string;
}
