/** How many arguments a template function takes: Go checks this before calling. */
export interface Arity {
  min: number;
  variadic: boolean;
}

const declared = new WeakMap<object, Arity>();
const rawArgs = new WeakSet<object>();

/**
 * Marks `fn` as variadic with at least `min` arguments (Go's `func(a T, rest ...T)`). Without the mark a
 * function takes exactly `fn.length` arguments (its parameters before any default or rest parameter).
 */
export function variadic<F extends (...args: never[]) => unknown>(min: number, fn: F): F {
  declared.set(fn, { min, variadic: true });
  return fn;
}

/** The arity the executor enforces for `fn`. */
export function arityOf(fn: (...args: never[]) => unknown): Arity {
  return declared.get(fn) ?? { min: fn.length, variadic: false };
}

/**
 * Marks a builtin that sees missing values as `undefined` (Go's builtins take reflect.Value and so can tell
 * "no value" from nil); other functions receive nil for a missing value.
 */
export function rawArgsFunction<F extends (...args: never[]) => unknown>(fn: F): F {
  rawArgs.add(fn);
  return fn;
}

/** True for builtins registered with rawArgsFunction. */
export function isRawArgs(fn: (...args: never[]) => unknown): boolean {
  return rawArgs.has(fn);
}
