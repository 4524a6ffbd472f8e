import { ReconcileFailure, Reason } from '@ferry/contracts';
import { maxSatisfying, valid, validRange } from 'semver';
import { parse } from 'yaml';

/** One chart version in a Helm repository index. */
export interface ChartVersionEntry {
  name: string;
  version: string;
  appVersion?: string;
  urls: string[];
  /** sha256 hex of the `.tgz`, when the index has one. */
  digest?: string;
}

/** A parsed, validated Helm repository `index.yaml`. */
export interface HelmIndex {
  apiVersion: string;
  entries: Record<string, ChartVersionEntry[]>;
}

/** Reason source-controller gives when an index cannot be loaded. */
export const INDEXATION_FAILED = 'IndexationFailed';
/** Reason for a chart name or version that the source does not have (Flux's ErrChartReference). */
export const CHART_REFERENCE_ERROR = 'ChartReferenceError';

/**
 * Parses a Helm repository index as Helm's repo.LoadIndexFile does: YAML with `apiVersion` and an `entries`
 * map of chart name to versions, each with a name, a version and at least one URL. Entries with an invalid
 * semver are dropped (Helm skips them too); anything else that is not an index is an error naming `where`.
 */
export function parseHelmIndex(text: string, where: string): HelmIndex {
  const fail = (detail: string) => new ReconcileFailure(INDEXATION_FAILED, 'fetch', `failed to load Helm repository from index YAML of ${where}: ${detail}`);
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw fail(`not YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw fail('not a Helm index: expected a mapping with apiVersion and entries');
  const document = raw as { apiVersion?: unknown; entries?: unknown };
  if (typeof document.apiVersion !== 'string' || document.apiVersion === '') throw fail('no API version');
  if (document.entries === undefined || document.entries === null || typeof document.entries !== 'object' || Array.isArray(document.entries)) {
    throw fail("'entries' must be a mapping of chart name to versions");
  }
  const entries: Record<string, ChartVersionEntry[]> = {};
  for (const [name, versions] of Object.entries(document.entries as Record<string, unknown>)) {
    if (!Array.isArray(versions)) throw fail(`entries.${name} must be a list of chart versions`);
    entries[name] = versions.flatMap((candidate: unknown, i): ChartVersionEntry[] => {
      const entry = (candidate ?? {}) as Record<string, unknown>;
      const version = entry['version'];
      if (typeof version !== 'string' && typeof version !== 'number') throw fail(`entries.${name}[${i}]: no version`);
      if (!valid(String(version))) return [];
      const urls = entry['urls'];
      if (!Array.isArray(urls) || urls.length === 0 || !urls.every((u) => typeof u === 'string')) throw fail(`entries.${name}[${i}]: no urls`);
      return [
        {
          name: typeof entry['name'] === 'string' ? entry['name'] : name,
          version: String(version),
          ...(entry['appVersion'] !== undefined ? { appVersion: String(entry['appVersion']) } : {}),
          urls: urls as string[],
          ...(typeof entry['digest'] === 'string' && entry['digest'] !== '' ? { digest: entry['digest'] } : {}),
        },
      ];
    });
  }
  return { apiVersion: document.apiVersion, entries };
}

/**
 * The chart version `spec.version` selects, as Helm's index.Get does: an exact version when it is one,
 * else the highest version in the semver range; `*` (and an empty range) excludes pre-releases.
 */
export function resolveChartVersion(index: HelmIndex, chart: string, version: string): ChartVersionEntry {
  const versions = index.entries[chart];
  if (!versions || versions.length === 0) {
    throw new ReconcileFailure(CHART_REFERENCE_ERROR, 'fetch', `chart reference error: no chart name found: '${chart}' is not in the repository index`);
  }
  const wanted = version.trim() === '' ? '*' : version.trim();
  const exact = valid(wanted) ? versions.find((v) => valid(v.version) === valid(wanted)) : undefined;
  if (exact) return exact;
  if (validRange(wanted) === null) {
    throw new ReconcileFailure(Reason.InvalidSemVer, 'fetch', `chart reference error: invalid version/constraint format '${version}'`, false);
  }
  const best = maxSatisfying(
    versions.map((v) => v.version),
    wanted,
  );
  const found = best === null ? undefined : versions.find((v) => v.version === best);
  if (!found) throw new ReconcileFailure(CHART_REFERENCE_ERROR, 'fetch', `chart reference error: no '${chart}' chart with version matching '${version}' found`);
  return found;
}

/**
 * Where a chart is downloaded from: an absolute URL as is, a relative one resolved against the repository
 * URL as a directory (Helm appends the file name to the repository URL, whatever its last segment is).
 */
export function chartDownloadUrl(repositoryUrl: string, chartUrl: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(chartUrl)) return chartUrl;
  return new URL(chartUrl, repositoryUrl.endsWith('/') ? repositoryUrl : `${repositoryUrl}/`).toString();
}
