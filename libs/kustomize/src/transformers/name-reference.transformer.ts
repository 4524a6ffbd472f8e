import type { Json } from '../yaml/emit';
import { isObject, type Resource } from '../resource/resource';
import { visitSpecs } from '../resource/field-spec';
import type { NameBackReference } from '../resource/builtin-config';
import { effectiveNamespace, isClusterScoped, parseApiVersion, resIdString, type Gvk } from '../resource/res-id';
import { KustomizeError } from '../errors';

function gvkSelected(id: Gvk, want: Partial<Gvk>): boolean {
  if (want.kind && want.kind !== id.kind) return false;
  if (want.group && want.group !== id.group) return false;
  if (want.version && want.version !== id.version) return false;
  return true;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Rewrites name references (ConfigMap volumes, roleRefs, serviceName, …) to follow referred objects that were
 * renamed by prefixes, suffixes or hashes, choosing between candidates as kustomize does: by any former name,
 * then same namespace as the referrer, then same prefixes/suffixes.
 */
export function fixNameReferences(resources: readonly Resource[], refs: readonly NameBackReference[]): void {
  for (const ref of refs) {
    const candidatesByGvk = resources.filter((r) => r.allIds().some((id) => gvkSelected(id, ref.referral)));
    if (candidatesByGvk.length === 0) continue;
    const renamed = candidatesByGvk.some((r) => r.prevIds.length > 0);
    if (!renamed) continue;
    const byName = indexByNames(candidatesByGvk);
    for (const referrer of resources) {
      visitSpecs(referrer, ref.fieldSpecs, (holder, key, value) => {
        if (value === undefined) return;
        if (key === 'subjects' && Array.isArray(value)) {
          for (const s of value) {
            if (isObject(s) && s['kind'] === ref.referral.kind) updateSubject(s, referrer, candidatesByGvk);
          }
          return;
        }
        if (key === 'name' && isObject(holder) && 'kind' in holder && holder !== referrer.obj['metadata']) {
          // roleRef-like references carry the kind they point to
          if (typeof holder['kind'] === 'string' && holder['kind'] !== ref.referral.kind) return;
        }
        if (typeof value === 'string') {
          const target = select(value, referrer, byName);
          if (target) holder[key] = target.name;
        } else if (Array.isArray(value)) {
          holder[key] = value.map((v: Json) => {
            if (typeof v !== 'string') return v;
            const target = select(v, referrer, byName);
            return target ? target.name : v;
          });
        }
      });
    }
  }
}

/**
 * The candidates under each name they have or had, in input order: every reference looks its name up here
 * instead of scanning all candidates (quadratic on large builds).
 */
function indexByNames(candidates: readonly Resource[]): Map<string, Resource[]> {
  const index = new Map<string, Resource[]>();
  for (const r of candidates) {
    const names = new Set([...r.prevIds.map((id) => id.name), r.name]);
    for (const name of names) {
      const list = index.get(name);
      if (list) list.push(r);
      else index.set(name, [r]);
    }
  }
  return index;
}

function select(oldName: string, referrer: Resource, byName: ReadonlyMap<string, readonly Resource[]>): Resource | undefined {
  let c = byName.get(oldName) ?? [];
  if (c.length === 0) return undefined;
  const refId = referrer.id();
  if (!isClusterScoped(refId.kind)) {
    c = c.filter(
      (r) =>
        isClusterScoped(r.kind) ||
        r.kind === 'ServiceAccount' ||
        effectiveNamespace(r.id()) === effectiveNamespace(refId),
    );
  }
  if (c.length === 1) return c[0];
  if (c.length === 0) return undefined;
  const ps = c.filter((r) => sameList(r.prefixes, referrer.prefixes) && sameList(r.suffixes, referrer.suffixes));
  if (ps.length === 1) return ps[0];
  const pool = ps.length > 0 ? ps : c;
  if (pool.every((r) => r.name === (pool[0] as Resource).name)) return pool[0];
  throw new KustomizeError(
    `found multiple possible referrals: ${pool.map((r) => resIdString(r.id())).join(', ')} for ${resIdString(refId)}`,
  );
}

function updateSubject(subject: { [k: string]: Json }, referrer: Resource, all: readonly Resource[]): void {
  const name = subject['name'];
  if (typeof name !== 'string') return;
  const ns = typeof subject['namespace'] === 'string' ? subject['namespace'] : undefined;
  let c = all.filter((r) => r.allIds().some((id) => id.name === name && (ns === undefined || effectiveNamespace(id) === effectiveNamespace({ ...id, namespace: ns }))));
  if (c.length > 1) {
    const ps = c.filter((r) => sameList(r.prefixes, referrer.prefixes) && sameList(r.suffixes, referrer.suffixes));
    if (ps.length > 0) c = ps;
  }
  const target = c[0];
  if (!target) return;
  subject['name'] = target.name;
  if (target.namespace) subject['namespace'] = target.namespace;
  void parseApiVersion;
}
