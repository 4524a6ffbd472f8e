import { rmSync } from 'node:fs';
import {
  Reason,
  parseDuration,
  type Artifact,
  type EventCause,
  type GitRepository,
} from '@ferry/contracts';
import type { EventStore } from '@ferry/event-store';
import type { ReconcileResult } from '@ferry/platform';
import type { FerryMetrics, Logger } from '@ferry/observability';
import { FailureBackoff } from '../domain/failure-backoff';
import { refKind, resolveRef, safeUrl, type ResolvedRef } from '../domain/git-ref';
import { progressingStatus, requiresVerification, succeededStatus } from '../domain/git-repository-status';
import { VerificationReason } from '../domain/signature';
import { ReconcileFailure } from '@ferry/contracts';
import type { ArtifactStorage, EventRecorder, GitClient, GitAuth, GitProxy, GitRepositoryStore, SecretReader, VerifyRequest } from './ports';
import type { Attempt } from './reconcile-recorder';
import { reconcileSource, rejectInvalidSource, type SourceKind } from './source-reconcile';
import { statusStale } from '../domain/source-status';

/** Dependencies of the GitRepository reconcile use case. */
export interface ReconcileGitRepositoryDeps {
  repositories: GitRepositoryStore;
  secrets: SecretReader;
  git: GitClient;
  storage: ArtifactStorage;
  events: EventStore;
  /** Kubernetes Events; none when absent. */
  recorder?: EventRecorder;
  metrics: FerryMetrics;
  logger: Logger;
  /** When a failed reconcile is retried; Flux's defaults (750ms doubling up to 15m) when absent. */
  backoff?: FailureBackoff;
  now?: () => Date;
}

const KIND = 'GitRepository';
/** Flux's `--min-retry-delay` and `--max-retry-delay` defaults. */
const FLUX_MIN_RETRY_DELAY_MS = 750;
const FLUX_MAX_RETRY_DELAY_MS = 15 * 60_000;

/** An included GitRepository's artifact, its file, and where its files go. */
interface ResolvedInclude {
  artifact: Artifact;
  file: string;
  fromPath: string;
  toPath: string;
}

/**
 * One reconcile of a GitRepository, as source-controller does it: read credentials, list the remote's refs
 * (one cheap request), and only when the resolved commit differs from the stored artifact's revision fetch
 * into the mirror and build a new artifact; then write status and record the outcome (events, metrics, log).
 */
export class ReconcileGitRepositoryHandler {
  private readonly now: () => Date;
  private readonly kind: SourceKind<GitRepository>;

  constructor(private readonly deps: ReconcileGitRepositoryDeps) {
    this.now = deps.now ?? (() => new Date());
    this.kind = {
      kind: KIND,
      controller: 'gitrepository',
      store: deps.repositories,
      deps,
      now: this.now,
      defaultIntervalMs: 0,
      failureReason: Reason.GitOperationFailed,
      backoff: deps.backoff ?? new FailureBackoff(FLUX_MIN_RETRY_DELAY_MS, FLUX_MAX_RETRY_DELAY_MS),
    };
  }

  /** Reconciles `namespace/name`; returns when to run again. */
  reconcile(namespace: string, name: string, cause?: EventCause): Promise<ReconcileResult> {
    return reconcileSource(this.kind, namespace, name, cause, (repository, { attempt, requested }) => this.fetch(repository, attempt, requested));
  }

  /** List refs; when the commit or the content settings changed, fetch, verify and build the artifact. */
  private async fetch(repository: GitRepository, attempt: Attempt, requested: string | undefined): Promise<void> {
    const proxy = await this.proxy(repository);
    const remote = { url: repository.spec.url, auth: await this.credentials(repository), timeoutMs: parseDuration(repository.spec.timeout), ...(proxy ? { proxy } : {}) };
    if (!/^(https?|ssh):\/\//.test(remote.url)) {
      throw new ReconcileFailure(Reason.URLInvalid, 'fetch', `unsupported URL scheme in '${safeUrl(remote.url)}': use http://, https:// or ssh://`, false);
    }
    const kind = refKind(repository.spec.ref);
    const resolved = resolveRef(repository.spec.ref, await this.deps.git.listRefs(remote, prefixFor(repository)), repository.spec.url);
    attempt.revision = resolved.revision;
    const includes = this.resolveIncludes(repository);
    const current = repository.status?.artifact;
    if (current && this.upToDate(repository, current, resolved, includes)) {
      Object.assign(attempt, { outcome: 'unchanged', reason: Reason.Succeeded, message: `stored artifact for revision '${resolved.revision}'`, artifact: current });
      if (statusStale(repository, requested)) {
        await this.deps.repositories.writeStatus(repository, succeededStatus(repository, { artifact: current, included: includes.map((i) => i.artifact), requestedAt: requested }, this.now()));
      }
      return;
    }
    const progressing = await this.deps.repositories.writeStatus(
      repository,
      progressingStatus(repository, `building artifact: new upstream revision '${resolved.revision}'`, this.now()),
    );
    const verify = await this.verifyRequest(repository, resolved);
    const { artifact, verified } = await this.buildArtifact(progressing, remote, resolved, kind === 'commit', includes, verify);
    const latest = this.deps.repositories.get(repository.metadata.namespace ?? 'default', repository.metadata.name) ?? progressing;
    const verification = verify && verified ? { verification: { mode: verify.mode, message: verified } } : {};
    await this.deps.repositories.writeStatus(latest, succeededStatus(latest, { artifact, included: includes.map((i) => i.artifact), requestedAt: requested, ...verification }, this.now()));
    const changed = current?.revision !== artifact.revision || current?.digest !== artifact.digest;
    Object.assign(attempt, {
      outcome: changed ? 'succeeded' : 'unchanged',
      reason: Reason.Succeeded,
      message: `stored artifact for revision '${artifact.revision}'`,
      artifact,
    });
  }

  /**
   * Reports an object that does not match the GitRepository API (the message names the object and the
   * field): Ready=False and Stalled with InvalidConfig, and a terminal Failed event. Nothing is fetched.
   */
  rejectInvalid(object: Pick<GitRepository, 'metadata'> & { status?: unknown }, message: string): Promise<void> {
    return rejectInvalidSource(this.kind, object, message);
  }

  /** `spec.verify` with the public keys of its Secret (every data value is an armored key ring, as in Flux). */
  private async verifyRequest(repository: GitRepository, resolved: ResolvedRef): Promise<VerifyRequest | undefined> {
    const verify = repository.spec.verify;
    if (!verify) return undefined;
    const namespace = repository.metadata.namespace ?? 'default';
    const name = verify.secretRef.name;
    const data = await this.deps.secrets.read(namespace, name).catch((error: unknown) => {
      throw new ReconcileFailure(VerificationReason.VerificationError, 'verify', `PGP public keys secret error: ${error instanceof Error ? error.message : String(error)}`);
    });
    if (!data) throw new ReconcileFailure(VerificationReason.VerificationError, 'verify', `PGP public keys secret error: secrets "${name}" not found`);
    return { mode: verify.mode, keyRings: Object.values(data), ...(resolved.tag ? { tag: resolved.tag } : {}) };
  }

  /** `spec.proxySecretRef` as Flux reads it: `address` (required), `username`, `password`; HTTP(S) remotes only. */
  private async proxy(repository: GitRepository): Promise<GitProxy | undefined> {
    const secretRef = repository.spec.proxySecretRef;
    if (!secretRef) return undefined;
    const namespace = repository.metadata.namespace ?? 'default';
    const fail = (detail: string, retryable = true) =>
      new ReconcileFailure(Reason.AuthenticationFailed, 'fetch', `failed to configure proxy options: ${detail}`, retryable);
    if (repository.spec.url.startsWith('ssh://')) throw fail(`proxySecretRef '${namespace}/${secretRef.name}' applies to http(s):// URLs only, not ssh://`, false);
    const data = await this.deps.secrets.read(namespace, secretRef.name).catch((error: unknown) => {
      throw fail(`failed to get secret '${namespace}/${secretRef.name}': ${error instanceof Error ? error.message : String(error)}`);
    });
    if (!data) throw fail(`failed to get secret '${namespace}/${secretRef.name}': secrets "${secretRef.name}" not found`);
    const address = data['address'];
    if (!address) throw fail(`invalid proxy secret '${namespace}/${secretRef.name}': key 'address' is missing`);
    let parsed: URL | undefined;
    try {
      parsed = new URL(address);
    } catch {
      parsed = undefined;
    }
    if (parsed?.protocol !== 'http:') throw fail(`invalid proxy secret '${namespace}/${secretRef.name}': 'address' must be an http:// URL of the proxy`);
    return { address, ...(data['username'] !== undefined ? { username: data['username'] } : {}), ...(data['password'] !== undefined ? { password: data['password'] } : {}) };
  }

  private async credentials(repository: GitRepository): Promise<GitAuth> {
    const secretRef = repository.spec.secretRef;
    if (!secretRef) return {};
    const namespace = repository.metadata.namespace ?? 'default';
    const data = await this.deps.secrets.read(namespace, secretRef.name).catch((error: unknown) => {
      throw new ReconcileFailure(Reason.AuthenticationFailed, 'fetch', `failed to get secret '${namespace}/${secretRef.name}': ${error instanceof Error ? error.message : String(error)}`);
    });
    if (!data) throw new ReconcileFailure(Reason.AuthenticationFailed, 'fetch', `failed to get secret '${namespace}/${secretRef.name}': secrets "${secretRef.name}" not found`);
    if (repository.spec.url.startsWith('ssh://')) {
      if (!data['identity'] || !data['known_hosts']) {
        throw new ReconcileFailure(Reason.InvalidSecret, 'fetch', `invalid secret '${namespace}/${secretRef.name}': ssh:// needs 'identity' and 'known_hosts'`);
      }
      return { identity: data['identity'], knownHosts: data['known_hosts'], ...(data['password'] ? { passphrase: data['password'] } : {}) };
    }
    // Flux reads the CA from `ca.crt` (older Secrets: `caFile`).
    const ca = data['ca.crt'] ?? data['caFile'];
    const tls = ca ? { caFile: ca } : {};
    if (data['bearerToken']) return { bearerToken: data['bearerToken'], ...tls };
    if (data['username'] !== undefined || data['password'] !== undefined) {
      if (!data['username'] || !data['password']) {
        throw new ReconcileFailure(Reason.InvalidSecret, 'fetch', `invalid secret '${namespace}/${secretRef.name}': basic auth needs both 'username' and 'password'`);
      }
      return { username: data['username'], password: data['password'], ...tls };
    }
    if (ca) return tls;
    throw new ReconcileFailure(Reason.InvalidSecret, 'fetch', `invalid secret '${namespace}/${secretRef.name}': expected 'username' and 'password', 'bearerToken' or 'ca.crt'`);
  }

  /** Nothing to fetch: same revision, ignore rules, sparse checkout, submodules and included artifacts, and the artifact is still on disk. */
  private upToDate(repository: GitRepository, current: Artifact, resolved: ResolvedRef, includes: ResolvedInclude[]): boolean {
    const status = repository.status;
    const fingerprint = (artifacts: readonly Artifact[]) => artifacts.map((a) => `${a.revision} ${a.digest}`).join('\n');
    return (
      current.revision === resolved.revision &&
      (status?.observedIgnore ?? undefined) === (repository.spec.ignore ?? undefined) &&
      JSON.stringify(status?.observedSparseCheckout ?? []) === JSON.stringify(repository.spec.sparseCheckout ?? []) &&
      (status?.observedRecurseSubmodules ?? false) === repository.spec.recurseSubmodules &&
      !requiresVerification(repository) &&
      JSON.stringify(status?.observedInclude ?? []) === JSON.stringify(repository.spec.include ?? []) &&
      fingerprint(status?.includedArtifacts ?? []) === fingerprint(includes.map((i) => i.artifact)) &&
      this.deps.storage.has(current)
    );
  }

  /**
   * The artifacts `spec.include` copies in. An included GitRepository that is missing or has no stored
   * artifact yet fails the reconcile (retried); it is reconciled again when that artifact appears.
   */
  private resolveIncludes(repository: GitRepository): ResolvedInclude[] {
    const namespace = repository.metadata.namespace ?? 'default';
    return (repository.spec.include ?? []).map((include) => {
      const name = include.repository.name;
      const included = this.deps.repositories.get(namespace, name);
      const artifact = included?.status?.artifact;
      const file = artifact ? this.deps.storage.fileOf(artifact) : undefined;
      if (!included || !artifact || !file) {
        throw new ReconcileFailure(
          'IncludeUnavailable',
          'dependency',
          `included GitRepository '${namespace}/${name}' ${included ? 'has no stored artifact yet' : 'does not exist'}`,
        );
      }
      return { artifact, file, fromPath: include.fromPath ?? '', toPath: include.toPath ?? name };
    });
  }

  private async buildArtifact(
    repository: GitRepository,
    remote: { url: string; auth: GitAuth; timeoutMs: number },
    resolved: ResolvedRef,
    fullHistory: boolean,
    includes: ResolvedInclude[],
    verify: VerifyRequest | undefined,
  ): Promise<{ artifact: Artifact; verified: string | undefined }> {
    const object = { namespace: repository.metadata.namespace ?? 'default', name: repository.metadata.name };
    const outFile = this.deps.storage.tempFile();
    try {
      const result = await this.deps.git.archive({
        object,
        remote,
        fetchRef: resolved.fetchRef,
        commit: resolved.commit,
        shallow: !fullHistory,
        ignore: repository.spec.ignore,
        ...(repository.spec.sparseCheckout?.length ? { sparseCheckout: repository.spec.sparseCheckout } : {}),
        ...(repository.spec.recurseSubmodules ? { recurseSubmodules: true } : {}),
        ...(verify ? { verify } : {}),
        includes: includes.map(({ file, fromPath, toPath }) => ({ file, fromPath, toPath })),
        outFile,
      });
      const artifact = await this.deps.storage
        .store(object, outFile, { revision: resolved.revision, digest: result.digest, size: result.size }, this.now())
        .catch((error: unknown) => {
          throw new ReconcileFailure(Reason.StorageOperationFailed, 'build', `failed to store artifact: ${error instanceof Error ? error.message : String(error)}`);
        });
      return { artifact, verified: result.verified };
    } finally {
      rmSync(outFile, { force: true });
    }
  }
}

/** The ls-refs prefix that covers `spec.ref`, so the advertisement stays small. */
function prefixFor(repository: GitRepository): string | undefined {
  const ref = repository.spec.ref;
  switch (refKind(ref)) {
    case 'commit':
      return ref?.branch ? `refs/heads/${ref.branch}` : undefined;
    case 'name':
      return ref?.name;
    case 'semver':
      return 'refs/tags/';
    case 'tag':
      return `refs/tags/${ref?.tag}`;
    default:
      return `refs/heads/${ref?.branch ?? 'master'}`;
  }
}
