import type { Artifact, GitRepository } from '@ferry/contracts';
import type { AdvertisedRef } from '../domain/git-ref';
import type { GitRepositoryStatus } from '../domain/git-repository-status';

/** The namespace and name of a GitRepository. */
export interface ObjectKey {
  namespace: string;
  name: string;
}

/** GitRepository objects as the API server has them (an informer cache) and their status subresource. */
export interface GitRepositoryStore {
  get(namespace: string, name: string): GitRepository | undefined;
  /** Every GitRepository known (to find those that include another). */
  list(): GitRepository[];
  /** Writes the status subresource (only metadata is read, so it also serves objects that failed validation); returns the object as stored. */
  writeStatus(repository: GitRepository, status: GitRepositoryStatus): Promise<GitRepository>;
}

/** Reads a Secret's decoded data; undefined when it does not exist. */
export interface SecretReader {
  read(namespace: string, name: string): Promise<Record<string, string> | undefined>;
}

/** Credentials for a Git remote, from the GitRepository's `secretRef`: HTTP(S) basic or bearer, or an SSH key. */
export interface GitAuth {
  username?: string;
  password?: string;
  bearerToken?: string;
  /** SSH private key (Secret key `identity`). */
  identity?: string;
  /** known_hosts lines the server's host key must match (Secret key `known_hosts`). */
  knownHosts?: string;
  /** Passphrase of an encrypted SSH key (Secret key `password`). */
  passphrase?: string;
  /** PEM CA certificate(s) trusted for HTTPS in addition to the system roots (Secret key `ca.crt`). */
  caFile?: string;
}

/** An HTTP proxy for HTTP(S) remotes, from the GitRepository's `proxySecretRef` (`address`, `username`, `password`). */
export interface GitProxy {
  /** `http://host:port` of the proxy. */
  address: string;
  username?: string;
  password?: string;
}

/** A remote and how to reach it. */
export interface GitRemote {
  url: string;
  auth: GitAuth;
  timeoutMs: number;
  proxy?: GitProxy;
}

/** What to fetch and turn into an artifact file. */
export interface ArchiveRequest {
  object: ObjectKey;
  remote: GitRemote;
  fetchRef: string | undefined;
  commit: string;
  shallow: boolean;
  ignore: string | undefined;
  /** `spec.sparseCheckout`: only these directories go into the artifact. */
  sparseCheckout?: string[];
  /** `spec.recurseSubmodules`: submodules are fetched and their files included. */
  recurseSubmodules?: boolean;
  /** `spec.verify`: signatures to check before the artifact is built. */
  verify?: VerifyRequest;
  /** Other artifacts copied in (`spec.include`), in order; later ones overwrite earlier files. */
  includes: IncludedFiles[];
  outFile: string;
}

/** What `spec.verify` asks for: the mode, the Secret's armored public keys, and the tag the commit was reached through. */
export interface VerifyRequest {
  mode: 'HEAD' | 'Tag' | 'TagAndHEAD';
  keyRings: string[];
  /** The tag ref's name and the object it points at (an annotated tag object, or the commit for a lightweight tag). */
  tag?: { name: string; oid: string };
}

/** Files of another GitRepository's artifact to copy: from `fromPath` in it to `toPath` in this one. */
export interface IncludedFiles {
  /** The included artifact's tar.gz on disk. */
  file: string;
  fromPath: string;
  toPath: string;
}

/** The artifact file an ArchiveRequest produced. */
export interface ArchiveResult {
  digest: string;
  size: number;
  files: number;
  bytesReceived: number;
  /** SourceVerified's message when `verify` was asked for and passed. */
  verified?: string;
}

/** Git access: the cheap ref listing, and fetch + archive from a per-object mirror. */
export interface GitClient {
  listRefs(remote: GitRemote, prefix: string | undefined): Promise<AdvertisedRef[]>;
  archive(request: ArchiveRequest): Promise<ArchiveResult>;
  /** Drops the object's mirror (it was deleted). */
  forget(object: ObjectKey): void;
}

/** The kinds of objects that have artifacts: the first segment of an artifact's path. */
export type ArtifactKind = 'gitrepository' | 'helmrepository' | 'helmchart';

/** Where artifacts are kept and served from. */
export interface ArtifactStorage {
  /** A fresh path to write an artifact to before it is stored. */
  tempFile(): string;
  /**
   * Moves a written artifact into place, garbage-collects old ones; returns it as `status.artifact`. Without
   * `layout` it is a GitRepository's content-addressed `<digest>.tar.gz`.
   */
  store(
    object: ObjectKey,
    file: string,
    meta: { revision: string; digest: string; size: number },
    now: Date,
    layout?: { kind: ArtifactKind; fileName: string },
  ): Promise<Artifact>;
  /** Whether the artifact a status points at is still on disk. */
  has(artifact: Artifact): boolean;
  /** The file of a stored artifact, if it is still on disk. */
  fileOf(artifact: Artifact): string | undefined;
  /** Deletes everything stored for an object (a GitRepository unless `kind` says otherwise). */
  removeAll(object: ObjectKey, kind?: ArtifactKind): void;
}

/** The object a Kubernetes Event is about. */
export interface RecordedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string };
}

/** Kubernetes Events on a source object (what `kubectl describe` and `kubectl events` show). */
export interface EventRecorder {
  record(object: RecordedObject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void>;
}
