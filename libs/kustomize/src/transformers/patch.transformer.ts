import type { Json, JsonObject } from '../yaml/emit';
import { parseYamlStream } from '../yaml/parse';
import { deepCopy, isObject, Resource } from '../resource/resource';
import { parseApiVersion, resIdString, sameId, type ResId } from '../resource/res-id';
import { DELETED, strategicMerge } from '../merge/strategic-merge';
import { applyJsonPatch, type JsonPatchOp } from '../merge/json-patch';
import { KustomizeError } from '../errors';
import type { Loader } from '../build/loader';
import type { MergeKeyTable } from '../build/crd-config';
import { selectResources, type Selector } from './select';

/** One entry of `patches`, `patchesStrategicMerge` or `patchesJson6902`. */
export interface PatchEntry {
  path?: string;
  patch?: string;
  target?: Selector;
  options?: { allowNameChange?: boolean; allowKindChange?: boolean };
  /** From patchesStrategicMerge: the patch is always a strategic merge patch. */
  legacySmp?: boolean;
  /** From patchesJson6902: the patch is always a JSON patch. */
  json6902?: boolean;
}

function idOf(obj: JsonObject): ResId {
  const { group, version } = parseApiVersion(typeof obj['apiVersion'] === 'string' ? obj['apiVersion'] : '');
  const meta = isObject(obj['metadata']) ? obj['metadata'] : {};
  return {
    group,
    version,
    kind: typeof obj['kind'] === 'string' ? obj['kind'] : '',
    name: typeof meta['name'] === 'string' ? meta['name'] : '',
    namespace: typeof meta['namespace'] === 'string' ? meta['namespace'] : '',
  };
}

/** Applies patches in order; returns the new resource list (a `$patch: delete` removes objects). */
export function applyPatches(
  resources: Resource[],
  entries: readonly PatchEntry[],
  loader: Loader,
  custom?: MergeKeyTable,
): Resource[] {
  let list = resources;
  for (const e of entries) {
    const text = e.patch ?? (e.path !== undefined ? Buffer.from(loader.readFile(e.path)).toString('utf8') : undefined);
    if (text === undefined) throw new KustomizeError('patch entry needs either path or patch');
    const docs = parseYamlStream(text, e.path ?? 'inline patch');
    const isJson = e.json6902 || (!e.legacySmp && docs.length === 1 && Array.isArray(docs[0])) || (docs.length === 0 && e.json6902);
    if (isJson) {
      const ops = (docs[0] ?? []) as unknown as JsonPatchOp[];
      if (!e.target) throw new KustomizeError('must specify a target for JSON patch');
      for (const r of selectResources(list, e.target)) {
        try {
          r.obj = applyJsonPatch(r.obj, ops);
        } catch (err) {
          if (err instanceof KustomizeError) throw new KustomizeError(`${err.message} (resource ${resIdString(r.id())})`);
          throw err;
        }
      }
      continue;
    }
    for (const d of docs) {
      if (!isObject(d)) throw new KustomizeError(`invalid patch in ${e.path ?? 'inline patch'}: not an object`);
      let targets: Resource[];
      if (e.target) {
        targets = selectResources(list, e.target);
      } else {
        const pid = idOf(d);
        targets = list.filter((r) => r.allIds().some((id) => sameId(id, pid)));
        if (targets.length !== 1) {
          throw new KustomizeError(
            `no resource matches strategic merge patch "${resIdString(pid)}": failed to find unique target for patch ${resIdString(pid)}`,
          );
        }
      }
      const deleted = new Set<Resource>();
      for (const r of targets) {
        const p = deepCopy(d) as JsonObject;
        {
          // The patch addresses the object by any of its names; it must not undo renames.
          const meta = isObject(p['metadata']) ? p['metadata'] : undefined;
          if (meta) {
            if (!e.options?.allowNameChange || meta['name'] === undefined) meta['name'] = r.name;
            if (r.namespace) meta['namespace'] = r.namespace;
            else delete meta['namespace'];
          }
          if (e.target && !e.options?.allowKindChange) {
            p['kind'] = r.kind;
            p['apiVersion'] = r.apiVersion;
          }
        }
        const merged = strategicMerge(r.kind, r.obj, p, custom);
        if (merged === DELETED) deleted.add(r);
        else r.obj = merged;
      }
      if (deleted.size) list = list.filter((r) => !deleted.has(r));
    }
  }
  return list;
}

/** Keeps the Json type referenced for callers building inline patches. */
export type PatchDocument = Json;
export { Resource };
