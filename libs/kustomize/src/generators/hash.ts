import { createHash } from 'node:crypto';
import type { Json, JsonObject } from '../yaml/emit';
import { isObject } from '../resource/resource';

/** Go's encoding/json string encoding (HTML-safe escaping, sorted map keys), which kustomize hashes. */
function goJson(v: Json): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return goString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return '[' + v.map(goJson).join(',') + ']';
  const keys = Object.keys(v).sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : a === b ? 0 : Buffer.compare(Buffer.from(a), Buffer.from(b))));
  return '{' + keys.map((k) => goString(k) + ':' + goJson(v[k] as Json)).join(',') + '}';
}

function goString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029)
      out += '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

/** kustomize's 10-character name hash: sha256 of the encoded object with vowel-ish hex digits remapped. */
function encodeHash(text: string): string {
  const hex = createHash('sha256').update(text, 'utf8').digest('hex');
  const map: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  return Array.from(hex.slice(0, 10), (c) => map[c] ?? c).join('');
}

/** The hash kustomize appends to a generated ConfigMap/Secret name, computed from kind, name and data. */
export function contentHash(obj: JsonObject): string {
  const kind = obj['kind'];
  // kustomize v5 hashes generated objects with an empty name (the RNode it encodes has none yet).
  if (kind === 'ConfigMap' || kind === 'Secret') {
    const m: JsonObject = { kind, name: '', data: isObject(obj['data']) ? obj['data'] : {} };
    if (kind === 'Secret') m['type'] = typeof obj['type'] === 'string' ? obj['type'] : '';
    if (kind === 'ConfigMap' && isObject(obj['binaryData']) && Object.keys(obj['binaryData']).length > 0)
      m['binaryData'] = obj['binaryData'];
    if (typeof obj['immutable'] === 'boolean') m['immutable'] = obj['immutable'];
    return encodeHash(goJson(m));
  }
  return encodeHash(goJson(obj));
}
