import { parseDuration, ReconcileFailure, type HelmRepository } from '@ferry/contracts';
import { dependencyRepository } from '../domain/chart-dependencies';
import { safeUrl } from '../domain/git-ref';
import { ChartBuildReason } from '../domain/helm-chart';
import { resolveChartVersion, type HelmIndex } from '../domain/helm-index';
import type { DependencyFetcher, DependencyRequest, FetchedDependency, HelmAccess, HelmGetter, SourceObjectStore } from './helm-ports';
import { fetchHelmIndex, helmAccess, helmIndexUrl, pullChart } from './helm-repository.fetch';
import type { SecretReader } from './ports';

/** What fetching dependencies needs. */
export interface ChartDependencyFetcherDeps {
  helmRepositories: Pick<SourceObjectStore<HelmRepository>, 'get' | 'list'>;
  secrets: SecretReader;
  http: HelmGetter;
  maxIndexBytes: number;
  maxChartBytes: number;
}

/** Flux's timeout of a dependency repository that no HelmRepository describes. */
const DEFAULT_TIMEOUT_MS = 60_000;

/** A chart repository to fetch from, and the HelmRepository giving its credentials (if any). */
interface DependencySource {
  url: string;
  passCredentials: boolean;
  timeoutMs: number;
  object: HelmRepository | undefined;
}

/**
 * Fetches the remote dependencies of one HelmChart's build, as source-controller's dependency manager: a
 * `repository` URL is fetched with the credentials of a HelmRepository of the same namespace with that URL
 * (none when there is no such object), `@name` and `alias:name` name a HelmRepository of the namespace. The
 * version is resolved in the repository's index.yaml, fetched once per build, and the `.tgz` is checked
 * against the index's digest. Every failure is a DependencyBuildError naming the HelmChart, the dependency
 * and the cause.
 */
export class ChartDependencyFetcher implements DependencyFetcher {
  /** Indexes fetched during this build, by index URL and credentials' owner. */
  private readonly indexes = new Map<string, Promise<HelmIndex>>();

  constructor(
    private readonly deps: ChartDependencyFetcherDeps,
    private readonly namespace: string,
    /** The HelmChart, for messages (`HelmChart ns/name`). */
    private readonly where: string,
  ) {}

  async fetch(dependency: DependencyRequest): Promise<FetchedDependency> {
    try {
      const source = this.source(dependency.repository);
      const access = source.object ? await helmAccess(this.deps.secrets, source.object) : {};
      const index = await this.index(source, access);
      const entry = resolveChartVersion(index, dependency.name, dependency.version);
      const archive = await pullChart(this.deps.http, source, access, entry, { timeoutMs: source.timeoutMs, maxBytes: this.deps.maxChartBytes }, this.where);
      return { version: entry.version, archive };
    } catch (error) {
      const cause = error instanceof Error ? error.message : String(error);
      const retryable = error instanceof ReconcileFailure ? error.retryable : true;
      throw new ReconcileFailure(
        ChartBuildReason.Dependency,
        'build',
        `dependency build error: failed to add remote dependency '${dependency.name}' (version '${dependency.version || '*'}' from '${safeUrl(dependency.repository)}') of ${this.where}: ${cause}`,
        retryable,
      );
    }
  }

  private source(repository: string): DependencySource {
    const reference = dependencyRepository(repository);
    if (reference.kind === 'named') {
      const object = this.deps.helmRepositories.get(this.namespace, reference.name);
      if (!object) throw new ReconcileFailure('SourceUnavailable', 'fetch', `no HelmRepository '${this.namespace}/${reference.name}' for repository alias '${repository}'`);
      if (object.spec.type === 'oci') throw new ReconcileFailure('UnsupportedType', 'fetch', `HelmRepository '${this.namespace}/${reference.name}' is of type 'oci': Ferry does not fetch chart dependencies from OCI registries`, false);
      return this.fromObject(object);
    }
    if (reference.kind !== 'url' || !/^https?:\/\//.test(reference.url)) {
      throw new ReconcileFailure('UnsupportedType', 'fetch', `unsupported repository '${safeUrl(repository)}': use an http(s):// URL, '@name' or 'alias:name'`, false);
    }
    // Flux finds the credentials by the repository URL among the namespace's HelmRepositories.
    const normalized = reference.url.replace(/\/+$/, '');
    const object = this.deps.helmRepositories
      .list()
      .find((candidate) => (candidate.metadata.namespace ?? 'default') === this.namespace && candidate.spec.type !== 'oci' && candidate.spec.url.replace(/\/+$/, '') === normalized);
    return object ? this.fromObject(object) : { url: reference.url, passCredentials: false, timeoutMs: DEFAULT_TIMEOUT_MS, object: undefined };
  }

  private fromObject(object: HelmRepository): DependencySource {
    return { url: object.spec.url, passCredentials: object.spec.passCredentials, timeoutMs: parseDuration(object.spec.timeout), object };
  }

  private index(source: DependencySource, access: HelmAccess): Promise<HelmIndex> {
    const key = `${helmIndexUrl(source.url)} ${source.object?.metadata.name ?? ''}`;
    const cached = this.indexes.get(key);
    if (cached) return cached;
    const where = source.object ? `HelmRepository ${this.namespace}/${source.object.metadata.name}` : `chart repository ${safeUrl(source.url)}`;
    const fetched = fetchHelmIndex(this.deps.http, source.url, access, { timeoutMs: source.timeoutMs, maxBytes: this.deps.maxIndexBytes }, {}, where).then((answer) => {
      // No validators were sent, so a 304 is a misbehaving server.
      if (answer.notModified) throw new ReconcileFailure('IndexationFailed', 'fetch', `failed to fetch Helm repository index of ${where}: unexpected 304 Not Modified`);
      return answer.index;
    });
    this.indexes.set(key, fetched);
    return fetched;
  }
}
