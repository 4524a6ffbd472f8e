import { sha256Digest } from '@ferry/artifact';
import { Reason, ReconcileFailure, type HelmRepository } from '@ferry/contracts';
import { safeUrl } from '../domain/git-ref';
import { ChartBuildReason } from '../domain/helm-chart';
import { CHART_REFERENCE_ERROR } from '../domain/helm-index';
import { chartLayerOf, ociTag, OCI_MANIFEST_MEDIA_TYPES, parseBearerChallenge, parseOciRepositoryUrl, resolveOciChartVersion, tokenOf, tokenUrl } from '../domain/oci-chart';
import { HelmHttpError, type HelmAccess, type HelmGetter } from './helm-ports';
import { chartPullFailure, httpFailure } from './helm-repository.fetch';

/** Largest tag list, manifest or token answer accepted: they are small JSON documents. */
const MAX_METADATA_BYTES = 4 * 1024 * 1024;

/**
 * The registry of an OCI HelmRepository for one reconcile, through the HelmGetter port: the API endpoints
 * (`oci://host/path` → root `https://host/v2/`, charts below `https://host/v2/path`; plain HTTP when
 * `spec.insecure` is set, as Flux's registry client does) and its authentication: basic auth from the
 * Secret, or, when the registry answers 401 with a Bearer challenge, a token from its token service (asked
 * with the basic credentials, if any, as `docker login` does), kept for the session's later requests.
 */
export class OciRegistrySession {
  /** `https://host/v2/`. */
  readonly root: string;
  /** `https://host/v2/<path>`: the charts of the repository live below it. */
  readonly charts: string;
  private bearerToken: string | undefined;

  constructor(
    private readonly http: HelmGetter,
    readonly repository: HelmRepository,
    private readonly access: HelmAccess,
    /** Bound of each request (`spec.timeout`). */
    private readonly timeoutMs: number,
    /** The object, for messages (`HelmChart ns/name`). */
    readonly where: string,
  ) {
    const { registry, path } = parseOciRepositoryUrl(repository.spec.url, where);
    this.root = `${repository.spec.insecure ? 'http' : 'https'}://${registry}/v2/`;
    this.charts = `${this.root}${path}`.replace(/\/+$/, '');
  }

  /** Whether the Secret gave credentials. */
  get hasCredentials(): boolean {
    return this.access.username !== undefined;
  }

  /** GETs `url`; a Bearer challenge is answered once with a fresh token. Small JSON documents unless `maxBytes` says otherwise. */
  async get(url: string, extra: { accept?: string; maxBytes?: number } = {}): Promise<Buffer> {
    const options = { timeoutMs: this.timeoutMs, maxBytes: extra.maxBytes ?? MAX_METADATA_BYTES, ...(extra.accept ? { accept: extra.accept } : {}) };
    try {
      return await this.http.get(url, this.requestAccess(), options);
    } catch (error) {
      const challenge = error instanceof HelmHttpError && error.status === 401 ? parseBearerChallenge(error.challenge) : undefined;
      if (!challenge) throw error;
      this.bearerToken = await this.token(tokenUrl(challenge));
      return this.http.get(url, this.requestAccess(), options);
    }
  }

  private requestAccess(): HelmAccess {
    if (this.bearerToken === undefined) return this.access;
    const { username: _u, password: _p, ...tls } = this.access;
    return { ...tls, bearerToken: this.bearerToken };
  }

  private async token(url: string): Promise<string> {
    const { bearerToken: _b, ...basic } = this.access;
    const body = await this.http.get(url, basic, { timeoutMs: this.timeoutMs, maxBytes: MAX_METADATA_BYTES }).catch((error: unknown) => {
      throw httpFailure(error, `failed to get a registry token for ${this.where} from ${safeUrl(url)}`);
    });
    const token = tokenOf(body.toString('utf8'));
    if (!token) throw new ReconcileFailure(Reason.AuthenticationFailed, 'fetch', `failed to get a registry token for ${this.where} from ${safeUrl(url)}: the answer has no token`);
    return token;
  }
}

/**
 * Checks an OCI HelmRepository as Flux does when it logs in: with credentials, the registry's `/v2/` must
 * accept them (401/403 are AuthenticationFailed). Without credentials there is nothing to check beyond the URL.
 */
export async function checkOciRegistry(registry: OciRegistrySession): Promise<void> {
  if (!registry.hasCredentials) return;
  await registry.get(registry.root).catch((error: unknown) => {
    throw httpFailure(error, `failed to log in to the OCI registry of ${registry.where}`);
  });
}

/** The chart reference `<url>/<chart>` of a HelmChart pulled from an OCI HelmRepository (for messages). */
export function ociChartReference(repository: HelmRepository, chart: string): string {
  return `${repository.spec.url.replace(/\/+$/, '')}/${chart}`;
}

/**
 * The chart version `version` selects among the tags of `<url>/<chart>` (`tags/list`). A repository the
 * registry does not know is a ChartReferenceError, like an unknown chart in an index.
 */
export async function resolveOciChart(registry: OciRegistrySession, chart: string, version: string): Promise<string> {
  const { where } = registry;
  const reference = ociChartReference(registry.repository, chart);
  const body = await registry.get(`${registry.charts}/${chart}/tags/list`).catch((error: unknown) => {
    if (error instanceof HelmHttpError && error.status === 404) {
      throw new ReconcileFailure(CHART_REFERENCE_ERROR, 'fetch', `chart reference error: chart '${reference}' not found in the registry for ${where}`);
    }
    throw httpFailure(error, `failed to list the tags of '${reference}' for ${where}`);
  });
  let tags: unknown;
  try {
    tags = (JSON.parse(body.toString('utf8')) as { tags?: unknown } | null)?.tags;
  } catch {
    throw new ReconcileFailure(CHART_REFERENCE_ERROR, 'fetch', `chart reference error: the tag list of '${reference}' for ${where} is not JSON`);
  }
  // A repository whose tags were all deleted lists `null`.
  const names = Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === 'string') : [];
  return resolveOciChartVersion(names, chart, reference, version);
}

/**
 * Pulls a chart version from `<url>/<chart>:<version>`: the manifest, then its Helm chart layer (at most
 * `maxBytes`), whose bytes must match the manifest's digest and size (ChartPullError at stage verify otherwise).
 */
export async function pullOciChart(registry: OciRegistrySession, chart: string, version: string, maxBytes: number): Promise<Buffer> {
  const { where } = registry;
  const reference = `${ociChartReference(registry.repository, chart)}:${ociTag(version)}`;
  const base = `${registry.charts}/${chart}`;
  const pullFailure = (error: unknown): never => {
    throw chartPullFailure(error, `chart pull error: failed to pull '${reference}' for ${where}`);
  };
  const manifest = await registry.get(`${base}/manifests/${ociTag(version)}`, { accept: OCI_MANIFEST_MEDIA_TYPES.join(', ') }).catch(pullFailure);
  const layer = chartLayerOf(manifest.toString('utf8'), `'${reference}' for ${where}`);
  if (layer.size > maxBytes) {
    throw new ReconcileFailure(ChartBuildReason.Pull, 'fetch', `chart pull error: the chart layer of '${reference}' for ${where} has ${layer.size} bytes, more than ${maxBytes}`, false);
  }
  const archive = await registry.get(`${base}/blobs/${layer.digest}`, { maxBytes }).catch(pullFailure);
  const actual = sha256Digest(archive);
  if (actual !== layer.digest || archive.length !== layer.size) {
    throw new ReconcileFailure(
      ChartBuildReason.Pull,
      'verify',
      `chart pull error: digest mismatch for '${reference}' of ${where}: the manifest says ${layer.digest} (${layer.size} bytes), the download has ${actual} (${archive.length} bytes)`,
    );
  }
  return archive;
}
