import { isDeepStrictEqual } from 'node:util';
import { variadic } from '../arity';
import { intArg, mapArg, stringArg } from '../go-args';
import { GoMap, isStringer, kindOf, mapDelete, mapEntries, mapGet, mapHas, mapSet, newMap } from '../values';
import { isEmpty, strval, toInt64 } from './cast';

/** reflect.Kind names as Sprig's messages print them. */
export function reflectKind(v: unknown): string {
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil':
      return 'invalid';
    case 'int':
      return 'int';
    case 'float64':
      return 'float64';
    case 'bytes':
      return 'slice';
    case 'struct':
      return isStringer(v) ? 'struct' : 'ptr';
    default:
      return kindOf(v);
  }
}

/** A list argument; anything else fails with Sprig's message (`Cannot push on type string`). */
function list(v: unknown, what: string, suffix = ''): unknown[] {
  if (v === null || v === undefined) throw new Error('runtime error: invalid memory address or nil pointer dereference');
  if (Array.isArray(v)) return v;
  if (v instanceof Uint8Array) return [...v].map(BigInt);
  throw new Error(`${what} ${reflectKind(v)}${suffix}`);
}

/** Go's reflect.DeepEqual over engine values (ints and floats are different types, as in Go). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'bigint' || typeof b === 'bigint') return a === b;
  if (kindOf(a) === 'map' && kindOf(b) === 'map') {
    const ea = mapEntries(a as GoMap);
    const mb = b as GoMap;
    return ea.length === mapEntries(mb).length && ea.every(([k, v]) => mapHas(mb, k) && deepEqual(v, mapGet(mb, k)));
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  return isDeepStrictEqual(a, b);
}

function inList(haystack: unknown[], needle: unknown): boolean {
  return haystack.some((h) => deepEqual(h, needle));
}

function uniq(l: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const x of l) if (!inList(out, x)) out.push(x);
  return out;
}

function sliceList(l: unknown[], indices: unknown[]): unknown {
  if (l.length === 0) return null;
  const start = indices.length > 0 ? Number(toInt64(indices[0])) : 0;
  const end = indices.length > 1 ? Number(toInt64(indices[1])) : l.length;
  if (start < 0 || end > l.length || start > end) {
    throw new Error(`reflect: slice index out of range`);
  }
  return l.slice(start, end);
}

function chunk(size: number, l: unknown[]): unknown[][] {
  if (size <= 0) throw new Error('runtime error: integer divide by zero');
  const out: unknown[][] = [];
  for (let i = 0; i < l.length; i += size) out.push(l.slice(i, i + size));
  return out;
}

/** Sprig's deepCopy (copystructure): maps and lists copied recursively; scalars shared. */
export function deepCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(deepCopy);
  if (v instanceof Uint8Array) return new Uint8Array(v);
  if (kindOf(v) === 'map') {
    const out = newMap();
    for (const [k, x] of mapEntries(v as GoMap)) mapSet(out, k, deepCopy(x));
    return out;
  }
  return v;
}

/** mergo.Merge on map[string]interface{} as Sprig's merge (dst wins unless empty) and mergeOverwrite use it. */
function mergeInto(dst: GoMap, src: GoMap, overwrite: boolean): void {
  for (const [key, s] of mapEntries(src)) {
    const has = mapHas(dst, key);
    const d = mapGet(dst, key);
    if (s === null || s === undefined) {
      if (overwrite) mapSet(dst, key, null);
      continue;
    }
    if (kindOf(s) === 'map' && has && kindOf(d) === 'map') {
      mergeInto(d as GoMap, s as GoMap, overwrite);
      continue;
    }
    if (overwrite || !has || isEmpty(d)) mapSet(dst, key, s);
  }
}

function dig(...ps: unknown[]): unknown {
  if (ps.length < 3) throw new Error('dig needs at least three arguments');
  let dict = mapArg(ps[ps.length - 1]);
  const def = ps[ps.length - 2];
  const keys = ps.slice(0, -2).map((k) => {
    if (typeof k !== 'string') throw new Error(`interface conversion: interface {} is ${reflectKind(k)}, not string`);
    return k;
  });
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] ?? '';
    if (!mapHas(dict, k)) return def;
    const step = mapGet(dict, k);
    if (i === keys.length - 1) return step;
    if (kindOf(step) !== 'map') {
      throw new Error(`interface conversion: interface {} is ${reflectKind(step)}, not map[string]interface {}`);
    }
    dict = step as GoMap;
  }
  return def;
}

function mapsArgs(args: unknown[]): GoMap[] {
  return args.map((a) => mapArg(a));
}

/** Sprig's list and dict functions. */
export const collectionFunctions = {
  list: variadic(0, (...v: unknown[]) => v),
  tuple: variadic(0, (...v: unknown[]) => v),
  push: (l: unknown, v: unknown) => [...list(l, 'Cannot push on type'), v],
  append: (l: unknown, v: unknown) => [...list(l, 'Cannot push on type'), v],
  prepend: (l: unknown, v: unknown) => [v, ...list(l, 'Cannot prepend on type')],
  first: (l: unknown) => {
    const a = list(l, 'Cannot find first on type');
    return a.length === 0 ? null : a[0];
  },
  rest: (l: unknown) => list(l, 'Cannot find rest on type').slice(1),
  last: (l: unknown) => {
    const a = list(l, 'Cannot find last on type');
    return a.length === 0 ? null : a[a.length - 1];
  },
  initial: (l: unknown) => list(l, 'Cannot find initial on type').slice(0, -1),
  reverse: (l: unknown) => [...list(l, 'Cannot find reverse on type')].reverse(),
  uniq: (l: unknown) => uniq(list(l, 'Cannot find uniq on type')),
  without: variadic(1, (l: unknown, ...omit: unknown[]) => list(l, 'Cannot find without on type').filter((x) => !inList(omit, x))),
  has: (needle: unknown, haystack: unknown) => {
    if (haystack === null || haystack === undefined) return false;
    return inList(list(haystack, 'Cannot find has on type'), needle);
  },
  slice: variadic(1, (l: unknown, ...indices: unknown[]) => sliceList(list(l, 'list should be type of slice or array but'), indices)),
  concat: variadic(0, (...lists: unknown[]) => lists.flatMap((l) => list(l, 'Cannot concat type', ' as list'))),
  chunk: (size: unknown, l: unknown) => chunk(intArg(size), list(l, 'Cannot chunk type')),
  compact: (l: unknown) => list(l, 'Cannot compact on type').filter((x) => !isEmpty(x)),
  dict: variadic(0, (...v: unknown[]) => {
    const d = newMap();
    for (let i = 0; i < v.length; i += 2) mapSet(d, strval(v[i]), i + 1 < v.length ? v[i + 1] : '');
    return d;
  }),
  get: (d: unknown, key: unknown) => {
    const m = mapArg(d);
    const k = stringArg(key);
    return mapHas(m, k) ? mapGet(m, k) : '';
  },
  set: (d: unknown, key: unknown, value: unknown) => {
    const m = mapArg(d, true);
    mapSet(m, stringArg(key), value);
    return m;
  },
  unset: (d: unknown, key: unknown) => {
    const m = mapArg(d);
    mapDelete(m, stringArg(key));
    return m;
  },
  hasKey: (d: unknown, key: unknown) => mapHas(mapArg(d), stringArg(key)),
  pluck: variadic(1, (key: unknown, ...dicts: unknown[]) => {
    const k = stringArg(key);
    return mapsArgs(dicts)
      .filter((m) => mapHas(m, k))
      .map((m) => mapGet(m, k));
  }),
  keys: variadic(0, (...dicts: unknown[]) => mapsArgs(dicts).flatMap((m) => mapEntries(m).map(([k]) => k))),
  values: (d: unknown) => mapEntries(mapArg(d)).map(([, v]) => v),
  pick: variadic(1, (d: unknown, ...keys: unknown[]) => {
    const m = mapArg(d);
    const out = newMap();
    for (const k of keys.map(stringArg)) if (mapHas(m, k)) mapSet(out, k, mapGet(m, k));
    return out;
  }),
  omit: variadic(1, (d: unknown, ...keys: unknown[]) => {
    const m = mapArg(d);
    const drop = new Set(keys.map(stringArg));
    const out = newMap();
    for (const [k, v] of mapEntries(m)) if (!drop.has(k)) mapSet(out, k, v);
    return out;
  }),
  merge: variadic(1, (dst: unknown, ...srcs: unknown[]) => {
    const d = mapArg(dst, true);
    for (const s of mapsArgs(srcs)) mergeInto(d, s, false);
    return d;
  }),
  mergeOverwrite: variadic(1, (dst: unknown, ...srcs: unknown[]) => {
    const d = mapArg(dst, true);
    for (const s of mapsArgs(srcs)) mergeInto(d, s, true);
    return d;
  }),
  dig: variadic(3, dig),
  deepCopy: (v: unknown) => {
    if (v === null || v === undefined) throw new Error('reflect: call of reflect.Value.Type on zero Value');
    return deepCopy(v);
  },
};
