const started = new Map<string, Promise<unknown>>();

/**
 * Runs a single-use action (spending an emailed token) once per page load, even when React
 * runs an effect twice (StrictMode) or the component mounts again.
 */
export function once<T>(key: string, action: () => Promise<T>): Promise<T> {
  let promise = started.get(key) as Promise<T> | undefined;
  if (!promise) {
    promise = action();
    started.set(key, promise);
  }
  return promise;
}
