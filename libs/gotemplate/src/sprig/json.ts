import { formatFloat, GoMap, isStringer, kindOf, mapGet, mapKeys, newMap } from '../values';

interface EncodeOptions {
  escapeHtml: boolean;
  indent: string;
}

/** Go's encoding/json string escaping (HTML-safe unless disabled; U+2028/2029 always escaped). */
function encodeString(s: string, escapeHtml: boolean): string {
  let out = '"';
  for (const c of s) {
    const cp = c.codePointAt(0) ?? 0;
    if (c === '"') out += '\\"';
    else if (c === '\\') out += '\\\\';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (cp < 0x20 || (escapeHtml && (c === '<' || c === '>' || c === '&'))) {
      out += '\\u' + cp.toString(16).padStart(4, '0');
    } else if (cp === 0x2028 || cp === 0x2029) out += '\\u' + cp.toString(16);
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
    else out += c;
  }
  return out + '"';
}

/** Go's float64 JSON form: %f-like, switching to exponent form below 1e-6 or from 1e21, e-07 written e-7. */
function encodeFloat(f: number): string {
  if (!Number.isFinite(f)) throw new Error(`json: unsupported value: ${formatFloat(f, 'g', -1)}`);
  const abs = Math.abs(f);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    return formatFloat(f, 'e', -1).replace(/e([+-])0(\d)$/, 'e$1$2');
  }
  return formatFloat(f, 'f', -1);
}

function encode(v: unknown, opts: EncodeOptions, depth: string): string {
  const nl = opts.indent ? '\n' : '';
  const inner = depth + opts.indent;
  const sep = opts.indent ? ': ' : ':';
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil':
      return 'null';
    case 'string':
      return encodeString(v as string, opts.escapeHtml);
    case 'int':
      return (v as bigint).toString();
    case 'float64':
      return encodeFloat(v as number);
    case 'bool':
      return String(v);
    case 'bytes':
      return `"${Buffer.from(v as Uint8Array).toString('base64')}"`;
    case 'slice': {
      const items = v as unknown[];
      if (items.length === 0) return '[]';
      return `[${nl}${items.map((x) => inner + encode(x, opts, inner)).join(',' + nl)}${nl}${depth}]`;
    }
    case 'map': {
      const m = v as GoMap;
      const keys = mapKeys(m);
      if (keys.length === 0) return '{}';
      const body = keys.map((k) => `${inner}${encodeString(k, opts.escapeHtml)}${sep}${encode(mapGet(m, k), opts, inner)}`);
      return `{${nl}${body.join(',' + nl)}${nl}${depth}}`;
    }
    case 'func':
      throw new Error('json: unsupported type: func(...interface {}) interface {}');
    case 'struct': {
      if (isStringer(v)) {
        const json = (v as { toJSON?: () => unknown }).toJSON;
        return encode(typeof json === 'function' ? json.call(v) : v.goString(), opts, depth);
      }
      const fields = newMap();
      for (const [k, x] of Object.entries(v as object)) if (typeof x !== 'function') fields[k] = x;
      return encode(fields, opts, depth);
    }
  }
}

/** Go's json.Marshal (HTML-escaping), or MarshalIndent with two spaces when `pretty`. */
export function toJson(v: unknown, pretty = false): string {
  return encode(v, { escapeHtml: true, indent: pretty ? '  ' : '' }, '');
}

/** Go's json.Encoder with SetEscapeHTML(false), trailing newline trimmed (Sprig's toRawJson). */
export function toRawJson(v: unknown): string {
  return encode(v, { escapeHtml: false, indent: '' }, '');
}

/** Go's json.Unmarshal into interface{}: objects become maps, numbers float64. */
export function fromJson(text: string): unknown {
  try {
    return JSON.parse(text, (_key, value: unknown) => {
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        return Object.assign(newMap(), value);
      }
      return value;
    });
  } catch (e) {
    if (text.trim() === '') throw new Error('unexpected end of JSON input');
    throw new Error((e as Error).message);
  }
}
