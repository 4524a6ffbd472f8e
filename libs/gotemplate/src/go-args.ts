import { goTypeName } from './values';

/**
 * A Go type mismatch between an argument and a typed function parameter (Go's validateType). The executor
 * reports it as Go does, without the "error calling" prefix.
 */
export class ArgumentTypeError extends Error {}

function mismatch(expected: string, v: unknown): never {
  if (v === null || v === undefined) throw new ArgumentTypeError(`invalid value; expected ${expected}`);
  throw new ArgumentTypeError(`wrong type for value; expected ${expected}; got ${goTypeName(v)}`);
}

/** A `string` parameter. */
export function stringArg(v: unknown): string {
  if (typeof v === 'string') return v;
  return mismatch('string', v);
}

/** An `int` parameter: only Go ints (bigint) convert; a float64 is a type error as in Go. */
export function intArg(v: unknown): number {
  if (typeof v === 'bigint') return Number(v);
  return mismatch('int', v);
}

/** A `bool` parameter. */
export function boolArg(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  return mismatch('bool', v);
}

/** A `map[string]interface{}` parameter (a plain object or a Map). */
export function mapArg(v: unknown): Record<string, unknown> | Map<string, unknown> {
  if (v instanceof Map) return v as Map<string, unknown>;
  if (typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array)) {
    return v as Record<string, unknown>;
  }
  return mismatch('map[string]interface {}', v);
}
