import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ignore from 'ignore';
import { HelmError, messageOf } from '../errors';
import { isTable } from '../values/coalesce';
import { parseYaml } from '../yaml';
import type { Chart, ChartDependency, ChartFile, ChartLock, ChartMetadata, Values } from './chart';
import { readTarGz } from './tar';

const CHART_NAME = /^[^/\\]+$/;
// Masterminds/semver (what Helm uses) accepts a leading v and missing minor/patch parts.
const LOOSE_SEMVER = /^v?\d+(\.\d+){0,2}(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** Loads a packaged chart (`helm package` output: a gzipped tar whose entries are `<name>/...`). */
export function loadChart(archive: Buffer): Chart {
  let entries: ChartFile[];
  try {
    entries = readTarGz(archive);
  } catch (error) {
    throw new HelmError(`cannot load chart archive: ${messageOf(error)}`);
  }
  const files: ChartFile[] = [];
  for (const entry of entries) {
    const parts = entry.name.replace(/\\/g, '/').split('/');
    // Helm drops the top directory, whatever it is called, and refuses anything that escapes it
    const rest = parts.slice(1).filter((p) => p !== '' && p !== '.');
    if (entry.name.startsWith('/') || rest.includes('..')) {
      throw new HelmError(`chart illegally contains content outside the base directory: "${entry.name}"`);
    }
    if (rest.length === 0) continue;
    files.push({ name: rest.join('/'), data: entry.data });
  }
  if (files.length === 0) throw new HelmError('cannot load chart archive: no files in chart archive');
  return loadChartFiles(files);
}

/** Loads a chart from a directory on disk, honouring its `.helmignore` as `helm install ./dir` does. */
export function loadChartDirectory(dir: string): Chart {
  const rules = ignore();
  // Helm's defaults: hidden files under templates/ never become templates
  rules.add('templates/.?*');
  try {
    rules.add(readFileSync(join(dir, '.helmignore'), 'utf8'));
  } catch {
    // no .helmignore: only the default rule applies
  }
  const files: ChartFile[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current).sort()) {
      const full = join(current, entry);
      const rel = relative(dir, full).split(sep).join('/');
      const stat = statSync(full);
      if (stat.isDirectory()) {
        if (!rules.ignores(`${rel}/`)) walk(full);
      } else if (stat.isFile() && !rules.ignores(rel)) {
        files.push({ name: rel, data: readFileSync(full) });
      }
    }
  };
  walk(dir);
  return loadChartFiles(files);
}

/** Loads a chart from its files (paths relative to the chart root), as Helm's loader.LoadFiles. */
export function loadChartFiles(input: readonly ChartFile[] | Record<string, string | Buffer>): Chart {
  const files: ChartFile[] = Array.isArray(input)
    ? [...(input as readonly ChartFile[])]
    : Object.entries(input as Record<string, string | Buffer>).map(([name, data]) => ({
        name,
        data: typeof data === 'string' ? Buffer.from(data) : data,
      }));
  files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const chartYaml = files.find((f) => f.name === 'Chart.yaml');
  if (!chartYaml) throw new HelmError('validation: Chart.yaml file is missing');
  const metadata = parseMetadata(chartYaml.data);
  const label = metadata.name || 'chart';
  const chart: Chart = { metadata, lock: null, templates: [], values: {}, schema: null, files: [], dependencies: [] };
  const subcharts = new Map<string, ChartFile[]>();
  let requirements: ChartDependency[] | undefined;
  for (const file of files) {
    const { name } = file;
    if (name === 'Chart.yaml') continue;
    if (name === 'values.yaml') chart.values = parseMapping(file, label);
    else if (name === 'values.schema.json') chart.schema = file.data;
    else if (name === 'Chart.lock' || (name === 'requirements.lock' && metadata.apiVersion === 'v1')) {
      chart.lock = parseMapping(file, label) as unknown as ChartLock;
    } else if (name === 'requirements.yaml' && metadata.apiVersion === 'v1') {
      const deps = parseMapping(file, label)['dependencies'];
      requirements = Array.isArray(deps) ? (deps as ChartDependency[]) : [];
      chart.files.push(file);
    } else if (name.startsWith('templates/')) chart.templates.push(file);
    else if (name.startsWith('charts/') && !name.endsWith('.prov')) {
      const inCharts = name.slice('charts/'.length);
      const slash = inCharts.indexOf('/');
      const key = slash < 0 ? inCharts : inCharts.slice(0, slash);
      const list = subcharts.get(key) ?? [];
      list.push({ name: slash < 0 ? inCharts : inCharts.slice(slash + 1), data: file.data });
      subcharts.set(key, list);
    } else chart.files.push(file);
  }
  if (requirements && !metadata.dependencies) metadata.dependencies = requirements;
  validateMetadata(metadata);
  for (const [key, subFiles] of [...subcharts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    try {
      if (key.endsWith('.tgz') || key.endsWith('.tar.gz')) {
        const archive = subFiles.find((f) => f.name === key);
        if (archive) chart.dependencies.push(loadChart(archive.data));
      } else {
        chart.dependencies.push(loadChartFiles(subFiles.filter((f) => f.name !== key)));
      }
    } catch (error) {
      throw new HelmError(`error unpacking subchart ${key} in ${label}: ${messageOf(error)}`);
    }
  }
  return chart;
}

function parseMapping(file: ChartFile, chart: string): Values {
  let parsed: unknown;
  try {
    parsed = parseYaml(file.data.toString('utf8'));
  } catch (error) {
    throw new HelmError(`chart ${chart}: cannot load ${file.name}: ${messageOf(error)}`);
  }
  if (parsed === null) return {};
  if (!isTable(parsed)) throw new HelmError(`chart ${chart}: cannot load ${file.name}: not a YAML mapping`);
  return parsed;
}

function parseMetadata(data: Buffer): ChartMetadata {
  let parsed: unknown;
  try {
    parsed = parseYaml(data.toString('utf8'));
  } catch (error) {
    throw new HelmError(`cannot load Chart.yaml: ${messageOf(error)}`);
  }
  if (!isTable(parsed)) throw new HelmError('cannot load Chart.yaml: not a YAML mapping');
  const metadata = { ...parsed } as unknown as ChartMetadata;
  // YAML numbers in Chart.yaml (version: 1.0) are strings to Helm
  for (const key of ['version', 'appVersion', 'kubeVersion', 'name'] as const) {
    const value = (parsed as Record<string, unknown>)[key];
    if (typeof value === 'number') (metadata as unknown as Record<string, unknown>)[key] = String(value);
  }
  if (!metadata.apiVersion) metadata.apiVersion = 'v1';
  return metadata;
}

function validateMetadata(md: ChartMetadata): void {
  const where = md.name ? `chart ${md.name}: ` : '';
  const fail = (message: string): never => {
    throw new HelmError(`${where}validation: ${message} (Chart.yaml)`);
  };
  if (typeof md.name !== 'string' || md.name === '') fail('chart.metadata.name is required');
  if (!CHART_NAME.test(md.name) || md.name === '..' || md.name === '.') fail(`chart.metadata.name "${md.name}" is invalid`);
  if (md.apiVersion !== 'v1' && md.apiVersion !== 'v2') fail(`chart.metadata.apiVersion "${md.apiVersion}" is invalid`);
  if (typeof md.version !== 'string' || md.version === '') fail('chart.metadata.version is required');
  if (!LOOSE_SEMVER.test(md.version)) fail(`chart.metadata.version "${md.version}" is invalid`);
  if (md.type !== undefined && md.type !== '' && md.type !== 'application' && md.type !== 'library') {
    fail('chart.metadata.type must be application or library');
  }
  if (md.apiVersion === 'v1' && md.type === 'library') fail('chart.metadata.type "library" requires apiVersion v2');
  if (md.dependencies !== undefined && !Array.isArray(md.dependencies)) fail('chart.metadata.dependencies must be a list');
  for (const [i, dep] of (md.dependencies ?? []).entries()) {
    if (!isTable(dep) || typeof dep.name !== 'string' || dep.name === '') fail(`dependencies[${i}]: dependency name is required`);
    if (dep.alias !== undefined && !/^[a-zA-Z0-9-_]+$/.test(dep.alias)) fail(`dependency "${dep.name}" has disallowed characters in the alias`);
  }
}
