import type { Json, JsonObject } from '../yaml/emit';
import { deepCopy, isObject } from '../resource/resource';
import { KustomizeError } from '../errors';

/** One RFC 6902 operation. */
export interface JsonPatchOp {
  op: string;
  path: string;
  value?: Json;
  from?: string;
}

function parsePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw new KustomizeError(`invalid JSON pointer '${p}'`);
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function container(doc: Json, segs: string[], opName: string, path: string): Json {
  let cur: Json = doc;
  for (const s of segs) {
    if (Array.isArray(cur)) {
      const i = Number(s);
      if (!/^\d+$/.test(s) || i >= cur.length)
        throw new KustomizeError(`error in ${opName} for path: '${path}': unable to find ${s}`);
      cur = cur[i] as Json;
    } else if (isObject(cur)) {
      if (!(s in cur)) throw new KustomizeError(`error in ${opName} for path: '${path}': doc is missing path: "${path}": missing value`);
      cur = cur[s] as Json;
    } else throw new KustomizeError(`error in ${opName} for path: '${path}': doc is missing path: "${path}": missing value`);
  }
  return cur;
}

function get(doc: Json, path: string, opName: string): Json {
  const segs = parsePointer(path);
  return container(doc, segs, opName, path);
}

function add(doc: Json, path: string, value: Json, opName: string, replace: boolean): Json {
  const segs = parsePointer(path);
  if (segs.length === 0) return value;
  const last = segs.pop() as string;
  const parent = container(doc, segs, opName, path);
  if (Array.isArray(parent)) {
    if (last === '-') {
      if (replace) throw new KustomizeError(`error in ${opName} for path: '${path}': invalid index`);
      parent.push(value);
    } else {
      const i = Number(last);
      if (!/^\d+$/.test(last) || i > parent.length || (replace && i >= parent.length))
        throw new KustomizeError(`error in ${opName} for path: '${path}': Unable to access invalid index: ${last}: invalid index referenced`);
      if (replace) parent[i] = value;
      else parent.splice(i, 0, value);
    }
  } else if (isObject(parent)) {
    // kustomize's JSON patch library lets "replace" create a missing object key.
    parent[last] = value;
  } else throw new KustomizeError(`error in ${opName} for path: '${path}': parent is not a container`);
  return doc;
}

function remove(doc: Json, path: string, opName: string): Json {
  const segs = parsePointer(path);
  const last = segs.pop() as string;
  const parent = container(doc, segs, opName, path);
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!/^\d+$/.test(last) || i >= parent.length)
      throw new KustomizeError(`error in ${opName} for path: '${path}': Unable to remove invalid index: ${last}: invalid index referenced`);
    return parent.splice(i, 1)[0] as Json;
  }
  if (isObject(parent)) {
    if (!(last in parent))
      throw new KustomizeError(`error in ${opName} for path: '${path}': Unable to remove nonexistent key: ${last}: missing value`);
    const v = parent[last] as Json;
    delete parent[last];
    return v;
  }
  throw new KustomizeError(`error in ${opName} for path: '${path}': parent is not a container`);
}

function equal(a: Json, b: Json): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Applies RFC 6902 operations in order to a copy of `doc`. */
export function applyJsonPatch(doc: JsonObject, ops: readonly JsonPatchOp[]): JsonObject {
  let out: Json = deepCopy(doc);
  for (const op of ops) {
    switch (op.op) {
      case 'add':
        out = add(out, op.path, deepCopy(op.value ?? null), 'add', false);
        break;
      case 'replace':
        out = add(out, op.path, deepCopy(op.value ?? null), 'replace', true);
        break;
      case 'remove':
        remove(out, op.path, 'remove');
        break;
      case 'move': {
        const v = remove(out, op.from ?? '', 'move');
        out = add(out, op.path, v, 'move', false);
        break;
      }
      case 'copy':
        out = add(out, op.path, deepCopy(get(out, op.from ?? '', 'copy')), 'copy', false);
        break;
      case 'test':
        if (!equal(get(out, op.path, 'test'), op.value ?? null))
          throw new KustomizeError(`testing value ${op.path} failed: test failed`);
        break;
      default:
        throw new KustomizeError(`Unexpected kind: ${op.op}`);
    }
  }
  if (!isObject(out)) throw new KustomizeError('json patch replaced the whole document with a non-object');
  return out;
}
