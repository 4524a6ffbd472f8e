import { builtin, variadic } from './arity';
import { ExecFunction } from './exec';
import { sprint, sprintf, sprintln } from './fmt';
import { stringArg } from './go-args';
import { compareStrings, formatValue, goTypeName, isTrue, kindOf, mapGet } from './values';

type Basic = 'bool' | 'int' | 'float' | 'string' | 'invalid';

function basicKind(v: unknown): Basic {
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float';
    case 'string':
      return 'string';
    default:
      return 'invalid';
  }
}

const errBadComparisonType = 'invalid type for comparison';
const errBadComparison = 'incompatible types for comparison';
const errNoComparison = 'missing argument for comparison';

function eq(arg1: unknown, ...rest: unknown[]): boolean {
  if (rest.length === 0) throw new Error(errNoComparison);
  const k1 = basicKind(arg1);
  for (const arg of rest) {
    const k2 = basicKind(arg);
    let truth: boolean;
    if (k1 !== k2) {
      if (isNil(arg1) || isNil(arg)) {
        truth = false;
      } else {
        throw new Error(errBadComparison);
      }
    } else if (k1 === 'invalid') {
      if (isNil(arg1) || isNil(arg)) truth = isNil(arg1) === isNil(arg);
      else if (kindOf(arg1) === 'slice' || kindOf(arg1) === 'map' || kindOf(arg1) === 'func') {
        throw new Error(`non-comparable type ${formatValue(arg1)}: ${goTypeName(arg1)}`);
      } else truth = arg1 === arg;
    } else {
      truth = arg1 === arg;
    }
    if (truth) return true;
  }
  return false;
}

function isNil(v: unknown): boolean {
  return v === null || v === undefined;
}

function lt(arg1: unknown, arg2: unknown): boolean {
  const k1 = basicKind(arg1);
  if (k1 === 'invalid') throw new Error(errBadComparisonType);
  const k2 = basicKind(arg2);
  if (k2 === 'invalid') throw new Error(errBadComparisonType);
  if (k1 !== k2) throw new Error(errBadComparison);
  if (k1 === 'bool') throw new Error(errBadComparisonType);
  if (k1 === 'string') return compareStrings(arg1 as string, arg2 as string) < 0;
  return (arg1 as number) < (arg2 as number);
}

function le(arg1: unknown, arg2: unknown): boolean {
  return lt(arg1, arg2) || eq(arg1, arg2);
}

function length(item: unknown): bigint {
  switch (kindOf(item)) {
    case 'string':
      return BigInt(Buffer.byteLength(item as string, 'utf8'));
    case 'slice':
      return BigInt((item as unknown[]).length);
    case 'bytes':
      return BigInt((item as Uint8Array).length);
    case 'map':
      return BigInt(item instanceof Map ? item.size : Object.keys(item as object).length);
    case 'nil':
    case 'invalid':
      throw new Error('len of nil pointer');
    default:
      throw new Error(`len of type ${goTypeName(item)}`);
  }
}

function indexArg(index: unknown, cap: number): number {
  if (typeof index !== 'bigint') {
    if (isNil(index)) throw new Error('cannot index slice/array with nil');
    throw new Error(`cannot index slice/array with type ${goTypeName(index)}`);
  }
  if (index < 0n || index > BigInt(cap)) throw new Error(`index out of range: ${index}`);
  return Number(index);
}

function index(item: unknown, ...indexes: unknown[]): unknown {
  if (isNil(item)) throw new Error('index of untyped nil');
  let v = item;
  for (const i of indexes) {
    if (isNil(v)) throw new Error('index of nil pointer');
    switch (kindOf(v)) {
      case 'slice': {
        const a = v as unknown[];
        const x = indexArg(i, a.length);
        if (x === a.length) throw new Error(`reflect: slice index out of range`);
        v = a[x];
        break;
      }
      case 'string': {
        const bytes = Buffer.from(v as string, 'utf8');
        const x = indexArg(i, bytes.length);
        if (x === bytes.length) throw new Error(`reflect: string index out of range`);
        v = BigInt(bytes[x] ?? 0);
        break;
      }
      case 'map': {
        if (typeof i !== 'string' && !isNil(i)) {
          throw new Error(`value has type ${goTypeName(i)}; should be string`);
        }
        const got = mapGet(v as Record<string, unknown>, (i as string | null) ?? '');
        v = got === undefined ? null : got;
        break;
      }
      default:
        throw new Error(`can't index item of type ${goTypeName(v)}`);
    }
  }
  return v;
}

function slice(item: unknown, ...indexes: unknown[]): unknown {
  if (isNil(item)) throw new Error('slice of untyped nil');
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  const kind = kindOf(item);
  if (kind !== 'slice' && kind !== 'string') throw new Error(`can't slice item of type ${goTypeName(item)}`);
  if (kind === 'string' && indexes.length === 3) throw new Error('cannot 3-index slice a string');
  const bytes = kind === 'string' ? Buffer.from(item as string, 'utf8') : null;
  const len = bytes ? bytes.length : (item as unknown[]).length;
  const idx = [0, len, len];
  indexes.forEach((x, i) => {
    idx[i] = indexArg(x, len);
  });
  const [start = 0, end = len] = idx;
  if (start > end) throw new Error(`invalid slice index: ${start} > ${end}`);
  if (indexes.length === 3 && (idx[2] ?? len) < end) throw new Error(`invalid slice index: ${end} > ${idx[2]}`);
  if (bytes) return bytes.subarray(start, end).toString('utf8');
  return (item as unknown[]).slice(start, end);
}

function printable(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args.map((a) => (isNil(a) ? '<no value>' : a)));
}

function htmlEscape(args: unknown[]): string {
  return printable(args).replace(/[\0"'&<>]/g, (c) => HTML_ESCAPES[c] ?? c);
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '\0': '\uFFFD',
  '"': '&#34;',
  "'": '&#39;',
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
};

const JS_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
  '<': '\\u003C',
  '>': '\\u003E',
  '&': '\\u0026',
  '=': '\\u003D',
};

function jsEscape(args: unknown[]): string {
  let out = '';
  for (const c of printable(args)) {
    const special = JS_ESCAPES[c];
    const cp = c.codePointAt(0) ?? 0;
    if (special) out += special;
    else if (cp < 0x20) out += '\\u' + cp.toString(16).toUpperCase().padStart(4, '0');
    else if (cp >= 0x80 && !/^[\p{L}\p{M}\p{N}\p{P}\p{S}\x20]$/u.test(c)) {
      out += '\\u' + cp.toString(16).toUpperCase().padStart(4, '0');
    } else out += c;
  }
  return out;
}

/** Go's url.QueryEscape: unreserved bytes kept, space as '+', the rest %XX. */
export function queryEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function call(fn: unknown, ...args: unknown[]): unknown {
  if (isNil(fn)) throw new Error('call of nil');
  if (typeof fn !== 'function') throw new Error(`non-function ${formatValue(fn)} of type ${goTypeName(fn)}`);
  return (fn as ExecFunction)(...args.map((a) => (a === undefined ? null : a)));
}

/** Go's predefined template functions (text/template funcs.go). */
export const builtinFunctions: ReadonlyMap<string, ExecFunction> = new Map<string, ExecFunction>(
  Object.entries({
    and: variadic(1, (...args: unknown[]) => args[args.length - 1]),
    or: variadic(1, (...args: unknown[]) => args[args.length - 1]),
    not: (arg: unknown) => !isTrue(arg),
    len: length,
    index: variadic(1, index),
    slice: variadic(1, slice),
    eq: variadic(1, eq),
    ne: (a: unknown, b: unknown) => !eq(a, b),
    lt,
    le,
    gt: (a: unknown, b: unknown) => !le(a, b),
    ge: (a: unknown, b: unknown) => !lt(a, b),
    html: variadic(0, (...args: unknown[]) => htmlEscape(args)),
    js: variadic(0, (...args: unknown[]) => jsEscape(args)),
    urlquery: variadic(0, (...args: unknown[]) => queryEscape(printable(args))),
    call: variadic(1, call),
    print: variadic(0, (...args: unknown[]) => sprint(args)),
    printf: variadic(1, printf),
    println: variadic(0, (...args: unknown[]) => sprintln(args)),
  }).map(([name, fn]): [string, ExecFunction] => [name, builtin(fn as ExecFunction)]),
);

function printf(format: unknown, ...args: unknown[]): string {
  return sprintf(stringArg(format), args);
}
