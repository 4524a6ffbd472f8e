import { ApiError } from './errors';
import { clone, deepEqual, isObject, Json, JsonObject } from './json';
import { KEY_DEFAULTS, ListTypeOf } from './list-types';

/** True when a list item has the given key values (missing `protocol` counts as TCP, as after defaulting). */
export function sameKey(a: JsonObject, b: JsonObject, keys: string[]): boolean {
  return keys.every((k) => deepEqual(a[k] ?? KEY_DEFAULTS[k] ?? null, b[k] ?? KEY_DEFAULTS[k] ?? null));
}

function mergeList(live: Json | undefined, patch: Json[], path: string[], types: ListTypeOf): Json[] {
  const lt = types(path);
  const base = Array.isArray(live) ? live : [];
  if (lt.kind === 'set') {
    const out = [...base];
    for (const v of patch) if (!out.some((x) => deepEqual(x, v))) out.push(clone(v));
    return out;
  }
  if (lt.kind !== 'map') return clone(patch);
  if (patch.some((p) => isObject(p) && p['$patch'] === 'replace')) {
    return clone(patch.filter((p) => !(isObject(p) && p['$patch'] === 'replace')));
  }
  const out = base.map((x) => x);
  for (const item of patch) {
    if (!isObject(item)) continue;
    const idx = out.findIndex((x) => isObject(x) && sameKey(x, item, lt.keys));
    if (item['$patch'] === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) out[idx] = strategicMerge(out[idx], item, path, types);
    else out.push(strategicMerge(undefined, item, path, types));
  }
  return out;
}

/**
 * Applies a strategic merge patch (the format kubectl's client-side apply and `kubectl patch` send for
 * built-in kinds): maps merge, lists with merge keys merge by key, other lists are replaced, `null` deletes,
 * and the `$patch`, `$retainKeys`, `$deleteFromPrimitiveList` and `$setElementOrder` directives are honoured.
 */
export function strategicMerge(live: Json | undefined, patch: Json, path: string[], types: ListTypeOf): Json {
  if (!isObject(patch)) return clone(patch);
  if (patch['$patch'] === 'replace') {
    const { $patch: _, ...rest } = patch;
    return clone(rest);
  }
  if (patch['$patch'] === 'delete') return {};
  const out: JsonObject = isObject(live) ? { ...live } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const cur = out[field];
      if (Array.isArray(cur) && Array.isArray(v)) out[field] = cur.filter((x) => !v.some((d) => deepEqual(d, x)));
      continue;
    }
    if (k.startsWith('$')) throw new ApiError(400, 'BadRequest', `unknown strategic merge directive ${k}`);
    if (v === null) delete out[k];
    else if (Array.isArray(v)) out[k] = mergeList(out[k], v, [...path, k], types);
    else if (isObject(v)) out[k] = strategicMerge(out[k], v, [...path, k], types);
    else out[k] = v;
  }
  const retain = patch['$retainKeys'];
  if (Array.isArray(retain)) {
    for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  }
  return out;
}
