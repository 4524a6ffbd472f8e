import type { Json } from '../yaml/emit';
import type { Resource } from '../resource/resource';
import { visitSpecs, type FieldSpec } from '../resource/field-spec';
import { parseApiVersion, resIdString } from '../resource/res-id';
import { KustomizeError } from '../errors';
import { getAtPath } from './field-path';

/** A deprecated `vars:` declaration. */
export interface VarDecl {
  name: string;
  objref: { kind?: string; name?: string; apiVersion?: string; namespace?: string };
  fieldref?: { fieldpath?: string; fieldPath?: string };
}

/** vars: substitutes `$(NAME)` in the var-reference fields with values read from the referenced objects. */
export function resolveVars(resources: readonly Resource[], vars: readonly VarDecl[], specs: readonly FieldSpec[]): void {
  if (vars.length === 0) return;
  const values = new Map<string, Json>();
  for (const v of vars) {
    const ref = v.objref;
    const matches = resources.filter((r) => {
      if (ref.kind && r.kind !== ref.kind) return false;
      if (ref.apiVersion) {
        const want = parseApiVersion(ref.apiVersion);
        const have = parseApiVersion(r.apiVersion);
        if (want.group !== have.group || (want.version && want.version !== have.version)) return false;
      }
      if (ref.name && !r.allIds().some((id) => id.name === ref.name)) return false;
      if (ref.namespace && !r.allIds().some((id) => id.namespace === ref.namespace)) return false;
      return true;
    });
    if (matches.length === 0) throw new KustomizeError(`var '${v.name}' cannot be mapped to a field in the set of known resources`);
    if (matches.length > 1) throw new KustomizeError(`found ${matches.length} resId matches for var ${v.name} (unable to disambiguate): ${matches.map((r) => resIdString(r.id())).join(', ')}`);
    const fp = v.fieldref?.fieldpath ?? v.fieldref?.fieldPath ?? 'metadata.name';
    const val = getAtPath((matches[0] as Resource).obj, fp);
    if (val === undefined) throw new KustomizeError(`field specified in var '${v.name}' not found in corresponding resource`);
    values.set(v.name, val);
  }
  const re = /\$\(([A-Za-z0-9_.-]+)\)/g;
  const subst = (s: string): Json => {
    const whole = s.match(/^\$\(([A-Za-z0-9_.-]+)\)$/);
    if (whole && values.has(whole[1] as string)) {
      const v = values.get(whole[1] as string) as Json;
      return typeof v === 'string' ? v : v;
    }
    return s.replace(re, (m, name: string) => {
      if (!values.has(name)) return m;
      const v = values.get(name) as Json;
      return typeof v === 'string' ? v : JSON.stringify(v);
    });
  };
  const walk = (v: Json): Json => {
    if (typeof v === 'string') return subst(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      for (const k of Object.keys(v)) v[k] = walk(v[k] as Json);
      return v;
    }
    return v;
  };
  for (const r of resources) {
    visitSpecs(r, specs, (holder, key, value) => {
      if (value === undefined) return;
      holder[key] = walk(value);
    });
  }
}
