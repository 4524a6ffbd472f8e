import { badRequest } from './errors';
import { getPath, isObject, JsonObject } from './json';

type Requirement =
  | { op: 'exists' | 'notexists'; key: string }
  | { op: 'in' | 'notin'; key: string; values: string[] };

/** A parsed label selector (`app=web,tier in (a,b),!legacy`). */
export type LabelSelector = Requirement[];

function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur);
  return out.map((x) => x.trim()).filter(Boolean);
}

/** Parses the `labelSelector` query parameter syntax. */
export function parseLabelSelector(s: string | undefined | null): LabelSelector {
  if (!s) return [];
  return splitTop(s).map((part): Requirement => {
    let m = /^(\S+)\s+(in|notin)\s+\((.*)\)$/.exec(part);
    if (m) return { op: m[2] as 'in' | 'notin', key: m[1] as string, values: (m[3] as string).split(',').map((v) => v.trim()) };
    m = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
    if (m) return { op: m[2] === '!=' ? 'notin' : 'in', key: m[1] as string, values: [m[3] as string] };
    if (part.startsWith('!')) return { op: 'notexists', key: part.slice(1).trim() };
    if (/^[A-Za-z0-9._/-]+$/.test(part)) return { op: 'exists', key: part };
    throw badRequest(`unable to parse requirement: ${part}`);
  });
}

/** Converts a `matchLabels`/`matchExpressions` selector object into requirements. */
export function selectorFromObject(sel: unknown): LabelSelector {
  if (!isObject(sel)) return [];
  const reqs: LabelSelector = [];
  const ml = sel['matchLabels'];
  if (isObject(ml)) for (const [k, v] of Object.entries(ml)) reqs.push({ op: 'in', key: k, values: [String(v)] });
  const me = sel['matchExpressions'];
  if (Array.isArray(me)) {
    for (const e of me.filter(isObject)) {
      const key = String(e['key']);
      const values = Array.isArray(e['values']) ? e['values'].map(String) : [];
      const op = String(e['operator']);
      if (op === 'In') reqs.push({ op: 'in', key, values });
      else if (op === 'NotIn') reqs.push({ op: 'notin', key, values });
      else if (op === 'Exists') reqs.push({ op: 'exists', key });
      else if (op === 'DoesNotExist') reqs.push({ op: 'notexists', key });
    }
  }
  return reqs;
}

/** True when the labels satisfy every requirement. */
export function matchesLabels(sel: LabelSelector, labels: Record<string, unknown> | undefined): boolean {
  const l = labels ?? {};
  return sel.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case 'notexists':
        return !has;
      case 'in':
        return has && r.values.includes(String(l[r.key]));
      case 'notin':
        return !has || !r.values.includes(String(l[r.key]));
    }
  });
}

/** A parsed field selector: equality terms over dotted paths (`metadata.name=web,status.phase!=Running`). */
export type FieldSelector = { path: string[]; value: string; negate: boolean }[];

/** Parses the `fieldSelector` query parameter syntax. */
export function parseFieldSelector(s: string | undefined | null): FieldSelector {
  if (!s) return [];
  return s.split(',').filter(Boolean).map((part) => {
    const m = /^([^!=]+)(==|=|!=)(.*)$/.exec(part.trim());
    if (!m) throw badRequest(`invalid field selector: ${part}`);
    return { path: (m[1] as string).split('.'), value: m[3] as string, negate: m[2] === '!=' };
  });
}

/** True when the object satisfies every field term (a missing field compares as the empty string). */
export function matchesFields(sel: FieldSelector, obj: JsonObject): boolean {
  return sel.every((t) => {
    const v = getPath(obj, t.path);
    const s = v === undefined || v === null ? '' : String(v);
    return (s === t.value) !== t.negate;
  });
}
