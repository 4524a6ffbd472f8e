import { ApiError, StatusCause } from './errors';
import {
  describePath,
  fieldSetOf,
  fromFieldsV1,
  isBelow,
  pathElems,
  pathKey,
  removeAt,
  toFieldsV1,
  valueAt,
} from './field-set';
import { clone, deepEqual, isObject, Json, JsonObject } from './json';
import { ListTypeOf } from './list-types';
import { sameKey } from './strategic-merge';

/** One `metadata.managedFields` entry, with its field set parsed. */
export interface ManagedEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  subresource?: string;
  set: Set<string>;
}

/** RFC 3339 to the second, the precision Kubernetes uses for metadata times. */
export function k8sTime(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}

/** Reads `metadata.managedFields` of an object. */
export function readManaged(obj: JsonObject | undefined): ManagedEntry[] {
  const mf = isObject(obj?.['metadata']) ? (obj['metadata'] as JsonObject)['managedFields'] : undefined;
  if (!Array.isArray(mf)) return [];
  return mf.filter(isObject).map((e) => ({
    manager: String(e['manager'] ?? ''),
    operation: e['operation'] === 'Apply' ? 'Apply' : 'Update',
    apiVersion: String(e['apiVersion'] ?? ''),
    time: String(e['time'] ?? ''),
    subresource: typeof e['subresource'] === 'string' ? e['subresource'] : undefined,
    set: fromFieldsV1(e['fieldsV1']),
  }));
}

/** Writes entries back as `metadata.managedFields` (empty entries dropped, like the server does). */
export function writeManaged(obj: JsonObject, entries: ManagedEntry[]): void {
  const meta = (obj['metadata'] ??= {}) as JsonObject;
  const kept = entries.filter((e) => e.set.size > 0);
  if (!kept.length) {
    delete meta['managedFields'];
    return;
  }
  meta['managedFields'] = kept.map((e) => {
    const o: JsonObject = {
      manager: e.manager,
      operation: e.operation,
      apiVersion: e.apiVersion,
      time: e.time,
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(e.set),
    };
    if (e.subresource) o['subresource'] = e.subresource;
    return o;
  });
}

function isLeaf(set: Set<string>, key: string): boolean {
  for (const k of set) if (isBelow(k, key)) return false;
  return true;
}

/** Merges an applied configuration into the live object: keyed lists by key, everything else replaced. */
export function applyMerge(live: Json | undefined, cfg: Json, names: string[], types: ListTypeOf): Json {
  if (isObject(cfg)) {
    const out: JsonObject = isObject(live) ? { ...live } : {};
    for (const [k, v] of Object.entries(cfg)) out[k] = applyMerge(out[k], v, [...names, k], types);
    return out;
  }
  if (Array.isArray(cfg)) {
    const lt = types(names);
    if (lt.kind === 'map' && Array.isArray(live)) {
      const out = [...live];
      for (const item of cfg) {
        if (!isObject(item)) continue;
        const i = out.findIndex((x) => isObject(x) && sameKey(x, item, lt.keys));
        if (i >= 0) out[i] = applyMerge(out[i], item, names, types);
        else out.push(clone(item));
      }
      return out;
    }
    if (lt.kind === 'set' && Array.isArray(live)) {
      const out = [...live];
      for (const v of cfg) if (!out.some((x) => deepEqual(x, v))) out.push(v);
      return out;
    }
  }
  return clone(cfg);
}

/** Input of one server-side apply. */
export interface ApplyRequest {
  live: JsonObject | undefined;
  applied: JsonObject;
  manager: string;
  force: boolean;
  apiVersion: string;
  types: ListTypeOf;
  now: Date;
}

/**
 * Server-side apply: merges the applied configuration, detects conflicts with other managers (409 with one
 * cause per field unless `force`, which takes ownership), removes fields this manager applied before but no
 * longer applies and nobody else owns, and records the manager's new field set as an `Apply` entry.
 */
export function serverSideApply(req: ApplyRequest): JsonObject {
  const { live, applied, manager, force, types } = req;
  const entries = readManaged(live);
  const cfgSet = fieldSetOf(applied, types);
  const isMine = (e: ManagedEntry): boolean => e.manager === manager && e.operation === 'Apply' && !e.subresource;

  const conflicts: { key: string; entry: ManagedEntry }[] = [];
  if (live) {
    for (const e of entries) {
      if (isMine(e)) continue;
      for (const key of cfgSet) {
        if (!e.set.has(key) || !isLeaf(cfgSet, key)) continue;
        const elems = pathElems(key);
        if (!deepEqual(valueAt(live, elems), valueAt(applied, elems))) conflicts.push({ key, entry: e });
      }
    }
  }
  if (conflicts.length && !force) {
    conflicts.sort((a, b) => describePath(a.key).localeCompare(describePath(b.key)));
    const causes: StatusCause[] = conflicts.map((c) => ({
      reason: 'FieldManagerConflict',
      message: `conflict with "${c.entry.manager}"${c.entry.operation === 'Update' ? ` using ${c.entry.apiVersion}` : ''}`,
      field: describePath(c.key),
    }));
    const n = conflicts.length;
    const list = causes.map((c) => `- ${c.message}: ${c.field}`).join('\n');
    throw new ApiError(409, 'Conflict', `Apply failed with ${n} conflict${n > 1 ? 's' : ''}: ${list.replace(/^- /, '')}`, {
      causes,
    });
  }
  for (const c of conflicts) c.entry.set.delete(c.key);

  const merged = applyMerge(live ? clone(live) : {}, applied, [], types) as JsonObject;
  const mine = entries.find(isMine);
  if (mine) {
    const others = entries.filter((e) => e !== mine);
    const dropped = [...mine.set].filter((k) => !cfgSet.has(k));
    const ownedElsewhere = (key: string) => others.some((e) => e.set.has(key) || [...e.set].some((k) => isBelow(k, key)));
    const stillApplied = (key: string) => cfgSet.has(key) || [...cfgSet].some((k) => isBelow(k, key));
    for (const key of dropped) {
      if (ownedElsewhere(key) || [...cfgSet].some((k) => isBelow(k, key))) continue;
      removeAt(merged, pathElems(key));
      // A map left empty by the fields this manager dropped goes too, as structured-merge-diff removes it.
      for (let parent = pathElems(key).slice(0, -1); parent.length > 0 && parent[parent.length - 1]?.startsWith('f:'); parent = parent.slice(0, -1)) {
        const value = valueAt(merged, parent);
        const parentKey = pathKey(parent);
        if (!isObject(value) || Object.keys(value).length > 0 || stillApplied(parentKey) || ownedElsewhere(parentKey)) break;
        removeAt(merged, parent);
      }
    }
  }
  const entry: ManagedEntry = {
    manager,
    operation: 'Apply',
    apiVersion: req.apiVersion,
    time: k8sTime(req.now),
    set: cfgSet,
  };
  const next = mine ? entries.map((e) => (e === mine ? entry : e)) : [...entries, entry];
  writeManaged(merged, next);
  return merged;
}

/**
 * Ownership after a non-apply write (create, update, patch): the writer owns every field it changed, other
 * managers lose those fields, and everybody loses fields that no longer exist.
 */
export function trackUpdate(
  old: JsonObject | undefined,
  next: JsonObject,
  manager: string,
  apiVersion: string,
  types: ListTypeOf,
  now: Date,
  subresource?: string,
): void {
  const entries = readManaged(old);
  const strip = (o: JsonObject | undefined): JsonObject | undefined => {
    if (!o) return o;
    const c = { ...o, metadata: { ...(o['metadata'] as JsonObject) } };
    delete (c.metadata as JsonObject)['managedFields'];
    return c;
  };
  const newSet = fieldSetOf(strip(next) as JsonObject, types);
  const changed = new Set<string>();
  for (const key of newSet) {
    const elems = pathElems(key);
    const before = valueAt(old, elems);
    if (before === undefined) changed.add(key);
    else if (isLeaf(newSet, key) && !deepEqual(before, valueAt(next, elems))) changed.add(key);
  }
  const isMine = (e: ManagedEntry): boolean =>
    e.manager === manager && e.operation === 'Update' && (e.subresource ?? '') === (subresource ?? '');
  for (const e of entries) {
    for (const key of [...e.set]) {
      if (!newSet.has(key) || (!isMine(e) && changed.has(key))) e.set.delete(key);
    }
  }
  let mine = entries.find(isMine);
  if (!mine && changed.size) {
    mine = { manager, operation: 'Update', apiVersion, time: '', subresource, set: new Set() };
    entries.push(mine);
  }
  if (mine && changed.size) {
    for (const k of changed) mine.set.add(k);
    mine.time = k8sTime(now);
    mine.apiVersion = apiVersion;
  }
  writeManaged(next, entries);
}
