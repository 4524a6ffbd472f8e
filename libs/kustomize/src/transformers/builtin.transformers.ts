import type { Json, JsonObject } from '../yaml/emit';
import { isObject, type Resource } from '../resource/resource';
import { specMatches, splitPath, visitLeaf, visitSpecs, type FieldSpec } from '../resource/field-spec';
import { gvkString, isClusterScoped, resIdString } from '../resource/res-id';
import { KustomizeError } from '../errors';

/** Sets `namespace` on namespaced objects (and the service references that carry one); renames Namespace objects. */
export function applyNamespace(resources: Resource[], ns: string, specs: readonly FieldSpec[]): void {
  for (const r of resources) {
    const clusterScoped = isClusterScoped(r.kind);
    const before = r.id();
    let changed = false;
    if (r.kind === 'Namespace') {
      if (r.name !== ns) {
        r.rememberId();
        r.name = ns;
      }
    }
    for (const fs of specs) {
      if (fs.path === 'metadata/namespace') {
        if (clusterScoped) continue;
        if (fs.kind && fs.kind !== r.kind) continue;
        if (r.namespace !== ns) {
          if (!changed) r.rememberId();
          changed = true;
          r.namespace = ns;
        }
        continue;
      }
      // kustomize sets these fields even when absent, as long as the enclosing object exists.
      if (specMatches(fs, r)) {
        visitLeaf(r.obj, splitPath(fs.path), (holder, key) => {
          holder[key] = ns;
        });
      }
    }
    if (r.kind === 'RoleBinding' || r.kind === 'ClusterRoleBinding') {
      const subjects = r.obj['subjects'];
      if (Array.isArray(subjects)) {
        for (const s of subjects) {
          if (isObject(s) && s['name'] === 'default') s['namespace'] = ns;
        }
      }
    }
    void before;
  }
  const seen = new Map<string, Resource>();
  for (const r of resources) {
    const key = resIdString(r.id());
    const other = seen.get(key);
    if (other) {
      throw new KustomizeError(
        `namespace transformation produces ID conflict: [${conflictJson(other)} ${conflictJson(r)}]`,
      );
    }
    seen.set(key, r);
  }
}

function conflictJson(r: Resource): string {
  const prev = r.prevIds[r.prevIds.length - 1] ?? r.id();
  const obj = JSON.parse(JSON.stringify(r.obj)) as JsonObject;
  const meta = (isObject(obj['metadata']) ? obj['metadata'] : {}) as JsonObject;
  meta['annotations'] = {
    ...(isObject(meta['annotations']) ? meta['annotations'] : {}),
    'internal.config.kubernetes.io/previousKinds': prev.kind,
    'internal.config.kubernetes.io/previousNames': prev.name,
    'internal.config.kubernetes.io/previousNamespaces': isClusterScoped(prev.kind) ? '_non_namespaceable_' : prev.namespace || 'default',
  };
  return JSON.stringify(sortDeep(obj));
}

function sortDeep(v: Json): Json {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const k of Object.keys(v).sort()) out[k] = sortDeep(v[k] as Json);
  return out;
}

const NO_PREFIX_KINDS = new Set(['CustomResourceDefinition', 'APIService', 'Namespace']);

/** namePrefix/nameSuffix: renames objects, remembering the old id so references can follow. */
export function applyPrefixSuffix(resources: Resource[], prefix: string, suffix: string, specs: readonly FieldSpec[]): void {
  if (!prefix && !suffix) return;
  for (const r of resources) {
    if (NO_PREFIX_KINDS.has(r.kind)) continue;
    let renamed = false;
    visitSpecs(r, specs, (holder, key, value) => {
      if (typeof value !== 'string') return;
      if (holder === r.obj['metadata'] && key === 'name') {
        r.rememberId();
        renamed = true;
      }
      holder[key] = prefix + value + suffix;
    });
    if (renamed) {
      if (prefix) r.prefixes.push(prefix);
      if (suffix) r.suffixes.push(suffix);
    }
  }
}

/** Adds labels/annotations at the given field specs (creating maps where the spec says so). */
export function applyMapEntries(resources: Resource[], entries: Record<string, string>, specs: readonly FieldSpec[]): void {
  if (Object.keys(entries).length === 0) return;
  for (const r of resources) {
    visitSpecs(r, specs, (holder, key, value) => {
      let m = value;
      if (!isObject(m ?? null)) {
        if (value !== undefined && value !== null) return;
        m = {};
        holder[key] = m;
      }
      for (const [k, v] of Object.entries(entries)) (m as JsonObject)[k] = v;
    });
  }
}

/** One `images:` entry. */
export interface ImageOverride {
  name?: string;
  newName?: string;
  newTag?: string;
  digest?: string;
  tagSuffix?: string;
}

function splitImage(image: string): { name: string; tag: string; digest: string } {
  let rest = image;
  let digest = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag = '';
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { name: rest, tag, digest };
}

/** images: rewrites container images whose name matches, as kustomize's ImageTagTransformer. */
export function applyImages(resources: Resource[], images: readonly ImageOverride[], specs: readonly FieldSpec[]): void {
  if (images.length === 0) return;
  for (const r of resources) {
    visitSpecs(r, specs, (_holder, _key, containers) => {
      if (!Array.isArray(containers)) return;
      for (const c of containers) {
        if (!isObject(c) || typeof c['image'] !== 'string') continue;
        const parts = splitImage(c['image']);
        for (const img of images) {
          if (img.name !== parts.name) continue;
          let name = img.newName ?? parts.name;
          let tag = parts.tag ? `:${parts.tag}` : '';
          let digest = parts.digest ? `@${parts.digest}` : '';
          if (img.newTag !== undefined) {
            tag = `:${img.newTag}`;
            digest = '';
          }
          if (img.digest !== undefined) {
            digest = `@${img.digest}`;
            if (img.newTag === undefined) tag = '';
          }
          if (img.tagSuffix) tag = (tag || ':latest') + img.tagSuffix;
          name = name + tag + digest;
          c['image'] = name;
          break;
        }
      }
    });
  }
}

/** One `replicas:` entry. */
export interface ReplicaOverride {
  name: string;
  count: number;
}

/** replicas: sets the replica count of every object (of a kind with a replicas spec) with that name. */
export function applyReplicas(resources: Resource[], replicas: readonly ReplicaOverride[], specs: readonly FieldSpec[]): void {
  for (const rep of replicas) {
    let found = false;
    for (const r of resources) {
      if (!r.allIds().some((id) => id.name === rep.name)) continue;
      const matching = specs.filter((s) => !s.kind || s.kind === r.kind);
      if (matching.length === 0) continue;
      found = true;
      visitSpecs(r, matching, (holder, key) => {
        holder[key] = rep.count;
      });
    }
    if (!found) {
      const gvks = specs.map((s) => gvkString({ group: s.group ?? '', version: s.version ?? '', kind: s.kind ?? '' }));
      throw new KustomizeError(
        `resource with name ${rep.name} does not match a config with the following GVK [${gvks.join(' ')}]`,
      );
    }
  }
}
