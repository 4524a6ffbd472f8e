import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { extractTarGz, type ExtractLimits } from '@ferry/artifact';
import { ReconcileFailure } from '@ferry/contracts';
import { parse } from 'yaml';
import type { DependencyFetcher } from '../app/helm-ports';
import {
  dependencyRepository,
  formatChartLock,
  lockedRequirements,
  parseChartLock,
  parseDependencyRequirements,
  satisfiesRequirement,
  type LockedDependency,
} from '../domain/chart-dependencies';
import { ChartBuildReason } from '../domain/helm-chart';
import { inside } from './helm-chart.packager';

/** An unpacked chart whose remote dependencies are to be fetched. */
export interface DependencyBuildRequest {
  /** The chart directory (holds Chart.yaml); it is changed in place. */
  chartDir: string;
  /** The unpacked source: nothing outside it is read or written. */
  sourceRoot: string;
  /** Scratch space for reading vendored `.tgz` charts. */
  workDir: string;
  limits: ExtractLimits;
  fetcher: DependencyFetcher;
  /** Chart.lock's `generated`. */
  generated: Date;
  /** The object, for messages (`HelmChart ns/name`). */
  where: string;
}

/** A chart found in `charts/`. */
interface VendoredChart {
  name: string;
  version: string;
  path: string;
}

/**
 * `helm dependency build` for a chart directory: every `dependencies[]` entry of Chart.yaml (requirements.yaml
 * for an apiVersion v1 chart) with a repository URL, `@name` or `alias:name` that `charts/` lacks at a
 * matching version is fetched into `charts/<name>-<version>.tgz`, replacing a vendored copy of another
 * version. A Chart.lock whose digest matches the requirements pins the versions and is kept as is; otherwise
 * the versions are resolved from the ranges and a new Chart.lock is written when anything was fetched.
 * `file://` dependencies and a chart that cannot be read are left to the packager, which reports them.
 */
export async function buildChartDependencies(request: DependencyBuildRequest): Promise<void> {
  const chartYaml = join(request.chartDir, 'Chart.yaml');
  if (!inside(request.sourceRoot, resolve(request.chartDir)) || !existsSync(chartYaml)) return;
  const chart = parseLoosely(readFileSync(chartYaml, 'utf8')) as { apiVersion?: unknown; dependencies?: unknown } | undefined;
  if (!chart) return;
  // Helm keeps an apiVersion v1 chart's dependencies in requirements.yaml and locks them in requirements.lock.
  const requirementsYaml = join(request.chartDir, 'requirements.yaml');
  const v1 = chart.apiVersion !== 'v2' && existsSync(requirementsYaml);
  const [requirementsFile, lockFile] = v1 ? ['requirements.yaml', 'requirements.lock'] : ['Chart.yaml', 'Chart.lock'];
  const declared = v1 ? (parseLoosely(readFileSync(requirementsYaml, 'utf8')) as { dependencies?: unknown } | undefined)?.dependencies : chart.dependencies;
  const requirements = parseDependencyRequirements(declared, `${requirementsFile} of ${request.where}`);
  const remote = (repository: string) => ['url', 'named'].includes(dependencyRepository(repository).kind);
  if (!requirements.some((r) => remote(r.repository))) return;

  const lockPath = join(request.chartDir, lockFile);
  const lock = existsSync(lockPath) ? parseChartLock(readFileSync(lockPath, 'utf8'), `${lockFile} of ${request.where}`) : undefined;
  const pinned = lockedRequirements(requirements, lock);
  const chartsDir = join(request.chartDir, 'charts');
  const vendored = vendoredCharts(chartsDir, request);
  const locked: LockedDependency[] = [];
  let fetched = 0;
  for (const requirement of requirements) {
    const version = pinned?.find((l) => l.name === requirement.name && l.repository === requirement.repository)?.version ?? requirement.version ?? '';
    const present = vendored.filter((chart) => chart.name === requirement.name);
    const match = present.find((chart) => satisfiesRequirement(chart, { name: requirement.name, version }));
    if (!remote(requirement.repository) || match) {
      locked.push({ name: requirement.name, repository: requirement.repository, version: match?.version ?? localVersion(request, requirement.repository) ?? version });
      continue;
    }
    const dependency = await request.fetcher.fetch({ name: requirement.name, version, repository: requirement.repository });
    // A vendored copy of a version outside the range would be packaged beside the fetched one.
    for (const stale of present) rmSync(stale.path, { recursive: true, force: true });
    mkdirSync(chartsDir, { recursive: true });
    writeFileSync(join(chartsDir, `${requirement.name}-${dependency.version}.tgz`), dependency.archive);
    locked.push({ name: requirement.name, repository: requirement.repository, version: dependency.version });
    fetched++;
  }
  if (fetched > 0 && !pinned) writeFileSync(lockPath, formatChartLock(requirements, locked, request.generated));
}

/** The charts in `charts/`: directories with a Chart.yaml and packaged `.tgz` files. */
function vendoredCharts(chartsDir: string, request: DependencyBuildRequest): VendoredChart[] {
  if (!existsSync(chartsDir)) return [];
  const found: VendoredChart[] = [];
  for (const entry of readdirSync(chartsDir).sort()) {
    const path = join(chartsDir, entry);
    const stat = statSync(path);
    if (stat.isDirectory() && existsSync(join(path, 'Chart.yaml'))) {
      const metadata = chartIdentity(readFileSync(join(path, 'Chart.yaml'), 'utf8'));
      if (metadata) found.push({ ...metadata, path });
    } else if (stat.isFile() && entry.endsWith('.tgz')) {
      found.push({ ...packagedIdentity(path, entry, request), path });
    }
  }
  return found;
}

/** Name and version of a packaged chart, from the Chart.yaml of its one top directory. */
function packagedIdentity(path: string, entry: string, request: DependencyBuildRequest): { name: string; version: string } {
  const dir = mkdtempSync(join(request.workDir, 'vendored-'));
  try {
    extractTarGz(readFileSync(path), dir, request.limits);
    const top = readdirSync(dir);
    const chartYaml = top.length === 1 && top[0] !== undefined ? join(dir, top[0], 'Chart.yaml') : undefined;
    const identity = chartYaml && existsSync(chartYaml) ? chartIdentity(readFileSync(chartYaml, 'utf8')) : undefined;
    if (!identity) throw new Error('no <chart>/Chart.yaml with a name and a version');
    return identity;
  } catch (error) {
    throw new ReconcileFailure(
      ChartBuildReason.Dependency,
      'build',
      `dependency build error: cannot read the vendored chart 'charts/${entry}' of ${request.where}: ${error instanceof Error ? error.message : String(error)}`,
      false,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The version of a `file://` dependency's chart, when it can be read (the packager reports it otherwise). */
function localVersion(request: DependencyBuildRequest, repository: string): string | undefined {
  const reference = dependencyRepository(repository);
  if (reference.kind !== 'file') return undefined;
  const chartYaml = join(resolve(request.chartDir, reference.path), 'Chart.yaml');
  return inside(request.sourceRoot, chartYaml) && existsSync(chartYaml) ? chartIdentity(readFileSync(chartYaml, 'utf8'))?.version : undefined;
}

function chartIdentity(text: string): { name: string; version: string } | undefined {
  const chart = parseLoosely(text) as { name?: unknown; version?: unknown } | undefined;
  if (typeof chart?.name !== 'string' || (typeof chart.version !== 'string' && typeof chart.version !== 'number')) return undefined;
  return { name: chart.name, version: String(chart.version) };
}

/** YAML that may be broken: the packager parses it again and reports the error with the file's name. */
function parseLoosely(text: string): unknown {
  try {
    const value: unknown = parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
