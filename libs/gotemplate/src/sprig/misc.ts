import { variadic } from '../arity';
import { boolArg, mapArg, stringArg } from '../go-args';
import { goTypeName, mapGet, mapHas, newMap } from '../values';
import { isEmpty } from './cast';
import { deepEqual, reflectKind } from './collections';
import { fromJson, toJson, toRawJson } from './json';

/** Go's path.Clean: lexical processing of `.`, `..` and repeated slashes. */
export function pathClean(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return '/' + joined;
  return joined === '' ? '.' : joined;
}

function pathBase(p: string): string {
  if (p === '') return '.';
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

function pathDir(p: string): string {
  return pathClean(p.slice(0, p.lastIndexOf('/') + 1));
}

function pathExt(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i--) {
    if (p[i] === '.') return p.slice(i);
  }
  return '';
}

const B32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base64Decode(s: string): string {
  const body = s.replace(/[\r\n]/g, '');
  const bad = /[^A-Za-z0-9+/=]/.exec(body);
  if (bad) return `illegal base64 data at input byte ${bad.index}`;
  const pad = body.indexOf('=');
  if (body.length % 4 !== 0 || (pad >= 0 && (pad < body.length - 2 || /[^=]/.test(body.slice(pad))))) {
    const at = pad >= 0 ? pad : body.length - (body.length % 4);
    return `illegal base64 data at input byte ${at}`;
  }
  return Buffer.from(body, 'base64').toString('utf8');
}

function base32Encode(s: string): string {
  const bytes = Buffer.from(s, 'utf8');
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += B32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32_ALPHABET[(value << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += '=';
  return out;
}

function base32Decode(s: string): string {
  const body = s.replace(/[\r\n]/g, '');
  if (body.length % 8 !== 0) return `illegal base32 data at input byte ${body.length - (body.length % 8)}`;
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  const padStart = body.indexOf('=');
  const data = padStart >= 0 ? body.slice(0, padStart) : body;
  if (padStart >= 0 && /[^=]/.test(body.slice(padStart))) return `illegal base32 data at input byte ${padStart}`;
  for (let i = 0; i < data.length; i++) {
    const v = B32_ALPHABET.indexOf(data[i] ?? '');
    if (v < 0) return `illegal base32 data at input byte ${i}`;
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Go's url.URL fields as Sprig's urlParse returns them. */
function urlParse(v: string): Record<string, unknown> {
  let rest = v;
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = decodeURIComponentSafe(rest.slice(hash + 1));
    rest = rest.slice(0, hash);
  }
  let scheme = '';
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(rest);
  if (m) {
    scheme = (m[1] ?? '').toLowerCase();
    rest = rest.slice(m[0].length);
  } else if (/^[^/?]*:/.test(rest) && !rest.startsWith('/')) {
    throw new Error(`unable to parse url: parse ${JSON.stringify(v)}: missing protocol scheme`);
  }
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  let opaque = '';
  let host = '';
  let userinfo = '';
  if (scheme && !rest.startsWith('/')) {
    opaque = rest;
    rest = '';
  } else if (rest.startsWith('//')) {
    const authEnd = rest.indexOf('/', 2);
    let authority = authEnd >= 0 ? rest.slice(2, authEnd) : rest.slice(2);
    rest = authEnd >= 0 ? rest.slice(authEnd) : '';
    const at = authority.lastIndexOf('@');
    if (at >= 0) {
      userinfo = authority.slice(0, at);
      authority = authority.slice(at + 1);
    }
    host = authority;
  }
  const hostname = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d*$/, '');
  const dict = newMap();
  Object.assign(dict, {
    scheme,
    host,
    hostname,
    path: decodeURIComponentSafe(rest),
    query,
    opaque,
    fragment,
    userinfo,
  });
  return dict;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function dictString(d: Record<string, unknown> | Map<string, unknown>, key: string): string {
  if (!mapHas(d, key)) return '';
  const v = mapGet(d, key);
  if (typeof v !== 'string') throw new Error(`unable to parse ${key} key, must be of type string, but ${reflectKind(v)} found`);
  return v;
}

/** Go's url.URL.String for the parts Sprig's urlJoin sets. */
function urlJoin(d: Record<string, unknown> | Map<string, unknown>): string {
  const scheme = dictString(d, 'scheme');
  const host = dictString(d, 'host');
  const path = dictString(d, 'path');
  const query = dictString(d, 'query');
  const opaque = dictString(d, 'opaque');
  const fragment = dictString(d, 'fragment');
  const userinfo = dictString(d, 'userinfo');
  let out = scheme ? scheme + ':' : '';
  if (opaque) {
    out += opaque;
  } else {
    if (scheme || host || userinfo) {
      if (host || path || userinfo) out += '//';
      if (userinfo) out += userinfo + '@';
      out += host;
    }
    if (path && !path.startsWith('/') && host) out += '/';
    out += encodeURI(path).replace(/[?#]/g, encodeURIComponent);
  }
  if (query) out += '?' + query;
  if (fragment) out += '#' + encodeURIComponent(fragment).replace(/%2F/g, '/');
  return out;
}

/** Sprig's defaults, type, path, encoding, URL and flow-control functions. */
export const miscFunctions = {
  default: variadic(1, (d: unknown, ...given: unknown[]) => (given.length === 0 || isEmpty(given[0]) ? d : given[0])),
  empty: (v: unknown) => isEmpty(v),
  coalesce: variadic(0, (...v: unknown[]) => v.find((x) => !isEmpty(x)) ?? null),
  all: variadic(0, (...v: unknown[]) => v.every((x) => !isEmpty(x))),
  any: variadic(0, (...v: unknown[]) => v.some((x) => !isEmpty(x))),
  ternary: (vt: unknown, vf: unknown, v: unknown) => (boolArg(v) ? vt : vf),
  fromJson: (v: unknown) => {
    try {
      return fromJson(stringArg(v));
    } catch {
      return null;
    }
  },
  mustFromJson: (v: unknown) => fromJson(stringArg(v)),
  toJson: (v: unknown) => {
    try {
      return toJson(v);
    } catch {
      return '';
    }
  },
  mustToJson: (v: unknown) => toJson(v),
  toPrettyJson: (v: unknown) => {
    try {
      return toJson(v, true);
    } catch {
      return '';
    }
  },
  mustToPrettyJson: (v: unknown) => toJson(v, true),
  toRawJson: (v: unknown) => toRawJson(v),
  mustToRawJson: (v: unknown) => toRawJson(v),
  typeOf: (v: unknown) => goTypeName(v),
  typeIs: (target: unknown, v: unknown) => stringArg(target) === goTypeName(v),
  typeIsLike: (target: unknown, v: unknown) => {
    const t = goTypeName(v);
    const want = stringArg(target);
    return want === t || '*' + want === t;
  },
  kindOf: (v: unknown) => reflectKind(v),
  kindIs: (target: unknown, v: unknown) => stringArg(target) === reflectKind(v),
  deepEqual: (a: unknown, b: unknown) => deepEqual(a, b),
  base: (p: unknown) => pathBase(stringArg(p)),
  dir: (p: unknown) => pathDir(stringArg(p)),
  clean: (p: unknown) => pathClean(stringArg(p)),
  ext: (p: unknown) => pathExt(stringArg(p)),
  isAbs: (p: unknown) => stringArg(p).startsWith('/'),
  osBase: (p: unknown) => pathBase(stringArg(p)),
  osDir: (p: unknown) => pathDir(stringArg(p)),
  osClean: (p: unknown) => pathClean(stringArg(p)),
  osExt: (p: unknown) => pathExt(stringArg(p)),
  osIsAbs: (p: unknown) => stringArg(p).startsWith('/'),
  b64enc: (v: unknown) => Buffer.from(stringArg(v), 'utf8').toString('base64'),
  b64dec: (v: unknown) => base64Decode(stringArg(v)),
  b32enc: (v: unknown) => base32Encode(stringArg(v)),
  b32dec: (v: unknown) => base32Decode(stringArg(v)),
  urlParse: (v: unknown) => urlParse(stringArg(v)),
  urlJoin: (d: unknown) => urlJoin(mapArg(d)),
  hello: () => 'Hello!',
  fail: (msg: unknown) => {
    throw new Error(stringArg(msg));
  },
};
