import type { Json, JsonObject } from '../yaml/emit';
import { isObject } from '../resource/resource';
import { KustomizeError } from '../errors';

/** Splits a replacement/var field path ("spec.containers.[name=app].image", "a.b\\.c", "metadata.labels.[x.y]"). */
export function splitFieldPath(p: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  for (let i = 0; i < p.length; i++) {
    const c = p[i] as string;
    if (c === '\\' && i + 1 < p.length) {
      cur += p[i + 1];
      i++;
    } else if (c === '[') {
      depth++;
      cur += c;
    } else if (c === ']') {
      depth--;
      cur += c;
    } else if (c === '.' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  const segs: string[] = [];
  for (const s of out) {
    // "ports[0]" and "containers[name=app]" address a list element right after the field
    const m = s.match(/^([^[]+)(\[.*\])$/);
    if (m) segs.push(m[1] as string, m[2] as string);
    else segs.push(s);
  }
  return segs
    .filter((s) => s !== '')
    .map((s) => (s.startsWith('[') && !s.includes('=') ? s.slice(1, -1) : s));
}

/** A place a value lives: its parent container and key/index. */
export interface Slot {
  parent: JsonObject | Json[];
  key: string | number;
}

/** Finds (optionally creating) every slot a field path designates. */
export function findSlots(root: JsonObject, segs: readonly string[], create: boolean): Slot[] {
  const out: Slot[] = [];
  const walk = (node: Json, i: number, parent: JsonObject | Json[] | undefined, key: string | number | undefined): void => {
    if (i === segs.length) {
      if (parent !== undefined && key !== undefined) out.push({ parent, key });
      return;
    }
    const seg = segs[i] as string;
    const sel = seg.match(/^\[(.+?)=(.*)\]$/);
    if (sel) {
      if (!Array.isArray(node)) return;
      let found = false;
      node.forEach((el, idx) => {
        if (isObject(el) && String(el[sel[1] as string]) === sel[2]) {
          found = true;
          walk(el, i + 1, node, idx);
        }
      });
      if (!found && create) {
        const el: JsonObject = { [sel[1] as string]: sel[2] as string };
        node.push(el);
        walk(el, i + 1, node, node.length - 1);
      }
      return;
    }
    if (seg === '*') {
      if (Array.isArray(node)) node.forEach((el, idx) => walk(el, i + 1, node, idx));
      else if (isObject(node)) for (const k of Object.keys(node)) walk(node[k] as Json, i + 1, node, k);
      return;
    }
    if (Array.isArray(node)) {
      if (/^-?\d+$/.test(seg)) {
        const idx = Number(seg);
        if (idx >= 0 && idx < node.length) walk(node[idx] as Json, i + 1, node, idx);
        return;
      }
      return;
    }
    if (!isObject(node)) return;
    if (!(seg in node) || node[seg] === null) {
      if (!create) return;
      if (i === segs.length - 1) {
        out.push({ parent: node, key: seg });
        return;
      }
      const nextSeg = segs[i + 1] as string;
      node[seg] = nextSeg.startsWith('[') ? [] : {};
    }
    walk(node[seg] as Json, i + 1, node, seg);
  };
  walk(root, 0, undefined, undefined);
  return out;
}

/** Reads the single value at a field path; undefined when absent. */
export function getAtPath(root: JsonObject, path: string): Json | undefined {
  const slots = findSlots(root, splitFieldPath(path), false);
  if (slots.length === 0) return undefined;
  if (slots.length > 1) throw new KustomizeError(`fieldPath \`${path}\` matched more than one value`);
  const s = slots[0] as Slot;
  return (s.parent as Record<string | number, Json>)[s.key];
}
