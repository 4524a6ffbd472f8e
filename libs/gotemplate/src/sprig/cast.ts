import { formatValue, isStringer, kindOf } from '../values';

/** Sprig's strval: strings as is, []byte decoded, errors and Stringers by their text, the rest as %v. */
export function strval(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (v instanceof Error) return v.message;
  if (isStringer(v)) return v.goString();
  return formatValue(v);
}

/** Sprig's strslice (toStrings): list elements as strings, nils dropped; a scalar becomes a one-element list. */
export function strslice(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x) => x !== null && x !== undefined).map(strval);
  if (v instanceof Uint8Array) return [...v].map((b) => String(b));
  if (v === null || v === undefined) return [];
  return [strval(v)];
}

/** Go's strconv.ParseInt(s, 0, 64): base prefixes 0x, 0o, 0b and a leading 0 for octal; null when invalid. */
export function parseGoInt(s: string): bigint | null {
  const m = /^([+-]?)(0[xX][0-9a-fA-F](_?[0-9a-fA-F])*|0[oO]?[0-7](_?[0-7])*|0[bB][01](_?[01])*|0|[1-9](_?[0-9])*)$/.exec(s);
  if (!m) return null;
  let body = (m[2] ?? '').replace(/_/g, '');
  if (/^0[0-7]/.test(body)) body = '0o' + body.slice(1);
  else if (/^0[oO]/.test(body)) body = '0o' + body.slice(2);
  const v = m[1] === '-' ? -BigInt(body) : BigInt(body);
  if (v > 0x7fffffffffffffffn || v < -0x8000000000000000n) return null;
  return v;
}

/** Go's int64(f) conversion of a float64: truncation toward zero. */
export function truncToInt64(f: number): bigint {
  if (!Number.isFinite(f)) return -0x8000000000000000n;
  return BigInt.asIntN(64, BigInt(Math.trunc(f)));
}

/** spf13/cast's ToInt64 as Sprig uses it: numbers truncate, strings parse (else 0), bools are 0/1, nil is 0. */
export function toInt64(v: unknown): bigint {
  switch (kindOf(v)) {
    case 'int':
      return v as bigint;
    case 'float64':
      return truncToInt64(v as number);
    case 'bool':
      return v ? 1n : 0n;
    case 'string': {
      // cast trims a zero fraction ("8.0", "8.00") before parsing.
      const s = (v as string).replace(/^([+-]?\d+)\.0*$/, '$1');
      return parseGoInt(s) ?? 0n;
    }
    default:
      return 0n;
  }
}

/** spf13/cast's ToFloat64: ints convert, strings parse as Go's ParseFloat (else 0), bools are 0/1, nil is 0. */
export function toFloat64(v: unknown): number {
  switch (kindOf(v)) {
    case 'int':
      return Number(v as bigint);
    case 'float64':
      return v as number;
    case 'bool':
      return v ? 1 : 0;
    case 'string':
      return parseGoFloat(v as string) ?? 0;
    default:
      return 0;
  }
}

/** Go's strconv.ParseFloat(s, 64) for decimal and special forms; null when invalid. */
export function parseGoFloat(s: string): number | null {
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return NaN;
  if (/^[+-]?0[xX]/.test(s)) {
    const i = parseGoInt(s);
    return i === null ? null : Number(i);
  }
  const clean = s.replace(/(\d)_(?=\d)/g, '$1');
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(clean)) return null;
  return Number(clean);
}

/** Sprig's empty: nil, false, 0, "" and empty collections are empty; structs never are. */
export function isEmpty(v: unknown): boolean {
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil':
      return true;
    case 'string':
      return (v as string).length === 0;
    case 'int':
      return v === 0n;
    case 'float64':
      return v === 0;
    case 'bool':
      return !v;
    case 'slice':
      return (v as unknown[]).length === 0;
    case 'bytes':
      return (v as Uint8Array).length === 0;
    case 'map':
      return (v instanceof Map ? v.size : Object.keys(v as object).length) === 0;
    default:
      return false;
  }
}
