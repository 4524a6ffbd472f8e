import { ReconcileFailure, type HelmChart } from '@ferry/contracts';
import { valid } from 'semver';
import { parse, parseDocument } from 'yaml';

/** A dependency from Chart.yaml. */
export interface ChartDependency {
  name: string;
  version?: string;
  repository?: string;
}

/** What packaging needs from Chart.yaml. */
export interface ChartMetadata {
  name: string;
  version: string;
  dependencies: ChartDependency[];
}

/** Flux's reasons for the steps of a chart build (source-controller's chart.BuildErrorReason). */
export const ChartBuildReason = {
  Pull: 'ChartPullError',
  Package: 'ChartPackageError',
  ValuesFiles: 'ValuesFilesError',
  Dependency: 'DependencyBuildError',
  PullSucceeded: 'ChartPullSucceeded',
  PackageSucceeded: 'ChartPackageSucceeded',
} as const;

/** Reads and checks Chart.yaml: a name and a semver version are required, as `helm package` requires them. */
export function parseChartMetadata(text: string, where: string): ChartMetadata {
  const fail = (detail: string) => new ReconcileFailure(ChartBuildReason.Package, 'build', `chart package error: invalid Chart.yaml in ${where}: ${detail}`, false);
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw fail(error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error));
  }
  const chart = (raw ?? {}) as { name?: unknown; version?: unknown; dependencies?: unknown };
  if (typeof chart.name !== 'string' || chart.name === '') throw fail('name is required');
  const version = typeof chart.version === 'number' ? String(chart.version) : chart.version;
  if (typeof version !== 'string' || !valid(version)) throw fail(`version '${String(chart.version)}' is not a valid semver`);
  const dependencies = Array.isArray(chart.dependencies) ? chart.dependencies : [];
  return {
    name: chart.name,
    version,
    dependencies: dependencies.map((d: unknown, i) => {
      const dependency = (d ?? {}) as Record<string, unknown>;
      if (typeof dependency['name'] !== 'string') throw fail(`dependencies[${i}].name is required`);
      return {
        name: dependency['name'],
        ...(typeof dependency['version'] === 'string' ? { version: dependency['version'] } : {}),
        ...(typeof dependency['repository'] === 'string' && dependency['repository'] !== '' ? { repository: dependency['repository'] } : {}),
      };
    }),
  };
}

/** Chart.yaml with its version replaced; comments and the order of the other fields are kept. */
export function withChartVersion(text: string, version: string): string {
  const document = parseDocument(text);
  document.set('version', version);
  return document.toString();
}

/**
 * Helm's values merge (chartutil.MergeTables as Flux's MergeMaps uses it): mappings merge key by key,
 * anything else in `overlay` replaces what `base` has.
 */
export function mergeValues(base: Record<string, unknown>, overlay: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    const current = merged[key];
    merged[key] = isMapping(value) && isMapping(current) ? mergeValues(current, value) : value;
  }
  return merged;
}

/** Parses one values file; a file that is not a YAML mapping is an error naming it. */
export function parseValues(text: string, where: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new ReconcileFailure(ChartBuildReason.ValuesFiles, 'build', `values files merge error: failed to parse ${where}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, false);
  }
  if (raw === null || raw === undefined) return {};
  if (!isMapping(raw)) throw new ReconcileFailure(ChartBuildReason.ValuesFiles, 'build', `values files merge error: ${where} is not a YAML mapping`, false);
  return raw;
}

/**
 * The build metadata Flux appends to the chart version so consumers notice a change the version alone does
 * not show: the first 12 characters of the Git commit with reconcileStrategy Revision, and the object's
 * generation when valuesFiles are set (joined with a dot).
 */
export function versionMetadata(chart: HelmChart, sourceRevision: string | undefined): string | undefined {
  const parts: string[] = [];
  if (chart.spec.reconcileStrategy === 'Revision' && chart.spec.sourceRef.kind !== 'HelmRepository' && sourceRevision) {
    // `main@sha1:<hex>` → the commit; other revision formats are used whole.
    const commit = /sha1:([0-9a-f]+)$/.exec(sourceRevision)?.[1] ?? sourceRevision;
    parts.push(commit.slice(0, 12));
  }
  if (chart.spec.valuesFiles && chart.spec.valuesFiles.length > 0 && chart.metadata.generation !== undefined) parts.push(String(chart.metadata.generation));
  return parts.length > 0 ? parts.join('.') : undefined;
}

/** A version with its build metadata replaced (semver `+<metadata>`). */
export function withVersionMetadata(version: string, metadata: string | undefined): string {
  return metadata === undefined ? version : `${version.replace(/\+.*$/, '')}+${metadata}`;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
