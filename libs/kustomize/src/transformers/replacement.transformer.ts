import type { Json } from '../yaml/emit';
import { deepCopy, type Resource } from '../resource/resource';
import { resIdString } from '../resource/res-id';
import { KustomizeError } from '../errors';
import { selectResources, type Selector } from './select';
import { findSlots, getAtPath, splitFieldPath } from './field-path';

interface FieldOptions {
  delimiter?: string;
  index?: number;
  create?: boolean;
  encoding?: string;
}

/** One `replacements:` entry. */
export interface Replacement {
  source?: Selector & { fieldPath?: string; options?: FieldOptions };
  targets?: { select?: Selector; reject?: Selector[]; fieldPaths?: string[]; options?: FieldOptions }[];
}

function sourceValue(resources: readonly Resource[], src: NonNullable<Replacement['source']>): Json {
  const sel: Selector = { ...src };
  const found = selectResources(resources, sel);
  if (found.length === 0) throw new KustomizeError(`nothing selected by ${describe(sel)}`);
  if (found.length > 1)
    throw new KustomizeError(`multiple matches for selector ${describe(sel)}: ${found.map((r) => resIdString(r.id())).join(', ')}`);
  const fp = src.fieldPath ?? 'metadata.name';
  const v = getAtPath((found[0] as Resource).obj, fp);
  if (v === undefined) throw new KustomizeError(`fieldPath \`${fp}\` is missing for replacement source ${resIdString((found[0] as Resource).id())}`);
  const o = src.options;
  if (o?.delimiter && typeof v === 'string') {
    const parts = v.split(o.delimiter);
    const i = o.index ?? 0;
    if (i < 0 || i >= parts.length) throw new KustomizeError(`options.index ${i} is out of bounds for value ${v}`);
    return parts[i] as string;
  }
  return v;
}

function describe(s: Selector): string {
  return `${s.kind ?? ''}.${s.version ?? ''}.${s.group ?? ''}/${s.name ?? ''}.${s.namespace ?? ''}`;
}

/** replacements: copies a value from one object into fields of others. */
export function applyReplacements(resources: Resource[], reps: readonly Replacement[]): void {
  for (const rep of reps) {
    if (!rep.source) throw new KustomizeError('replacements must specify a source');
    const value = sourceValue(resources, rep.source);
    for (const t of rep.targets ?? []) {
      if (!t.select) throw new KustomizeError('target must specify resources to select');
      let selected = selectResources(resources, t.select);
      for (const rj of t.reject ?? []) {
        const rejected = new Set(selectResources(resources, rj));
        selected = selected.filter((r) => !rejected.has(r));
      }
      for (const r of selected) {
        for (const fp of t.fieldPaths ?? ['metadata.name']) {
          const slots = findSlots(r.obj, splitFieldPath(fp), t.options?.create === true);
          if (slots.length === 0 && t.options?.create !== true) {
            throw new KustomizeError(`unable to find field "${fp}" in replacement target ${resIdString(r.id())}`);
          }
          for (const s of slots) {
            const holder = s.parent as Record<string | number, Json>;
            const o = t.options;
            if (o?.delimiter !== undefined && o.delimiter !== '') {
              const cur = holder[s.key];
              const parts = typeof cur === 'string' ? cur.split(o.delimiter) : [];
              const i = o.index ?? 0;
              const sv = typeof value === 'string' ? value : JSON.stringify(value);
              if (i < 0) parts.unshift(sv);
              else if (i >= parts.length) parts.push(sv);
              else parts[i] = sv;
              holder[s.key] = parts.join(o.delimiter);
            } else {
              holder[s.key] = deepCopy(value);
            }
          }
        }
      }
    }
  }
}
