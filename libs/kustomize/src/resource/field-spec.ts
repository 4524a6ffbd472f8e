import type { Json, JsonObject } from '../yaml/emit';
import { isObject } from './resource';
import type { Resource } from './resource';
import { parseApiVersion } from './res-id';

/** A field location for one kind of object, as in kustomize's transformer configurations. */
export interface FieldSpec {
  group?: string;
  version?: string;
  kind?: string;
  path: string;
  create?: boolean;
}

/** Whether the spec applies to the resource's group/version/kind (empty parts match anything). */
export function specMatches(fs: FieldSpec, r: Resource): boolean {
  if (fs.kind && fs.kind !== r.kind) return false;
  if (fs.group === undefined && fs.version === undefined) return true;
  const gv = parseApiVersion(r.apiVersion);
  if (fs.group && fs.group !== gv.group) return false;
  if (fs.version && fs.version !== gv.version) return false;
  return true;
}

/** Splits a field-spec path on unescaped slashes; `[]` suffixes mean "each element" and are implicit. */
export function splitPath(path: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i] as string;
    if (c === '\\' && path[i + 1] === '/') {
      cur += '/';
      i++;
    } else if (c === '/') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((s) => (s.endsWith('[]') ? s.slice(0, -2) : s)).filter((s) => s !== '');
}

/** Callback given the holder object, the key, and the current value (undefined when being created). */
export type FieldVisitor = (holder: JsonObject, key: string, value: Json | undefined) => void;

/**
 * Visits every value at `path` inside `root`, descending into each element of lists along the way,
 * as kustomize's field-spec walker does. With `create`, missing maps (and the final field) are created.
 */
export function visitPath(root: Json, segments: readonly string[], create: boolean, fn: FieldVisitor): void {
  walk(root, segments, 0, create, fn);
}

function walk(node: Json, segs: readonly string[], i: number, create: boolean, fn: FieldVisitor): void {
  if (Array.isArray(node)) {
    for (const el of node) walk(el, segs, i, create, fn);
    return;
  }
  if (!isObject(node)) return;
  const key = segs[i] as string;
  const last = i === segs.length - 1;
  if (last) {
    if (key in node) fn(node, key, node[key]);
    else if (create) fn(node, key, undefined);
    return;
  }
  let next = node[key];
  if (next === undefined || next === null) {
    if (!create) return;
    next = {};
    node[key] = next;
  }
  walk(next, segs, i + 1, create, fn);
}

/** Like visitPath, but calls `fn` for a missing last field whose parent exists (without creating parents). */
export function visitLeaf(root: Json, segments: readonly string[], fn: FieldVisitor): void {
  const parent = segments.slice(0, -1);
  const last = segments[segments.length - 1] as string;
  const visit = (node: Json): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (isObject(node)) fn(node, last, node[last]);
  };
  if (parent.length === 0) visit(root);
  else walk(root, parent, 0, false, (holder, key, value) => {
    void holder;
    void key;
    if (value !== undefined) visit(value);
  });
}

/** Applies `fn` at every field spec that matches the resource. */
export function visitSpecs(r: Resource, specs: readonly FieldSpec[], fn: FieldVisitor): void {
  for (const fs of specs) {
    if (!specMatches(fs, r)) continue;
    visitPath(r.obj, splitPath(fs.path), fs.create === true, fn);
  }
}
