import { satisfies } from 'semver';
import type { Chart, ChartDependency, ImportValue, Values } from '../chart/chart';
import { HelmError } from '../errors';
import { coalesceTables, coalesceValues, copyValues, isTable, mergeValues, pathValue } from './coalesce';

function compatible(range: string | undefined, version: string): boolean {
  try {
    return satisfies(version, range ?? '*', { loose: true, includePrerelease: true });
  } catch {
    return false;
  }
}

function withName(chart: Chart, name: string): Chart {
  return { ...chart, metadata: { ...chart.metadata, name } };
}

/** The subchart a dependency entry selects (name and version range), renamed to its alias. */
function aliased(charts: readonly Chart[], dep: ChartDependency): Chart | undefined {
  const found = charts.find((c) => c.metadata.name === dep.name && compatible(dep.version, c.metadata.version));
  if (!found) return undefined;
  return dep.alias ? withName(found, dep.alias) : found;
}

function applyTags(deps: ChartDependency[], values: Values): void {
  const tags = values['tags'];
  if (!isTable(tags)) return;
  for (const dep of deps) {
    let hasTrue = false;
    let hasFalse = false;
    for (const tag of dep.tags ?? []) {
      const v = tags[tag];
      if (v === true) hasTrue = true;
      else if (v === false) hasFalse = true;
    }
    dep.enabled = hasTrue || !hasFalse;
  }
}

function applyConditions(deps: ChartDependency[], values: Values, prefix: string): void {
  for (const dep of deps) {
    // the first path of the comma-separated list that holds a boolean decides; others are skipped as Helm does
    for (const path of (dep.condition ?? '').trim().split(',')) {
      const trimmed = path.trim();
      if (!trimmed) continue;
      const value = pathValue(values, prefix + trimmed);
      if (typeof value === 'boolean') {
        dep.enabled = value;
        break;
      }
    }
  }
}

/** Helm's processDependencyEnabled: aliases applied, disabled subcharts (conditions, tags) removed, recursively. */
function enableDependencies(chart: Chart, values: Values, prefix: string): Chart {
  const declared = chart.metadata.dependencies;
  if (!declared) return chart;
  const deps: ChartDependency[] = declared.map((d) => ({ ...d }));
  // subcharts in charts/ that no entry of Chart.yaml describes are always kept
  const kept = chart.dependencies.filter((c) => !deps.some((d) => d.name === c.metadata.name && compatible(d.version, c.metadata.version)));
  for (const dep of deps) {
    const sub = aliased(chart.dependencies, dep);
    if (sub) kept.push(sub);
    if (dep.alias) dep.name = dep.alias;
    dep.enabled = true;
  }
  let current: Chart = { ...chart, metadata: { ...chart.metadata, dependencies: deps }, dependencies: kept };
  const coalesced = coalesceValues(current, values);
  applyTags(deps, coalesced);
  applyConditions(deps, coalesced, prefix);
  const disabled = new Set(deps.filter((d) => !d.enabled).map((d) => d.name));
  const enabled = kept
    .filter((c) => !disabled.has(c.metadata.name))
    .map((c) => enableDependencies(c, coalesced, `${prefix}${c.metadata.name}.`));
  current = {
    ...current,
    metadata: { ...current.metadata, dependencies: deps.filter((d) => !disabled.has(d.name)) },
    dependencies: enabled,
  };
  return current;
}

/** Builds `{a: {b: value}}` from the path `a.b`; `.` puts the value at the top. */
function pathToMap(path: string, value: Values): Values {
  if (path === '.' || path === '') return value;
  const steps = path.split('.').filter((s) => s !== '');
  let out: Values = value;
  for (let i = steps.length - 1; i >= 0; i--) out = { [steps[i] as string]: out };
  return out;
}

/** Helm's processImportValues (merge form): children's exported tables become defaults of the parent. */
function importValues(chart: Chart): Chart {
  const dependencies = chart.dependencies.map((d) => importValues(d));
  let current: Chart = { ...chart, dependencies };
  const declared = current.metadata.dependencies;
  if (!declared) return current;
  const values = mergeValues(current);
  let imported: Values = {};
  const deps = declared.map((dep) => {
    const rewritten: ImportValue[] = [];
    for (const entry of dep['import-values'] ?? []) {
      let child: string;
      let parent: string;
      if (typeof entry === 'string') {
        child = `exports.${entry}`;
        parent = '.';
      } else if (isTable(entry) && typeof entry.child === 'string' && typeof entry.parent === 'string') {
        ({ child, parent } = entry);
      } else {
        throw new HelmError(`chart ${chart.metadata.name}: dependency ${dep.name}: import-values entries must be a string or {child, parent}`);
      }
      rewritten.push({ child, parent });
      const table = pathValue(values, `${dep.name}.${child}`);
      // Helm only warns about a missing table
      if (!isTable(table)) continue;
      // an earlier import wins over a later one, as Helm's MergeTables(b, …)
      imported = coalesceTables(imported, pathToMap(parent, copyValues(table)), true);
    }
    return dep['import-values'] ? { ...dep, 'import-values': rewritten } : dep;
  });
  // the parent's own values win over what it imports, so it can override parts of an imported section
  current = { ...current, metadata: { ...current.metadata, dependencies: deps }, values: coalesceTables(values, imported, true) };
  return current;
}

/**
 * Helm's ProcessDependenciesWithMerge: applies aliases, drops subcharts disabled by `condition` or `tags`
 * (evaluated against the user's values over the defaults) and merges `import-values` into the parents' defaults.
 * Returns a new chart; the input is not changed.
 */
export function processDependencies(chart: Chart, userValues: Values = {}): Chart {
  return importValues(enableDependencies(chart, userValues, ''));
}
