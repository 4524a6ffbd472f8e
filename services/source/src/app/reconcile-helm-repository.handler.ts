import { rmSync, writeFileSync } from 'node:fs';
import { ConditionType, parseDuration, Reason, ReconcileFailure, type Artifact, type EventCause, type HelmRepository } from '@ferry/contracts';
import { sha256Digest } from '@ferry/artifact';
import type { ReconcileResult } from '@ferry/platform';
import { safeUrl } from '../domain/git-ref';
import { progressingStatus, readyStatus, statusStale } from '../domain/source-status';
import type { HelmGetter, HttpValidators, SourceObjectStore } from './helm-ports';
import { checkOciRegistry, OciRegistrySession } from './helm-oci.fetch';
import { fetchHelmIndex, helmAccess, helmIndexUrl } from './helm-repository.fetch';
import type { ArtifactStorage, SecretReader } from './ports';
import type { RecorderDeps } from './reconcile-recorder';
import { reconcileSource, rejectInvalidSource, type AttemptContext, type SourceKind } from './source-reconcile';
import type { Logger } from '@ferry/observability';

/** Dependencies of the HelmRepository reconcile use case. */
export interface ReconcileHelmRepositoryDeps extends RecorderDeps {
  repositories: SourceObjectStore<HelmRepository>;
  secrets: SecretReader;
  http: HelmGetter;
  storage: ArtifactStorage;
  logger: Logger;
  /** Largest index.yaml accepted. */
  maxIndexBytes: number;
  now?: () => Date;
}

/** Flux's default interval of a HelmRepository without one. */
const DEFAULT_INTERVAL_MS = 10 * 60_000;

/**
 * One reconcile of a HelmRepository, as source-controller does it for type `default`: fetch
 * `<url>/index.yaml` with the credentials of `secretRef` and `certSecretRef`, check it is a Helm index, and
 * store it as the artifact `index-<digest>.yaml` with the digest as revision; an unchanged index keeps the
 * artifact and publishes nothing. Unlike Flux, a server's ETag / Last-Modified is sent back (conditional
 * GET), so an unchanged index is not even downloaded; the validators live in memory only. Type `oci` stores
 * nothing: its URL and credentials are checked (see validateOci).
 */
export class ReconcileHelmRepositoryHandler {
  private readonly kind: SourceKind<HelmRepository>;
  /** ETag / Last-Modified of each object's stored index, so an unchanged index is not downloaded again. */
  private readonly validators = new Map<string, { url: string; digest: string; validators: HttpValidators }>();

  constructor(private readonly deps: ReconcileHelmRepositoryDeps) {
    this.kind = {
      kind: 'HelmRepository',
      controller: 'helmrepository',
      store: deps.repositories,
      deps,
      now: deps.now ?? (() => new Date()),
      defaultIntervalMs: DEFAULT_INTERVAL_MS,
    };
  }

  /** Reconciles `namespace/name`; returns when to run again. */
  reconcile(namespace: string, name: string, cause?: EventCause): Promise<ReconcileResult> {
    return reconcileSource(this.kind, namespace, name, cause, (repository, context) => this.fetchIndex(repository, context));
  }

  /** Reports an object that does not match the HelmRepository API. */
  rejectInvalid(object: { metadata: { name: string; namespace?: string }; status?: unknown }, message: string): Promise<void> {
    return rejectInvalidSource(this.kind, object, message);
  }

  private async fetchIndex(repository: HelmRepository, { attempt, requested }: AttemptContext): Promise<void> {
    const where = `HelmRepository ${repository.metadata.namespace ?? 'default'}/${repository.metadata.name}`;
    if (repository.spec.type === 'oci') {
      await this.validateOci(repository, where, attempt, requested);
      return;
    }
    if (!/^https?:\/\//.test(repository.spec.url)) {
      throw new ReconcileFailure(Reason.URLInvalid, 'validate', `${where}: invalid URL '${safeUrl(repository.spec.url)}': use http:// or https:// for type 'default'`, false);
    }
    const access = await helmAccess(this.deps.secrets, repository);
    const indexUrl = helmIndexUrl(repository.spec.url);
    const key = `${repository.metadata.namespace ?? 'default'}/${repository.metadata.name}`;
    const current = repository.status?.artifact;
    // The validators of the stored index, when the server gave any and that index is still what status points at.
    const known = this.validators.get(key);
    const usable = known && known.url === indexUrl && current?.digest === known.digest && this.deps.storage.has(current) ? known.validators : {};
    const answer = await fetchHelmIndex(this.deps.http, repository.spec.url, access, { timeoutMs: parseDuration(repository.spec.timeout), maxBytes: this.deps.maxIndexBytes }, usable, where);
    if (answer.notModified && !current) throw new ReconcileFailure(Reason.Failed, 'fetch', `failed to fetch Helm repository index of ${where}: 304 Not Modified without a stored index`);
    const body = answer.notModified ? undefined : answer.body;
    const digest = body ? sha256Digest(body) : (current?.digest as string);
    if (!answer.notModified) this.rememberValidators(key, indexUrl, digest, answer.validators);
    attempt.revision = digest;
    const message = `stored artifact: revision '${digest}'`;
    if (!body || (current?.digest === digest && this.deps.storage.has(current))) {
      const stored = current as Artifact;
      Object.assign(attempt, { outcome: 'unchanged', reason: Reason.Succeeded, message, artifact: stored });
      if (statusStale(repository, requested)) await this.deps.repositories.writeStatus(repository, this.readyStatus(repository, stored, requested));
      return;
    }
    const progressing = await this.deps.repositories.writeStatus(repository, progressingStatus(repository, `building artifact: new index revision '${digest}'`, this.kind.now()));
    const file = this.deps.storage.tempFile();
    try {
      writeFileSync(file, body);
      const artifact = await this.deps.storage
        .store(
          { namespace: repository.metadata.namespace ?? 'default', name: repository.metadata.name },
          file,
          { revision: digest, digest, size: body.length },
          this.kind.now(),
          { kind: 'helmrepository', fileName: `index-${digest.replace(/^sha256:/, '')}.yaml` },
        )
        .catch((error: unknown) => {
          throw new ReconcileFailure(Reason.StorageOperationFailed, 'build', `failed to store artifact: ${error instanceof Error ? error.message : String(error)}`);
        });
      const latest = this.deps.repositories.get(progressing.metadata.namespace ?? 'default', progressing.metadata.name) ?? progressing;
      await this.deps.repositories.writeStatus(latest, this.readyStatus(latest, artifact, requested));
      Object.assign(attempt, { outcome: current?.digest === digest ? 'unchanged' : 'succeeded', reason: Reason.Succeeded, message, artifact });
    } finally {
      rmSync(file, { force: true });
    }
  }

  /**
   * Type `oci`, as Flux: a static object that only holds the URL and credentials for the HelmCharts that use
   * it. The URL is validated and, with credentials, the registry must accept them; no artifact is stored.
   */
  private async validateOci(repository: HelmRepository, where: string, attempt: AttemptContext['attempt'], requested: string | undefined): Promise<void> {
    const access = await helmAccess(this.deps.secrets, repository);
    await checkOciRegistry(new OciRegistrySession(this.deps.http, repository, access, parseDuration(repository.spec.timeout), where));
    const message = 'Helm repository is ready';
    const stale = statusStale(repository, requested);
    Object.assign(attempt, { outcome: stale ? 'succeeded' : 'unchanged', reason: Reason.Succeeded, message, successReason: Reason.Succeeded });
    if (!stale) return;
    const status = readyStatus(
      repository,
      { reason: Reason.Succeeded, message, artifactMessage: undefined, requestedAt: requested, clear: [ConditionType.FetchFailed, ConditionType.StorageOperationFailed] },
      this.kind.now(),
    );
    await this.deps.repositories.writeStatus(repository, status);
  }

  /** Drops what is remembered about a deleted object. */
  forget(object: { namespace: string; name: string }): void {
    this.validators.delete(`${object.namespace}/${object.name}`);
  }

  private rememberValidators(key: string, url: string, digest: string, validators: HttpValidators): void {
    if (validators.etag || validators.lastModified) this.validators.set(key, { url, digest, validators });
    else this.validators.delete(key);
  }

  private readyStatus(repository: HelmRepository, artifact: Artifact, requested: string | undefined): NonNullable<HelmRepository['status']> {
    const message = `stored artifact: revision '${artifact.revision}'`;
    const status = readyStatus(
      repository,
      { reason: Reason.Succeeded, message, artifactMessage: message, requestedAt: requested, clear: [ConditionType.FetchFailed, ConditionType.StorageOperationFailed] },
      this.kind.now(),
    );
    return { ...status, artifact, url: artifact.url };
  }
}
