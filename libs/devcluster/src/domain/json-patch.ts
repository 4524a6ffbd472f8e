import { ApiError } from './errors';
import { clone, deepEqual, isObject, Json, JsonObject } from './json';

function parsePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw new ApiError(422, 'Invalid', `invalid JSON pointer ${p}`);
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Json, tokens: string[]): { parent: Json; key: string } {
  let cur: Json = doc;
  for (const t of tokens.slice(0, -1)) {
    const next: Json | undefined = Array.isArray(cur) ? cur[Number(t)] : isObject(cur) ? cur[t] : undefined;
    if (next === undefined) throw new ApiError(422, 'Invalid', `doc is missing path: /${tokens.join('/')}`);
    cur = next;
  }
  return { parent: cur, key: tokens[tokens.length - 1] ?? '' };
}

function read(doc: Json, tokens: string[]): Json {
  if (!tokens.length) return doc;
  const { parent, key } = parentOf(doc, tokens);
  const v = Array.isArray(parent) ? parent[Number(key)] : isObject(parent) ? parent[key] : undefined;
  if (v === undefined) throw new ApiError(422, 'Invalid', `doc is missing path: /${tokens.join('/')}`);
  return v;
}

function remove(doc: Json, tokens: string[]): Json {
  const { parent, key } = parentOf(doc, tokens);
  const v = read(doc, tokens);
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else if (isObject(parent)) delete parent[key];
  return v;
}

function add(doc: Json, tokens: string[], value: Json): Json {
  if (!tokens.length) return value;
  const { parent, key } = parentOf(doc, tokens);
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : Number(key);
    if (!Number.isInteger(i) || i < 0 || i > parent.length) {
      throw new ApiError(422, 'Invalid', `add operation index out of range: ${key}`);
    }
    parent.splice(i, 0, value);
  } else if (isObject(parent)) parent[key] = value;
  else throw new ApiError(422, 'Invalid', `doc is missing path: /${tokens.join('/')}`);
  return doc;
}

/** Applies an RFC 6902 JSON patch; the input is not modified. */
export function applyJsonPatch(target: JsonObject, ops: unknown): JsonObject {
  if (!Array.isArray(ops)) throw new ApiError(400, 'BadRequest', 'json patch must be an array of operations');
  let doc: Json = clone(target);
  for (const op of ops as JsonObject[]) {
    const path = parsePointer(String(op['path']));
    switch (op['op']) {
      case 'add':
        doc = add(doc, path, clone(op['value'] ?? null));
        break;
      case 'remove':
        remove(doc, path);
        break;
      case 'replace':
        read(doc, path);
        if (!path.length) doc = clone(op['value'] ?? null);
        else {
          remove(doc, path);
          doc = add(doc, path, clone(op['value'] ?? null));
        }
        break;
      case 'move': {
        const v = remove(doc, parsePointer(String(op['from'])));
        doc = add(doc, path, v);
        break;
      }
      case 'copy':
        doc = add(doc, path, clone(read(doc, parsePointer(String(op['from'])))));
        break;
      case 'test':
        if (!deepEqual(read(doc, path), op['value'])) {
          throw new ApiError(422, 'Invalid', `testing value /${path.join('/')} failed`);
        }
        break;
      default:
        throw new ApiError(400, 'BadRequest', `unknown json patch op ${String(op['op'])}`);
    }
  }
  if (!isObject(doc)) throw new ApiError(422, 'Invalid', 'json patch result is not an object');
  return doc;
}

/** Applies an RFC 7386 JSON merge patch; the input is not modified. */
export function applyMergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}
