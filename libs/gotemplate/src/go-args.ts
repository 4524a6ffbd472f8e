import { goTypeName } from './values';

/**
 * A Go type mismatch between an argument and a typed function parameter (Go's validateType). The executor
 * reports it as Go does, without the "error calling" prefix.
 */
export class ArgumentTypeError extends Error {}

/**
 * Go's validateType messages: a missing value (undefined, Go's invalid reflect.Value) is an "invalid value";
 * a nil taken from a map is an interface{} holding nil, which no concrete parameter type accepts.
 */
function mismatch(expected: string, v: unknown): never {
  if (v === undefined) throw new ArgumentTypeError(`invalid value; expected ${expected}`);
  const got = v === null ? 'interface {}' : goTypeName(v);
  throw new ArgumentTypeError(`wrong type for value; expected ${expected}; got ${got}`);
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

/**
 * A `map[string]interface{}` parameter (a plain object or a Map). A missing value is Go's nil map: readable
 * and empty, but `forWrite` it fails as Go's assignment to a nil map does.
 */
export function mapArg(v: unknown, forWrite = false): Record<string, unknown> | Map<string, unknown> {
  if (v === undefined) {
    if (forWrite) throw new Error('assignment to entry in nil map');
    return {};
  }
  if (v instanceof Map) return v as Map<string, unknown>;
  if (typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array)) {
    return v as Record<string, unknown>;
  }
  return mismatch('map[string]interface {}', v);
}
