/**
 * A value a cache can give at once or a load gives later. Hot paths that answer from memory
 * return it as is: every `await`, even of a value already known, costs an async function's
 * promise and a few microtask turns, a measurable share of a request that does no I/O.
 */
export type MaybePromise<T> = T | Promise<T>;

/**
 * `next(value)` now when the value is known, after it settles when it is a promise. A throw
 * from `next` on the first path is synchronous: callers are async functions or Nest guards,
 * which turn it into a rejection as they would an awaited one.
 */
export function andThen<T, R>(
  value: MaybePromise<T>,
  next: (value: T) => MaybePromise<R>,
): MaybePromise<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}
