import type { Json } from '../yaml/emit';
import type { Resource } from '../resource/resource';
import { effectiveNamespace, parseApiVersion } from '../resource/res-id';
import { KustomizeError } from '../errors';

/** A patch/replacement target selector; string fields are anchored regular expressions. */
export interface Selector {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

function anchored(re: string | undefined): RegExp | undefined {
  if (re === undefined || re === '') return undefined;
  return new RegExp(`^(?:${re})$`);
}

type Req = { key: string; op: 'in' | 'notin' | 'exists' | '!exists' | '=' | '!='; values: string[] };

/** Parses a Kubernetes label selector string ("a=b,c!=d,e in (x,y),!f"). */
export function parseLabelSelector(sel: string): Req[] {
  const reqs: Req[] = [];
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of sel) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) parts.push(cur);
  for (const raw of parts) {
    const p = raw.trim();
    let m: RegExpMatchArray | null;
    if ((m = p.match(/^(\S+)\s+(in|notin)\s+\((.*)\)$/))) {
      reqs.push({ key: m[1] as string, op: m[2] as 'in' | 'notin', values: (m[3] as string).split(',').map((s) => s.trim()) });
    } else if ((m = p.match(/^(\S+?)\s*(!=|==|=)\s*(\S*)$/))) {
      reqs.push({ key: m[1] as string, op: m[2] === '!=' ? '!=' : '=', values: [m[3] as string] });
    } else if (p.startsWith('!')) {
      reqs.push({ key: p.slice(1).trim(), op: '!exists', values: [] });
    } else if (/^\S+$/.test(p)) {
      reqs.push({ key: p, op: 'exists', values: [] });
    } else throw new KustomizeError(`unable to parse requirement: ${p}`);
  }
  return reqs;
}

/** Whether a label map satisfies a selector string. */
export function matchesSelector(sel: string | undefined, labels: { [k: string]: Json }): boolean {
  if (!sel) return true;
  for (const r of parseLabelSelector(sel)) {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    const v = has ? String(labels[r.key]) : undefined;
    switch (r.op) {
      case 'exists':
        if (!has) return false;
        break;
      case '!exists':
        if (has) return false;
        break;
      case '=':
      case 'in':
        if (!has || !r.values.includes(v as string)) return false;
        break;
      case '!=':
      case 'notin':
        if (has && r.values.includes(v as string)) return false;
        break;
    }
  }
  return true;
}

/** kustomize's ResMap.Select: matches original or current name/namespace, the GVK, and label/annotation selectors. */
export function selectResources(all: readonly Resource[], s: Selector): Resource[] {
  const nameRe = anchored(s.name);
  const nsRe = anchored(s.namespace);
  const kindRe = anchored(s.kind);
  const groupRe = anchored(s.group);
  const versionRe = anchored(s.version);
  return all.filter((r) => {
    const cur = r.id();
    const org = r.orgId();
    if (nsRe && !nsRe.test(effectiveNamespace(org)) && !nsRe.test(effectiveNamespace(cur))) return false;
    if (nameRe && !nameRe.test(org.name) && !nameRe.test(cur.name)) return false;
    const gv = parseApiVersion(r.apiVersion);
    if (kindRe && !kindRe.test(r.kind)) return false;
    if (groupRe && !groupRe.test(gv.group)) return false;
    if (versionRe && !versionRe.test(gv.version)) return false;
    if (!matchesSelector(s.labelSelector, r.labels())) return false;
    if (!matchesSelector(s.annotationSelector, r.annotations())) return false;
    return true;
  });
}
