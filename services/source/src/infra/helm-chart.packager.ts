import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import ignore from 'ignore';
import { stringify } from 'yaml';
import { ReconcileFailure } from '@ferry/contracts';
import { ChartBuildReason, mergeValues, parseChartMetadata, parseValues, withChartVersion, withVersionMetadata, type ChartMetadata } from '../domain/helm-chart';
import { reproducibleTarGz, type TarEntry } from './tarball';

/** A chart directory on disk and how to package it. */
export interface PackageChartRequest {
  /** The chart directory (holds Chart.yaml). */
  chartDir: string;
  /** The source's root: `file://` dependencies and valuesFiles may not reach outside it. */
  sourceRoot: string;
  /** Directory `valuesFiles` are relative to. */
  valuesRoot: string;
  valuesFiles: readonly string[];
  ignoreMissingValuesFiles: boolean;
  /** Build metadata for the version (`+<metadata>`); none keeps Chart.yaml's version. */
  versionMetadata: string | undefined;
  /** The object, for messages (`HelmChart ns/name`). */
  where: string;
}

/** A packaged chart. */
export interface PackagedChart {
  name: string;
  version: string;
  archive: Buffer;
  /** The valuesFiles that were found and merged, in order. */
  valuesFiles: string[];
}

/**
 * `helm package` for a chart directory, with Flux's additions: the listed values files merged in order
 * into values.yaml, build metadata on the version, `file://` dependencies copied into `charts/`. The
 * archive is a reproducible tar.gz below `<name>/`, so the same inputs give the same digest.
 */
export function packageChartDirectory(request: PackageChartRequest): PackagedChart {
  const { text, metadata, version } = readChartYaml(request);
  const files = new Map<string, Buffer>(chartFiles(request.chartDir, '', request, metadata));
  files.set('Chart.yaml', Buffer.from(version === metadata.version ? text : withChartVersion(text, version)));
  const merged = mergeValuesFiles(request);
  if (merged.values) files.set('values.yaml', Buffer.from(stringify(merged.values)));
  const entries: TarEntry[] = [...files].map(([path, data]) => ({ path: `${metadata.name}/${path}`, data, executable: false }));
  return { name: metadata.name, version, archive: reproducibleTarGz(entries), valuesFiles: merged.found };
}

/** The chart directory's Chart.yaml, checked, and the version the package gets (with the build metadata). */
export function readChartYaml(request: Pick<PackageChartRequest, 'chartDir' | 'sourceRoot' | 'versionMetadata' | 'where'>): { text: string; metadata: ChartMetadata; version: string } {
  const chartYaml = join(request.chartDir, 'Chart.yaml');
  if (!inside(request.sourceRoot, resolve(request.chartDir)) || !existsSync(chartYaml)) {
    throw new ReconcileFailure(ChartBuildReason.Package, 'build', `chart package error: no Chart.yaml in '${relativeTo(request.sourceRoot, request.chartDir)}' for ${request.where}`, false);
  }
  const text = readFileSync(chartYaml, 'utf8');
  const metadata = parseChartMetadata(text, `'${relativeTo(request.sourceRoot, chartYaml)}' of ${request.where}`);
  return { text, metadata, version: withVersionMetadata(metadata.version, request.versionMetadata) };
}

/** The chart's files (minus `.helmignore` matches) and, below `charts/<name>/`, its `file://` dependencies. */
function chartFiles(dir: string, prefix: string, request: PackageChartRequest, metadata: ChartMetadata): [string, Buffer][] {
  const helmignore = join(dir, '.helmignore');
  const ignored = ignore().add(existsSync(helmignore) ? readFileSync(helmignore, 'utf8') : '');
  const files: [string, Buffer][] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current).sort()) {
      const path = join(current, entry);
      const rel = relative(dir, path).split(sep).join('/');
      const stat = statSync(path);
      if (ignored.ignores(stat.isDirectory() ? `${rel}/` : rel)) continue;
      if (stat.isDirectory()) walk(path);
      else if (stat.isFile()) files.push([`${prefix}${rel}`, readFileSync(path)]);
    }
  };
  walk(dir);
  for (const dependency of metadata.dependencies) {
    const repository = dependency.repository ?? '';
    if (repository.startsWith('file://')) {
      const depDir = resolve(dir, repository.slice('file://'.length));
      if (!inside(request.sourceRoot, depDir) || !existsSync(join(depDir, 'Chart.yaml'))) {
        throw new ReconcileFailure(ChartBuildReason.Dependency, 'build', `dependency build error: no chart found at '${repository}' for dependency '${dependency.name}' of ${request.where}`, false);
      }
      const depMeta = parseChartMetadata(readFileSync(join(depDir, 'Chart.yaml'), 'utf8'), `dependency '${dependency.name}' of ${request.where}`);
      files.push(...chartFiles(depDir, `${prefix}charts/${dependency.name}/`, request, depMeta));
      continue;
    }
    const vendored = existsSync(join(dir, 'charts')) && readdirSync(join(dir, 'charts')).some((entry) => entry === dependency.name || entry.startsWith(`${dependency.name}-`));
    if (!vendored) {
      throw new ReconcileFailure(
        ChartBuildReason.Dependency,
        'build',
        `dependency build error: dependency '${dependency.name}' from '${repository || '(no repository)'}' of ${request.where} is neither in charts/ nor a file:// chart (remote dependencies are fetched for charts from a GitRepository only, as Flux)`,
        false,
      );
    }
  }
  return files;
}

function mergeValuesFiles(request: PackageChartRequest): { values: Record<string, unknown> | undefined; found: string[] } {
  if (request.valuesFiles.length === 0) return { values: undefined, found: [] };
  let values: Record<string, unknown> = {};
  const found: string[] = [];
  for (const file of request.valuesFiles) {
    const path = resolve(request.valuesRoot, file);
    if (!inside(request.sourceRoot, path) || !existsSync(path) || !statSync(path).isFile()) {
      if (request.ignoreMissingValuesFiles) continue;
      throw new ReconcileFailure(ChartBuildReason.ValuesFiles, 'build', `values files merge error: no values file found at path '${file}' for ${request.where}`, false);
    }
    values = mergeValues(values, parseValues(readFileSync(path, 'utf8'), `values file '${file}' of ${request.where}`));
    found.push(file);
  }
  // Nothing found (all ignored as missing): the chart keeps its own values.yaml.
  return { values: found.length > 0 ? values : undefined, found };
}

/** Whether `path` is `root` or below it. */
export function inside(root: string, path: string): boolean {
  const base = resolve(root);
  return path === base || path.startsWith(base + sep);
}

function relativeTo(root: string, path: string): string {
  return relative(root, path).split(sep).join('/') || '.';
}
