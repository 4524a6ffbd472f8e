import type { Chart, Values } from '../chart/chart';
import { HelmError } from '../errors';

/** Whether a value is a YAML mapping (Helm's `istable`). */
export function isTable(value: unknown): value is Values {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/** A deep copy of plain values (maps and lists; scalars are immutable). */
export function copyValues<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => copyValues(v)) as T;
  if (isTable(value)) {
    const out: Values = {};
    for (const [k, v] of Object.entries(value)) out[k] = copyValues(v);
    return out as T;
  }
  return value;
}

/**
 * Merges `src` (lower priority) into `dst` (higher priority) in place, as Helm's coalesceTablesFullKey: maps merge
 * key by key, anything else in `dst` wins, and a `null` in `dst` deletes the key unless `merge` keeps it.
 * Under the top-level `mergeKeys` nulls are kept too.
 */
export function coalesceTables(dst: Values, src: Values, merge = false, mergeKeys?: ReadonlySet<string>): Values {
  for (const [key, val] of Object.entries(src)) {
    if (!(key in dst)) {
      dst[key] = copyValues(val);
      continue;
    }
    const dv = dst[key];
    if (dv === null && !merge) delete dst[key];
    else if (isTable(val) && isTable(dv)) coalesceTables(dv, val, merge || (mergeKeys?.has(key) ?? false));
  }
  return dst;
}

/** Hands the parent's `global` map down into a subchart's values: the parent wins, the subchart fills gaps. */
function coalesceGlobals(subchartValues: Values, parentValues: Values): void {
  const parentGlobal = parentValues['global'];
  const own = subchartValues['global'];
  const merged: Values = isTable(own) ? own : {};
  if (isTable(parentGlobal)) {
    for (const [key, val] of Object.entries(parentGlobal)) {
      const existing = merged[key];
      if (isTable(val)) {
        // nulls survive here (merge): coalescing the subchart afterwards removes them, as in Helm
        if (existing === undefined) merged[key] = copyValues(val);
        else if (isTable(existing)) merged[key] = coalesceTables(copyValues(val), existing, true);
      } else if (!isTable(existing)) merged[key] = val;
    }
  }
  subchartValues['global'] = merged;
}

function coalesce(chart: Chart, dest: Values, merge: boolean): Values {
  // The chart's defaults go under the values given for it (Helm's coalesceValues). Nulls the user set inside a
  // subchart's section survive this step, so they delete the subchart's own defaults next (childChartMergeTrue).
  coalesceTables(dest, chart.values, merge, new Set(chart.dependencies.map((d) => d.metadata.name)));
  for (const sub of chart.dependencies) {
    const name = sub.metadata.name;
    const existing = dest[name];
    if (existing === undefined || existing === null) dest[name] = {};
    else if (!isTable(existing)) {
      throw new HelmError(`chart ${chart.metadata.name}: type mismatch on ${name}: values for subchart ${name} must be a map, not ${Array.isArray(existing) ? 'a list' : typeof existing}`);
    }
    const subValues = dest[name] as Values;
    coalesceGlobals(subValues, dest);
    coalesce(sub, subValues, merge);
  }
  return dest;
}

/**
 * Helm's CoalesceValues: the user's values over the chart's defaults, recursively for every subchart in
 * `chart.dependencies` (under its name or alias), with `global` handed down; `null` deletes a default.
 * Lists are replaced, never merged. The inputs are not changed.
 */
export function coalesceValues(chart: Chart, userValues: Values = {}): Values {
  return coalesce(chart, copyValues(userValues), false);
}

/** Helm's MergeValues: as coalesceValues, but a `null` is kept as a value instead of deleting the key. */
export function mergeValues(chart: Chart, userValues: Values = {}): Values {
  return coalesce(chart, copyValues(userValues), true);
}

/** The value at a dotted path (`a.b.c`) through nested maps, or undefined when a step is missing. */
export function pathValue(values: Values, path: string): unknown {
  let current: unknown = values;
  for (const step of path.split('.')) {
    if (!isTable(current) || !(step in current)) return undefined;
    current = current[step];
  }
  return current;
}

/**
 * Helm's mergeMaps (how `-f a.yaml -f b.yaml` and Flux's valuesFrom combine): `b` over `a`, maps merged key by
 * key, anything else replaced, nulls kept (they delete chart defaults later, in coalesceValues).
 */
export function mergeMaps(a: Values, b: Values): Values {
  const out: Values = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const existing = out[key];
    out[key] = isTable(value) && isTable(existing) ? mergeMaps(existing, value) : value;
  }
  return out;
}
