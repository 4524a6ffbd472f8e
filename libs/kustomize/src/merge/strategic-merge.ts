import type { Json, JsonObject } from '../yaml/emit';
import { deepCopy, isObject } from '../resource/resource';
import { mergeKeyFor } from './merge-keys';
import type { MergeKeyTable } from '../build/crd-config';

/** Marker returned when a patch deletes the whole target (`$patch: delete` at the top). */
export const DELETED = Symbol('deleted');

const DIRECTIVE = '$patch';

function stripDirectives(v: Json): Json {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const k in v) {
    if (k === DIRECTIVE || k.startsWith('$setElementOrder/') || k === '$retainKeys' || k.startsWith('$deleteFromPrimitiveList/'))
      continue;
    const c = v[k] as Json;
    if (c === null) continue;
    out[k] = stripDirectives(c);
  }
  return out;
}

/**
 * Applies a strategic-merge patch to `base` (mutated and returned). Maps merge, `null` removes a field,
 * `$patch: delete|replace` act on maps and list elements, lists merge by the kind's merge key or are
 * replaced when there is none (custom kinds: a JSON merge patch, as kustomize without schema).
 */
export function strategicMerge(
  kind: string,
  base: JsonObject,
  patch: JsonObject,
  custom?: MergeKeyTable,
): JsonObject | typeof DELETED {
  const table = custom?.get(kind);
  const keyFor = (path: string[]): string | undefined => (table ? table.get(path.join('/')) : mergeKeyFor(kind, path));
  const d = patch[DIRECTIVE];
  if (d === 'delete') return DELETED;
  if (d === 'replace') return stripDirectives(patch) as JsonObject;
  return mergeMap(keyFor, base, patch, []);
}

type KeyFor = (path: string[]) => string | undefined;

function mergeMap(kind: KeyFor, base: JsonObject, patch: JsonObject, path: string[]): JsonObject {
  for (const key in patch) {
    if (key === DIRECTIVE || key.startsWith('$')) continue;
    const pv = patch[key] as Json;
    if (pv === null) {
      delete base[key];
      continue;
    }
    const bv = base[key];
    if (isObject(pv)) {
      const dir = pv[DIRECTIVE];
      if (dir === 'delete') {
        delete base[key];
        continue;
      }
      if (dir === 'replace' || !isObject(bv)) {
        base[key] = stripDirectives(pv);
        continue;
      }
      base[key] = mergeMap(kind, bv, pv, [...path, key]);
    } else if (Array.isArray(pv)) {
      base[key] = mergeList(kind, Array.isArray(bv) ? bv : undefined, pv, [...path, key]);
    } else {
      base[key] = pv;
    }
  }
  return base;
}

function mergeList(kind: KeyFor, base: Json[] | undefined, patch: Json[], path: string[]): Json[] {
  if (patch.some((p) => isObject(p) && p[DIRECTIVE] === 'replace')) {
    return patch.filter((p) => !(isObject(p) && p[DIRECTIVE] === 'replace')).map(stripDirectives);
  }
  const key = kind(path);
  if (!key || !base) {
    return patch.filter((p) => !(isObject(p) && p[DIRECTIVE] === 'delete')).map(stripDirectives);
  }
  // kustomize's merge puts the patch's elements first, in patch order, then the untouched base elements.
  const out: Json[] = [];
  const used = new Set<number>();
  for (const item of patch) {
    if (!isObject(item) || !(key in item)) {
      out.push(stripDirectives(item));
      continue;
    }
    const idx = base.findIndex((b, i) => !used.has(i) && isObject(b) && b[key] === item[key]);
    if (idx >= 0) used.add(idx);
    if (item[DIRECTIVE] === 'delete') continue;
    if (idx >= 0) out.push(mergeMap(kind, deepCopy(base[idx] as Json) as JsonObject, item, path));
    else out.push(stripDirectives(item));
  }
  base.forEach((b, i) => {
    if (!used.has(i)) out.push(b);
  });
  return out;
}
