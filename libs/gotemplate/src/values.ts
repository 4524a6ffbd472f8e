/**
 * How JavaScript values stand for Go values: string, bigint (int), number (float64), boolean, null (nil),
 * undefined (an invalid reflect.Value: a missing map key), Array (slice), Map or plain object (map), function
 * (func), Uint8Array ([]byte) and objects with a `goString` (Stringer, e.g. time.Time).
 */
export type GoKind =
  | 'invalid'
  | 'nil'
  | 'string'
  | 'int'
  | 'float64'
  | 'bool'
  | 'slice'
  | 'bytes'
  | 'map'
  | 'func'
  | 'struct';

/** A value printed through its own String method, as Go's fmt does with a fmt.Stringer. */
export interface GoStringer {
  goString(): string;
  goTypeName(): string;
}

/** True for values that print via a Go String method. */
export function isStringer(v: unknown): v is GoStringer {
  return typeof v === 'object' && v !== null && typeof (v as Partial<GoStringer>).goString === 'function';
}

/** True for a plain object used as a Go map[string]interface{}. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The Go kind of a value. */
export function kindOf(v: unknown): GoKind {
  switch (typeof v) {
    case 'undefined':
      return 'invalid';
    case 'string':
      return 'string';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'function':
      return 'func';
    default:
      break;
  }
  if (v === null) return 'nil';
  if (Array.isArray(v)) return 'slice';
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof Map || isPlainObject(v)) return 'map';
  return 'struct';
}

/** Go's type name as %T and Sprig's typeOf print it. */
export function goTypeName(v: unknown): string {
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil':
      return '<nil>';
    case 'string':
      return 'string';
    case 'int':
      return 'int';
    case 'float64':
      return 'float64';
    case 'bool':
      return 'bool';
    case 'slice':
      return '[]interface {}';
    case 'bytes':
      return '[]uint8';
    case 'map':
      return 'map[string]interface {}';
    case 'func':
      return 'func(...interface {}) interface {}';
    case 'struct':
      if (isStringer(v)) return v.goTypeName();
      return (v as object).constructor?.name ?? 'struct';
  }
}

/** The keys of a map value, sorted as Go's fmt and range sort string keys. */
export function mapKeys(m: Map<unknown, unknown> | Record<string, unknown>): string[] {
  const keys = m instanceof Map ? [...m.keys()].map(String) : Object.keys(m);
  return keys.sort(compareStrings);
}

/** Byte-wise string order (Go compares strings as UTF-8 bytes; UTF-16 order agrees outside the surrogate range). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Reads key `k` of a map value; undefined when absent. */
export function mapGet(m: Map<unknown, unknown> | Record<string, unknown>, k: string): unknown {
  if (m instanceof Map) return m.get(k);
  return Object.prototype.hasOwnProperty.call(m, k) ? m[k] : undefined;
}

/** Number of entries of a map value. */
export function mapSize(m: Map<unknown, unknown> | Record<string, unknown>): number {
  return m instanceof Map ? m.size : Object.keys(m).length;
}

/** Go's template truth: false, 0, nil, empty string/slice/map are false; structs and funcs are true. */
export function isTrue(v: unknown): boolean {
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil':
      return false;
    case 'string':
      return (v as string).length > 0;
    case 'int':
      return v !== 0n;
    case 'float64':
      return v !== 0;
    case 'bool':
      return v as boolean;
    case 'slice':
      return (v as unknown[]).length > 0;
    case 'bytes':
      return (v as Uint8Array).length > 0;
    case 'map':
      return mapSize(v as Record<string, unknown>) > 0;
    case 'func':
    case 'struct':
      return true;
  }
}

/** Go's fmt %v of a value (fmt.Sprint of one operand). */
export function formatValue(v: unknown): string {
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil':
      return '<nil>';
    case 'string':
      return v as string;
    case 'int':
      return (v as bigint).toString();
    case 'float64':
      return formatFloat(v as number, 'g', -1);
    case 'bool':
      return String(v);
    case 'slice':
      return '[' + (v as unknown[]).map(formatValue).join(' ') + ']';
    case 'bytes':
      return '[' + [...(v as Uint8Array)].join(' ') + ']';
    case 'map': {
      const m = v as Record<string, unknown>;
      return 'map[' + mapKeys(m).map((k) => `${k}:${formatValue(mapGet(m, k))}`).join(' ') + ']';
    }
    case 'func':
      return '0xc000010000';
    case 'struct':
      if (isStringer(v)) return v.goString();
      if (v instanceof Error) return v.message;
      return '{' + Object.values(v as object).map(formatValue).join(' ') + '}';
  }
}

/**
 * Go's strconv.FormatFloat for the formats fmt uses: 'e', 'f', 'g' with a precision; -1 means the shortest
 * digits that round-trip (then 'g' switches to exponent form when the exponent is < -4 or >= 6, as %v does).
 */
export function formatFloat(v: number, format: 'e' | 'f' | 'g', prec: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const neg = v < 0 || Object.is(v, -0);
  const a = Math.abs(v);
  const body = formatUnsigned(a, format, prec);
  return neg ? '-' + body : body;
}

function decimalDigits(a: number, significant: number): { digits: string; exp: number } {
  // toExponential gives the shortest round-tripping digits when called without a precision.
  const s = significant < 0 ? a.toExponential() : a.toExponential(Math.max(0, significant - 1));
  const [mant = '0', e = '0'] = s.split('e');
  return { digits: mant.replace('.', ''), exp: Number(e) };
}

function formatUnsigned(a: number, format: 'e' | 'f' | 'g', prec: number): string {
  if (format === 'f') {
    if (prec < 0) {
      const { digits, exp } = decimalDigits(a, -1);
      return fixedFromDigits(digits, exp, Math.max(digits.length - exp - 1, 0));
    }
    return toFixedExact(a, prec);
  }
  if (format === 'e') {
    const { digits, exp } = decimalDigits(a, prec < 0 ? -1 : prec + 1);
    return expFromDigits(a === 0 ? '0'.repeat(Math.max(prec + 1, 1)) : digits, a === 0 ? 0 : exp);
  }
  const shortest = prec < 0;
  let p = prec === 0 ? 1 : prec;
  const { digits, exp } = a === 0 ? { digits: '0', exp: 0 } : decimalDigits(a, shortest ? -1 : p);
  let eprec = p;
  if (shortest) {
    eprec = 6;
    p = digits.length;
  } else if (eprec > digits.length && digits.length >= exp + 1) {
    eprec = digits.length;
  }
  if (exp < -4 || exp >= eprec) {
    const trimmed = shortest ? digits : digits.replace(/0+$/, '') || '0';
    return expFromDigits(trimmed, exp);
  }
  const trimmed = shortest ? digits : digits.replace(/0+$/, '') || '0';
  return fixedFromDigits(trimmed, exp, Math.max(trimmed.length - exp - 1, 0));
}

function expFromDigits(digits: string, exp: number): string {
  const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const sign = exp < 0 ? '-' : '+';
  const e = Math.abs(exp).toString().padStart(2, '0');
  return `${mant}e${sign}${e}`;
}

function fixedFromDigits(digits: string, exp: number, decimals: number): string {
  let intPart: string;
  let frac: string;
  if (exp >= 0) {
    intPart = (digits.slice(0, exp + 1) || '0').padEnd(exp + 1, '0');
    frac = digits.slice(exp + 1);
  } else {
    intPart = '0';
    frac = '0'.repeat(-exp - 1) + digits;
  }
  frac = frac.padEnd(decimals, '0').slice(0, decimals);
  return decimals > 0 ? `${intPart}.${frac}` : intPart;
}

/**
 * %.Nf as Go rounds it: half to even on the exact binary value. JS toFixed rounds exact ties up (0.125 → 0.13
 * where Go prints 0.12), so round the exact expansion (toFixed(100) is exact for all but tiny values) ourselves.
 */
function toFixedExact(a: number, prec: number): string {
  if (a >= 1e21 || prec >= 100) {
    const { digits, exp } = decimalDigits(a, -1);
    return fixedFromDigits(digits, exp, prec);
  }
  const exact = a.toFixed(100);
  const dot = exact.indexOf('.');
  const kept = exact.slice(0, dot + 1 + prec).replace(/\.$/, '');
  const rest = exact.slice(dot + 1 + prec);
  const first = rest[0] ?? '0';
  const tail = rest.slice(1);
  const lastKept = kept[kept.length - 1] ?? '0';
  const roundUp = first > '5' || (first === '5' && (/[1-9]/.test(tail) || Number(lastKept) % 2 === 1));
  return roundUp ? incrementDecimal(kept) : kept;
}

function incrementDecimal(s: string): string {
  const chars = s.split('');
  for (let i = chars.length - 1; i >= 0; i--) {
    const c = chars[i];
    if (c === '.') continue;
    if (c === '9') {
      chars[i] = '0';
      continue;
    }
    chars[i] = String(Number(c) + 1);
    return chars.join('');
  }
  return '1' + chars.join('');
}

/** A map value as Sprig's dict functions see it. */
export type GoMap = Record<string, unknown> | Map<string, unknown>;

/** A new empty map; null-prototype so keys like `__proto__` are ordinary keys. */
export function newMap(): Record<string, unknown> {
  return Object.create(null) as Record<string, unknown>;
}

/** True when the map has key `k`. */
export function mapHas(m: GoMap, k: string): boolean {
  return m instanceof Map ? m.has(k) : Object.prototype.hasOwnProperty.call(m, k);
}

/** Sets key `k` of a map value. */
export function mapSet(m: GoMap, k: string, v: unknown): void {
  if (m instanceof Map) m.set(k, v);
  else Object.defineProperty(m, k, { value: v, writable: true, enumerable: true, configurable: true });
}

/** Deletes key `k` of a map value. */
export function mapDelete(m: GoMap, k: string): void {
  if (m instanceof Map) m.delete(k);
  else delete m[k];
}

/** The entries of a map value in insertion order (Go's map order is unspecified). */
export function mapEntries(m: GoMap): [string, unknown][] {
  return m instanceof Map ? [...m.entries()] : Object.entries(m);
}
