import { StatusCause } from './errors';
import { isObject, Json, JsonObject } from './json';
import { ListType, listTypeAt, ListTypeOf } from './list-types';

/** A structural OpenAPI v3 schema node as found in `spec.versions[].schema.openAPIV3Schema`. */
export type SchemaNode = JsonObject;

const ROOT_KEEP = new Set(['apiVersion', 'kind', 'metadata']);

function child(node: SchemaNode | undefined, name: string): SchemaNode | undefined {
  if (!node) return undefined;
  const props = node['properties'];
  if (isObject(props) && isObject(props[name])) return props[name];
  const ap = node['additionalProperties'];
  return isObject(ap) ? ap : undefined;
}

/** The schema node at a field path (list positions left out, as in the list-type oracle). */
export function schemaAt(root: SchemaNode | undefined, path: readonly string[]): SchemaNode | undefined {
  let cur = root;
  for (const name of path) {
    if (cur?.['type'] === 'array' && isObject(cur['items'])) cur = cur['items'];
    cur = child(cur, name);
    if (!cur) return undefined;
  }
  return cur;
}

/** List types of a custom resource, from `x-kubernetes-list-type` / `x-kubernetes-list-map-keys`. */
export function schemaListTypes(root: SchemaNode | undefined, kind: string): ListTypeOf {
  return (path): ListType => {
    if (path[0] === 'metadata') return listTypeAt(true, kind, path);
    const node = schemaAt(root, path);
    const lt = node?.['x-kubernetes-list-type'];
    const keys = node?.['x-kubernetes-list-map-keys'];
    if (lt === 'map' && Array.isArray(keys)) return { kind: 'map', keys: keys.map(String) };
    if (lt === 'set') return { kind: 'set' };
    return { kind: 'atomic' };
  };
}

function typeOk(type: unknown, v: Json, node: SchemaNode): boolean {
  if (v === null) return node['nullable'] === true;
  if (node['x-kubernetes-int-or-string'] === true) return typeof v === 'string' || Number.isInteger(v);
  switch (type) {
    case 'object':
      return isObject(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    default:
      return true;
  }
}

/** Result of {@link pruneAndValidate}: validation causes and the paths of pruned unknown fields. */
export interface SchemaResult {
  causes: StatusCause[];
  unknown: string[];
}

/**
 * Applies a CRD's structural schema to an object, in place, the way the API server does: defaults missing
 * fields that declare `default`, prunes fields the schema does not declare (unless
 * `x-kubernetes-preserve-unknown-fields`), and reports type, required, enum, bounds and pattern violations.
 */
export function pruneAndValidate(obj: JsonObject, root: SchemaNode): SchemaResult {
  const causes: StatusCause[] = [];
  const unknown: string[] = [];
  const walk = (v: Json, node: SchemaNode, path: string, isRoot = false): void => {
    const type = node['type'];
    if (!typeOk(type, v, node)) {
      causes.push({
        reason: 'FieldValueTypeInvalid',
        message: `Invalid value: "${Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'object' ? 'object' : typeof v}": ${path} in body must be of type ${String(type)}: ${JSON.stringify(v)}`,
        field: path,
      });
      return;
    }
    const en = node['enum'];
    if (Array.isArray(en) && !en.some((e) => JSON.stringify(e) === JSON.stringify(v))) {
      causes.push({
        reason: 'FieldValueNotSupported',
        message: `Unsupported value: ${JSON.stringify(v)}: supported values: ${en.map((e) => JSON.stringify(e)).join(', ')}`,
        field: path,
      });
    }
    if (typeof v === 'number') {
      if (typeof node['minimum'] === 'number' && v < node['minimum']) {
        causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${v}: ${path} in body should be greater than or equal to ${node['minimum']}`, field: path });
      }
      if (typeof node['maximum'] === 'number' && v > node['maximum']) {
        causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${v}: ${path} in body should be less than or equal to ${node['maximum']}`, field: path });
      }
    }
    if (typeof v === 'string') {
      if (typeof node['pattern'] === 'string' && !new RegExp(node['pattern'], 'u').test(v)) {
        causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: "${v}": ${path} in body should match '${node['pattern']}'`, field: path });
      }
      if (typeof node['minLength'] === 'number' && v.length < node['minLength']) {
        causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: "${v}": ${path} in body should be at least ${node['minLength']} chars long`, field: path });
      }
    }
    if (Array.isArray(v)) {
      const items = node['items'];
      if (isObject(items)) v.forEach((x, i) => walk(x, items, `${path}[${i}]`));
      return;
    }
    if (!isObject(v)) return;
    const props = isObject(node['properties']) ? node['properties'] : undefined;
    for (const [k, d] of Object.entries(props ?? {})) {
      if (v[k] === undefined && isObject(d) && d['default'] !== undefined) v[k] = JSON.parse(JSON.stringify(d['default'])) as Json;
    }
    const required = node['required'];
    if (Array.isArray(required)) {
      for (const r of required) {
        if (v[String(r)] === undefined) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `${path ? path + '.' : ''}${String(r)}` });
      }
    }
    const ap = node['additionalProperties'];
    const preserve = node['x-kubernetes-preserve-unknown-fields'] === true || node['x-kubernetes-embedded-resource'] === true;
    for (const k of Object.keys(v)) {
      const p = path ? `${path}.${k}` : k;
      if (isRoot && ROOT_KEEP.has(k)) continue;
      const sub = props && isObject(props[k]) ? props[k] : isObject(ap) ? ap : undefined;
      if (sub) walk(v[k] as Json, sub, p);
      else if (!preserve && ap !== true) {
        unknown.push(p);
        delete v[k];
      }
    }
  };
  walk(obj, root, '', true);
  return { causes, unknown };
}
