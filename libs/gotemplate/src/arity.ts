/** How many arguments a template function takes: Go checks this before calling. */
export interface Arity {
  min: number;
  variadic: boolean;
}

const declared = new WeakMap<object, Arity>();
const builtins = new WeakSet<object>();

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

/** Marks one of Go's predefined functions: only the builtin and/or short-circuit, not a FuncMap override. */
export function builtin<F extends (...args: never[]) => unknown>(fn: F): F {
  builtins.add(fn);
  return fn;
}

/** True for functions registered with builtin(). */
export function isBuiltin(fn: (...args: never[]) => unknown): boolean {
  return builtins.has(fn);
}
