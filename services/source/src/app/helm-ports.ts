import type { SourceObject } from '../domain/source-status';

/** Source objects of one kind as the API server has them (an informer cache), and their status subresource. */
export interface SourceObjectStore<T extends SourceObject> {
  get(namespace: string, name: string): T | undefined;
  list(): T[];
  /** Writes the status subresource; returns the object as stored. */
  writeStatus(object: T, status: NonNullable<T['status']>): Promise<T>;
}

/** Credentials and TLS material for a Helm repository: `secretRef` (basic auth) and `certSecretRef` (TLS). */
export interface HelmAccess {
  username?: string;
  password?: string;
  /** A registry token, sent as `Authorization: Bearer` instead of basic auth. */
  bearerToken?: string;
  /** PEM CA certificate(s) trusted besides the system roots (`ca.crt`). */
  ca?: string;
  /** PEM client certificate and key (`tls.crt`, `tls.key`). */
  cert?: string;
  key?: string;
}

/** The validators of an earlier answer, for a conditional GET. */
export interface HttpValidators {
  etag?: string;
  lastModified?: string;
}

/** A conditional GET's answer: 304, or the body and its validators. */
export type ConditionalAnswer = { notModified: true } | { notModified: false; body: Buffer; validators: HttpValidators };

/** HTTP GETs of Helm repository files. */
export interface HelmGetter {
  /**
   * Rejects with a HelmHttpError for a non-2xx answer, a body over `maxBytes`, a timeout or a network error.
   * `accept` replaces the Accept header (an OCI registry picks the manifest type by it).
   */
  get(url: string, access: HelmAccess, options: { timeoutMs: number; maxBytes: number; accept?: string }): Promise<Buffer>;
  /** A GET with If-None-Match / If-Modified-Since from `validators`; a 304 is `notModified`. */
  getIfChanged(url: string, access: HelmAccess, options: { timeoutMs: number; maxBytes: number }, validators: HttpValidators): Promise<ConditionalAnswer>;
}

/**
 * Why a Helm repository GET failed; `status` is the HTTP status when there was an answer, `challenge` the
 * `WWW-Authenticate` header of a 401 (an OCI registry names its token service there).
 */
export class HelmHttpError extends Error {
  override readonly name = 'HelmHttpError';
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly challenge?: string,
  ) {
    super(message);
  }
}

/** How a chart is packaged: Flux's valuesFiles and version metadata. */
export interface ChartBuildOptions {
  valuesFiles: readonly string[];
  ignoreMissingValuesFiles: boolean;
  versionMetadata: string | undefined;
  /** The object, for messages (`HelmChart ns/name`). */
  where: string;
  /**
   * Fetches the remote dependencies Chart.yaml lists and `charts/` lacks (`helm dependency build`), written
   * down in Chart.lock dated `generated`; without it such a dependency is an error.
   */
  dependencies?: { fetcher: DependencyFetcher; generated: Date };
  /**
   * Whether the stored artifact already is this chart version (and no rebuild is forced): then neither are
   * dependencies fetched nor is anything packaged, as Flux's builder returns its cached chart.
   */
  keep?: (version: string) => boolean;
}

/** A chart version whose stored artifact is kept as is. */
export interface KeptChart {
  name: string;
  version: string;
  kept: true;
}

/** A Chart.yaml dependency to fetch from a chart repository: `repository` is a URL, `@name` or `alias:name`. */
export interface DependencyRequest {
  name: string;
  /** A semver range or an exact version (from Chart.lock); empty means any. */
  version: string;
  repository: string;
}

/** A fetched dependency: the version it resolved to and its verified `.tgz`. */
export interface FetchedDependency {
  version: string;
  archive: Buffer;
}

/** Fetches chart dependencies; rejects with a ReconcileFailure naming the dependency and the cause. */
export interface DependencyFetcher {
  fetch(dependency: DependencyRequest): Promise<FetchedDependency>;
}

/** A packaged chart. */
export interface PackagedChart {
  name: string;
  version: string;
  archive: Buffer;
  /** The valuesFiles that were found and merged, in order. */
  valuesFiles: string[];
}

/** Turns chart sources into packaged charts. */
export interface ChartBuilder {
  /** Re-packages a pulled chart `.tgz` (its valuesFiles are paths inside the chart). */
  repackage(archive: Buffer, options: ChartBuildOptions): Promise<PackagedChart>;
  /**
   * Packages the chart directory `chartPath` of a source artifact (a `.tar.gz` on disk, checked against its
   * digest first); valuesFiles are relative to the artifact's root.
   */
  fromSourceArtifact(file: string, digest: string, chartPath: string, options: ChartBuildOptions): Promise<PackagedChart | KeptChart>;
}
