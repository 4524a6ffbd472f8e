import { deepEqual, isObject, Json, JsonObject } from './json';
import { ListTypeOf } from './list-types';
import { sameKey } from './strategic-merge';

/*
 * A field set is the set of paths a manager owns, in the element syntax of the `FieldsV1` format:
 * `f:<field>`, `k:<json of the merge-key fields>` for items of keyed lists, `v:<json>` for set members.
 * A path is stored as its elements joined by SEP so sets are plain `Set<string>`s.
 */
const SEP = '\u0001';

/** One path of a field set, as its `FieldsV1` elements. */
export type FieldPath = string[];

/** Joins elements into the set's key. */
export const pathKey = (elems: readonly string[]): string => elems.join(SEP);
/** Splits a set key into elements. */
export const pathElems = (key: string): string[] => (key === '' ? [] : key.split(SEP));
/** True when `key` is strictly below `prefix`. */
export const isBelow = (key: string, prefix: string): boolean => key.startsWith(prefix + SEP);

/** Metadata the server owns: never part of a manager's field set. */
const SERVER_METADATA = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
]);

function sortedKeyJson(item: JsonObject, keys: string[]): string {
  const o: JsonObject = {};
  for (const k of [...keys].sort()) if (item[k] !== undefined) o[k] = item[k] as Json;
  return JSON.stringify(o);
}

/** The `k:` element naming a keyed-list item. */
export function keyElement(item: JsonObject, keys: string[]): string {
  return 'k:' + sortedKeyJson(item, keys);
}

/** Every leaf path of an object (and every keyed-list item), i.e. what a manager setting it would own. */
export function fieldSetOf(obj: JsonObject, types: ListTypeOf): Set<string> {
  const out = new Set<string>();
  const walk = (v: Json, elems: string[], names: string[]): void => {
    if (isObject(v)) {
      const entries = Object.entries(v);
      if (!entries.length) {
        out.add(pathKey(elems));
        return;
      }
      for (const [k, child] of entries) {
        if (names.length === 0 && (k === 'apiVersion' || k === 'kind')) continue;
        if (names.length === 1 && names[0] === 'metadata' && SERVER_METADATA.has(k)) continue;
        walk(child, [...elems, 'f:' + k], [...names, k]);
      }
      return;
    }
    if (Array.isArray(v) && v.length) {
      const lt = types(names);
      if (lt.kind === 'map') {
        for (const item of v) {
          if (!isObject(item)) continue;
          const ie = [...elems, keyElement(item, lt.keys)];
          out.add(pathKey(ie));
          for (const [k, child] of Object.entries(item)) walk(child, [...ie, 'f:' + k], [...names, k]);
        }
        return;
      }
      if (lt.kind === 'set') {
        for (const item of v) out.add(pathKey([...elems, 'v:' + JSON.stringify(item)]));
        return;
      }
    }
    out.add(pathKey(elems));
  };
  walk(obj, [], []);
  return out;
}

function step(cur: Json | undefined, el: string): Json | undefined {
  if (el.startsWith('f:')) return isObject(cur) ? cur[el.slice(2)] : undefined;
  if (!Array.isArray(cur)) return undefined;
  if (el.startsWith('k:')) {
    const key = JSON.parse(el.slice(2)) as JsonObject;
    return cur.find((x) => isObject(x) && sameKey(x, key, Object.keys(key)));
  }
  if (el.startsWith('v:')) {
    const val = JSON.parse(el.slice(2)) as Json;
    return cur.find((x) => deepEqual(x, val));
  }
  return undefined;
}

/** The value at a field-set path, or undefined. */
export function valueAt(obj: Json | undefined, elems: readonly string[]): Json | undefined {
  let cur: Json | undefined = obj;
  for (const el of elems) {
    cur = step(cur, el);
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Removes the value at a field-set path, in place; a missing path is a no-op. */
export function removeAt(obj: JsonObject, elems: readonly string[]): void {
  const parent = valueAt(obj, elems.slice(0, -1));
  const last = elems[elems.length - 1];
  if (last === undefined || parent === undefined) return;
  if (last.startsWith('f:')) {
    if (isObject(parent)) delete parent[last.slice(2)];
    return;
  }
  if (!Array.isArray(parent)) return;
  const target = step(parent, last);
  const i = parent.indexOf(target as Json);
  if (i >= 0) parent.splice(i, 1);
}

interface Node {
  member: boolean;
  children: Map<string, Node>;
}

/** Serialises a field set to the `FieldsV1` JSON tree stored in `managedFields`. */
export function toFieldsV1(set: Set<string>): JsonObject {
  const root: Node = { member: false, children: new Map() };
  for (const key of set) {
    let n = root;
    for (const el of pathElems(key)) {
      let c = n.children.get(el);
      if (!c) {
        c = { member: false, children: new Map() };
        n.children.set(el, c);
      }
      n = c;
    }
    n.member = true;
  }
  const render = (n: Node): JsonObject => {
    const o: JsonObject = {};
    if (n.member && n.children.size) o['.'] = {};
    for (const k of [...n.children.keys()].sort()) o[k] = render(n.children.get(k) as Node);
    return o;
  };
  return render(root);
}

/** Parses a `FieldsV1` tree back into a field set. */
export function fromFieldsV1(tree: Json | undefined): Set<string> {
  const out = new Set<string>();
  const walk = (o: Json | undefined, elems: string[]): void => {
    if (!isObject(o)) return;
    for (const [k, v] of Object.entries(o)) {
      if (k === '.') {
        out.add(pathKey(elems));
        continue;
      }
      const child = [...elems, k];
      if (isObject(v) && Object.keys(v).length === 0) out.add(pathKey(child));
      else walk(v, child);
    }
  };
  walk(tree, []);
  return out;
}

/** Renders a path the way conflict messages do: `.spec.replicas`, `.spec.containers[name="app"].image`. */
export function describePath(key: string): string {
  return pathElems(key)
    .map((el) => {
      if (el.startsWith('f:')) return '.' + el.slice(2);
      if (el.startsWith('k:')) {
        const k = JSON.parse(el.slice(2)) as JsonObject;
        return '[' + Object.entries(k).map(([a, b]) => `${a}=${JSON.stringify(b)}`).join(',') + ']';
      }
      return '[' + el.slice(2) + ']';
    })
    .join('');
}
