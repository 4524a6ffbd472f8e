import { randomInt } from 'node:crypto';
import { variadic } from '../arity';
import { intArg, stringArg } from '../go-args';
import { formatValue } from '../values';
import { parseGoInt, toFloat64, toInt64 } from './cast';

/** Go's int64 arithmetic wraps around. */
const wrap = (v: bigint): bigint => BigInt.asIntN(64, v);

function divide(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new Error('runtime error: integer divide by zero');
  // Go truncates toward zero, as BigInt division does; MinInt64 / -1 wraps.
  return wrap(a / b);
}

function modulo(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new Error('runtime error: integer divide by zero');
  return a % b;
}

/**
 * A decimal number as shopspring/decimal holds it (coefficient × 10^exp), enough for Sprig's addf, subf,
 * mulf and divf: they convert floats to their shortest decimal form, compute exactly, and convert back,
 * so `addf 1.1 2.2` is 3.3, not 3.3000000000000003.
 */
interface Decimal {
  coef: bigint;
  exp: number;
}

function decimalFromFloat(f: number): Decimal {
  if (!Number.isFinite(f)) throw new Error(`Cannot create a Decimal from ${formatValue(f)}`);
  const [mant = '0', e = '0'] = f.toExponential().split('e');
  const digits = mant.replace('.', '').replace('-', '');
  const fracDigits = (mant.split('.')[1] ?? '').length;
  const coef = BigInt(digits) * (f < 0 ? -1n : 1n);
  return { coef, exp: Number(e) - fracDigits };
}

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const exp = Math.min(a.exp, b.exp);
  return [a.coef * 10n ** BigInt(a.exp - exp), b.coef * 10n ** BigInt(b.exp - exp), exp];
}

function decimalToFloat(d: Decimal): number {
  return Number(`${d.coef}e${d.exp}`);
}

/** shopspring's Div: rounded half away from zero to 16 decimal places (DivisionPrecision). */
function decimalDiv(a: Decimal, b: Decimal): Decimal {
  if (b.coef === 0n) throw new Error('decimal division by 0');
  const precision = 16;
  // a/b = (a.coef / b.coef) × 10^(a.exp − b.exp); scale so the quotient has `precision` decimals.
  const shift = precision + a.exp - b.exp;
  let num = a.coef;
  let den = b.coef;
  if (shift >= 0) num *= 10n ** BigInt(shift);
  else den *= 10n ** BigInt(-shift);
  const negative = num < 0n !== den < 0n;
  const an = num < 0n ? -num : num;
  const ad = den < 0n ? -den : den;
  let q = an / ad;
  if ((an % ad) * 2n >= ad) q += 1n;
  return { coef: negative ? -q : q, exp: -precision };
}

type DecimalOp = (a: Decimal, b: Decimal) => Decimal;

const decimalOps: Record<'add' | 'sub' | 'mul' | 'div', DecimalOp> = {
  add: (a, b) => {
    const [x, y, exp] = align(a, b);
    return { coef: x + y, exp };
  },
  sub: (a, b) => {
    const [x, y, exp] = align(a, b);
    return { coef: x - y, exp };
  },
  mul: (a, b) => ({ coef: a.coef * b.coef, exp: a.exp + b.exp }),
  div: decimalDiv,
};

function decimalFold(op: DecimalOp, first: unknown, rest: unknown[]): number {
  let acc = decimalFromFloat(toFloat64(first));
  for (const x of rest) acc = op(acc, decimalFromFloat(toFloat64(x)));
  return decimalToFloat(acc);
}

/** Sprig's round: half-up by default at `roundOn` of the fraction, on `places` decimals. */
function round(a: unknown, places: unknown, ...roundOn: unknown[]): number {
  const on = roundOn.length > 0 ? toFloat64(roundOn[0]) : 0.5;
  const val = toFloat64(a);
  const pow = Math.pow(10, intArg(places));
  const digit = pow * val;
  const frac = digit - Math.trunc(digit);
  return (frac >= on ? Math.ceil(digit) : Math.floor(digit)) / pow;
}

/** Sprig's seq, as GNU seq: `seq 5`, `seq 2 5`, `seq 1 2 10`, counting down when the end is below the start. */
function seq(...params: unknown[]): string {
  const p = params.map(intArg);
  const join = (list: bigint[]): string => list.join(' ');
  if (p.length === 1) {
    const end = p[0] ?? 0;
    const inc = end < 1 ? -1 : 1;
    return join(untilStep(1, end + inc, inc));
  }
  if (p.length === 2) {
    const [start = 0, end = 0] = p;
    const step = end < start ? -1 : 1;
    return join(untilStep(start, end + step, step));
  }
  if (p.length === 3) {
    const [start = 0, step = 0, end = 0] = p;
    let inc = 1;
    if (end < start) {
      inc = -1;
      if (step > 0) return '';
    }
    return join(untilStep(start, end + inc, step));
  }
  return '';
}

/** Sprig's untilStep: start, start+step, … while short of stop (an empty list when the step goes the wrong way). */
export function untilStep(start: number, stop: number, step: number): bigint[] {
  const out: bigint[] = [];
  if (stop < start) {
    if (step >= 0) return out;
    for (let i = start; i > stop; i += step) out.push(BigInt(i));
    return out;
  }
  if (step <= 0) return out;
  for (let i = start; i < stop; i += step) out.push(BigInt(i));
  return out;
}

function maxOf(values: bigint[]): bigint {
  return values.reduce((a, b) => (b > a ? b : a));
}

function minOf(values: bigint[]): bigint {
  return values.reduce((a, b) => (b < a ? b : a));
}

/** Sprig's math and number conversion functions. */
export const mathFunctions = {
  add1: (i: unknown) => wrap(toInt64(i) + 1n),
  add: variadic(0, (...args: unknown[]) => wrap(args.reduce<bigint>((a, b) => a + toInt64(b), 0n))),
  sub: (a: unknown, b: unknown) => wrap(toInt64(a) - toInt64(b)),
  div: (a: unknown, b: unknown) => divide(toInt64(a), toInt64(b)),
  mod: (a: unknown, b: unknown) => modulo(toInt64(a), toInt64(b)),
  mul: variadic(1, (a: unknown, ...rest: unknown[]) => wrap(rest.reduce<bigint>((acc, b) => acc * toInt64(b), toInt64(a)))),
  randInt: (min: unknown, max: unknown) => {
    const lo = intArg(min);
    const hi = intArg(max);
    if (hi - lo <= 0) throw new Error('invalid argument to Intn');
    return BigInt(randomInt(hi - lo) + lo);
  },
  add1f: (i: unknown) => decimalFold(decimalOps.add, i, [1]),
  addf: variadic(1, (a: unknown, ...rest: unknown[]) => decimalFold(decimalOps.add, a, rest)),
  subf: variadic(1, (a: unknown, ...rest: unknown[]) => decimalFold(decimalOps.sub, a, rest)),
  mulf: variadic(1, (a: unknown, ...rest: unknown[]) => decimalFold(decimalOps.mul, a, rest)),
  divf: variadic(1, (a: unknown, ...rest: unknown[]) => decimalFold(decimalOps.div, a, rest)),
  biggest: variadic(1, (a: unknown, ...rest: unknown[]) => maxOf([a, ...rest].map(toInt64))),
  max: variadic(1, (a: unknown, ...rest: unknown[]) => maxOf([a, ...rest].map(toInt64))),
  min: variadic(1, (a: unknown, ...rest: unknown[]) => minOf([a, ...rest].map(toInt64))),
  maxf: variadic(1, (a: unknown, ...rest: unknown[]) => Math.max(...[a, ...rest].map(toFloat64))),
  minf: variadic(1, (a: unknown, ...rest: unknown[]) => Math.min(...[a, ...rest].map(toFloat64))),
  ceil: (a: unknown) => Math.ceil(toFloat64(a)),
  floor: (a: unknown) => Math.floor(toFloat64(a)),
  round: variadic(2, round),
  atoi: (s: unknown) => {
    const str = stringArg(s);
    // Go's Atoi: decimal only, optional sign; invalid input gives 0 in Sprig.
    return /^[+-]?\d+$/.test(str) ? (parseGoInt(str.replace(/^([+-]?)0+(?=\d)/, '$1')) ?? 0n) : 0n;
  },
  int64: (v: unknown) => toInt64(v),
  int: (v: unknown) => toInt64(v),
  float64: (v: unknown) => toFloat64(v),
  toDecimal: (v: unknown) => {
    // Sprig parses the %v text as an octal number: toDecimal "0777" is 511.
    const m = /^([+-]?)([0-7]+)$/.exec(formatValue(v));
    if (!m) return 0n;
    const n = BigInt('0o' + m[2]);
    return m[1] === '-' ? -n : n;
  },
  seq: variadic(0, seq),
  until: (count: unknown) => {
    const n = intArg(count);
    return untilStep(0, n, n < 0 ? -1 : 1);
  },
  untilStep: (start: unknown, stop: unknown, step: unknown) => untilStep(intArg(start), intArg(stop), intArg(step)),
};
