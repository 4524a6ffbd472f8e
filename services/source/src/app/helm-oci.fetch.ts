import { sha256Digest } from '@ferry/artifact';
import { ReconcileFailure, type HelmRepository } from '@ferry/contracts';
import { ChartBuildReason } from '../domain/helm-chart';
import { CHART_REFERENCE_ERROR } from '../domain/helm-index';
import { chartLayerOf, ociTag, OCI_MANIFEST_MEDIA_TYPES, parseOciRepositoryUrl, resolveOciChartVersion } from '../domain/oci-chart';
import { HelmHttpError, type HelmAccess, type HelmGetter } from './helm-ports';
import { chartPullFailure, httpFailure } from './helm-repository.fetch';

/** Limits of one registry request. */
interface GetOptions {
  timeoutMs: number;
  maxBytes: number;
}

/** Largest tag list or manifest accepted: they are small JSON documents. */
const MAX_METADATA_BYTES = 4 * 1024 * 1024;

/**
 * The registry API of an OCI HelmRepository (`oci://host/path` → root `https://host/v2/`, charts below
 * `https://host/v2/path`), over plain HTTP when `spec.insecure` is set, as Flux's registry client does.
 */
export function ociEndpoints(repository: HelmRepository, where: string): { root: string; charts: string } {
  const { registry, path } = parseOciRepositoryUrl(repository.spec.url, where);
  const root = `${repository.spec.insecure ? 'http' : 'https'}://${registry}/v2/`;
  return { root, charts: `${root}${path}`.replace(/\/+$/, '') };
}

/**
 * Checks an OCI HelmRepository as Flux does when it logs in: with credentials, the registry's `/v2/` must
 * accept them (401/403 are AuthenticationFailed). Without credentials there is nothing to check beyond the URL.
 */
export async function checkOciRegistry(http: HelmGetter, repository: HelmRepository, access: HelmAccess, options: GetOptions, where: string): Promise<void> {
  const { root } = ociEndpoints(repository, where);
  if (access.username === undefined) return;
  await http.get(root, access, { ...options, maxBytes: MAX_METADATA_BYTES }).catch((error: unknown) => {
    throw httpFailure(error, `failed to log in to the OCI registry of ${where}`);
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
export async function resolveOciChart(http: HelmGetter, repository: HelmRepository, access: HelmAccess, chart: string, version: string, options: GetOptions, where: string): Promise<string> {
  const reference = ociChartReference(repository, chart);
  const url = `${ociEndpoints(repository, where).charts}/${chart}/tags/list`;
  const body = await http.get(url, access, { ...options, maxBytes: MAX_METADATA_BYTES }).catch((error: unknown) => {
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
 * Pulls a chart version from `<url>/<chart>:<version>`: the manifest, then its Helm chart layer, whose bytes
 * must match the manifest's digest and size (ChartPullError at stage verify otherwise).
 */
export async function pullOciChart(http: HelmGetter, repository: HelmRepository, access: HelmAccess, chart: string, version: string, options: GetOptions, where: string): Promise<Buffer> {
  const reference = `${ociChartReference(repository, chart)}:${ociTag(version)}`;
  const base = `${ociEndpoints(repository, where).charts}/${chart}`;
  const pullFailure = (error: unknown): never => {
    throw chartPullFailure(error, `chart pull error: failed to pull '${reference}' for ${where}`);
  };
  const manifest = await http.get(`${base}/manifests/${ociTag(version)}`, access, { ...options, maxBytes: MAX_METADATA_BYTES, accept: OCI_MANIFEST_MEDIA_TYPES.join(', ') }).catch(pullFailure);
  const layer = chartLayerOf(manifest.toString('utf8'), `'${reference}' for ${where}`);
  if (layer.size > options.maxBytes) {
    throw new ReconcileFailure(ChartBuildReason.Pull, 'fetch', `chart pull error: the chart layer of '${reference}' for ${where} has ${layer.size} bytes, more than ${options.maxBytes}`, false);
  }
  const archive = await http.get(`${base}/blobs/${layer.digest}`, access, options).catch(pullFailure);
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
