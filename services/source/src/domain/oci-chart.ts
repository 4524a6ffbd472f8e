import { ReconcileFailure, Reason } from '@ferry/contracts';
import { valid } from 'semver';
import { ChartBuildReason } from './helm-chart';
import { CHART_REFERENCE_ERROR, resolveChartVersion } from './helm-index';

/** Helm's media types of a chart stored in an OCI registry (helm.sh/helm/v3/pkg/registry). */
export const HELM_CHART_LAYER_MEDIA_TYPE = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';
/** The manifest types a registry may answer with for a Helm chart. */
export const OCI_MANIFEST_MEDIA_TYPES = ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'] as const;

/** An `oci://host[:port]/path` HelmRepository URL, split. */
export interface OciRepositoryUrl {
  /** `host[:port]` of the registry. */
  registry: string;
  /** Repository path below the registry, without slashes around it (may be empty). */
  path: string;
}

/** A chart layer named by an OCI manifest. */
export interface ChartLayer {
  digest: string;
  size: number;
}

/**
 * Splits an OCI HelmRepository URL as Flux validates it: the scheme must be `oci`, a host is required, and
 * there is no userinfo, query or fragment (credentials belong in `secretRef`). Anything else is URLInvalid.
 */
export function parseOciRepositoryUrl(url: string, where: string): OciRepositoryUrl {
  const fail = (detail: string) => new ReconcileFailure(Reason.URLInvalid, 'validate', `${where}: invalid OCI URL: ${detail}`, false);
  if (!url.startsWith('oci://')) throw fail(`URL scheme must be 'oci' for type 'oci'`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw fail(`'${url.replace(/\/\/[^/@]*@/, '//')}' is not a URL`);
  }
  if (parsed.username || parsed.password) throw fail('credentials in the URL are not allowed: use spec.secretRef');
  if (parsed.host === '') throw fail('no registry host');
  if (parsed.search || parsed.hash) throw fail('a query or fragment is not allowed');
  return { registry: parsed.host, path: parsed.pathname.replace(/^\/+|\/+$/g, '') };
}

/**
 * The version `spec.version` selects among a chart's tags, with Helm's rules for an index (exact version,
 * else the highest in the range, `*` excluding pre-releases). Helm pushes `+` as `_` (tags cannot hold `+`),
 * so tags are read back that way; tags that are not semver are ignored as Helm ignores them.
 */
export function resolveOciChartVersion(tags: readonly string[], chart: string, reference: string, version: string): string {
  const versions = tags.map((tag) => tag.replace(/_/g, '+')).filter((candidate) => valid(candidate) !== null);
  if (versions.length === 0) {
    throw new ReconcileFailure(CHART_REFERENCE_ERROR, 'fetch', `chart reference error: no chart versions found for '${reference}': the repository has no semver tags`);
  }
  const entries = versions.map((v) => ({ name: chart, version: v, urls: [] }));
  return resolveChartVersion({ apiVersion: 'v1', entries: { [chart]: entries } }, chart, version).version;
}

/** The tag a chart version is stored under (`+` is not allowed in a tag). */
export function ociTag(version: string): string {
  return version.replace(/\+/g, '_');
}

/**
 * The chart layer of an OCI manifest (JSON). A body that is not a manifest, or one without exactly one Helm
 * chart layer, is a ChartPullError naming `where`.
 */
export function chartLayerOf(body: string, where: string): ChartLayer {
  const fail = (detail: string) => new ReconcileFailure(ChartBuildReason.Pull, 'fetch', `chart pull error: invalid OCI manifest of ${where}: ${detail}`);
  let manifest: unknown;
  try {
    manifest = JSON.parse(body);
  } catch {
    throw fail('not JSON');
  }
  const layers = (manifest as { layers?: unknown } | null)?.layers;
  if (!Array.isArray(layers)) throw fail('no layers');
  const charts = layers.filter((layer: unknown) => (layer as { mediaType?: unknown } | null)?.mediaType === HELM_CHART_LAYER_MEDIA_TYPE) as { digest?: unknown; size?: unknown }[];
  if (charts.length !== 1) throw fail(`expected one layer of type '${HELM_CHART_LAYER_MEDIA_TYPE}', found ${charts.length}`);
  const [layer] = charts as [{ digest?: unknown; size?: unknown }];
  if (typeof layer.digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(layer.digest)) throw fail(`chart layer digest '${String(layer.digest)}' is not a sha256 digest`);
  if (typeof layer.size !== 'number' || !Number.isInteger(layer.size) || layer.size < 0) throw fail('chart layer has no size');
  return { digest: layer.digest, size: layer.size };
}

/** A registry's `WWW-Authenticate: Bearer …` challenge: where to get a token, for which service and scope. */
export interface BearerChallenge {
  realm: string;
  service?: string;
  scope?: string;
}

/**
 * Reads a Bearer challenge (the distribution token authentication spec: `Bearer realm="…",service="…",scope="…"`,
 * quoted values may hold commas); anything else (Basic, a realm that is not an http(s) URL) is undefined.
 */
export function parseBearerChallenge(header: string | undefined): BearerChallenge | undefined {
  const match = /^\s*bearer\s+(.*)$/is.exec(header ?? '');
  if (!match) return undefined;
  const params = new Map<string, string>();
  for (const [, key, quoted, bare] of (match[1] as string).matchAll(/([a-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/gi)) {
    params.set((key as string).toLowerCase(), quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : (bare ?? ''));
  }
  const realm = params.get('realm');
  if (!realm || !/^https?:\/\//.test(realm)) return undefined;
  const service = params.get('service');
  const scope = params.get('scope');
  return { realm, ...(service ? { service } : {}), ...(scope ? { scope } : {}) };
}

/** The URL a token is asked for at, as `docker login` asks: the realm with `service` and `scope` as query. */
export function tokenUrl(challenge: BearerChallenge): string {
  const url = new URL(challenge.realm);
  if (challenge.service) url.searchParams.set('service', challenge.service);
  if (challenge.scope) url.searchParams.set('scope', challenge.scope);
  return url.toString();
}

/** The token of a token service's JSON answer (`token`, or OAuth2's `access_token`); undefined when it has none. */
export function tokenOf(body: string): string | undefined {
  try {
    const answer = JSON.parse(body) as { token?: unknown; access_token?: unknown } | null;
    const token = answer?.token ?? answer?.access_token;
    return typeof token === 'string' && token !== '' ? token : undefined;
  } catch {
    return undefined;
  }
}
