import { AppException } from '../errors/app.exception';

/** How deep a request's JSON may nest; the API's own bodies need a few levels. */
const MAX_BODY_DEPTH = 32;

// Keys that mean something to JavaScript objects.
export const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export interface ReservedKeyFinding {
  /** Dotted path of the object holding the key (`preferences.a`), or '' for the root. */
  path: string;
  key: string;
}

/**
 * The first `__proto__`, `constructor` or `prototype` own key anywhere in `value`, walked
 * without recursion so no nesting can exhaust the stack; `tooDeep` past `maxDepth` levels.
 */
export function findReservedKey(
  value: unknown,
  maxDepth: number,
): ReservedKeyFinding | { tooDeep: true } | null {
  const pending: Array<{ node: unknown; path: string; depth: number }> = [
    { node: value, path: '', depth: 1 },
  ];
  while (pending.length > 0) {
    const { node, path, depth } = pending.pop()!;
    // Bytes (a Buffer, a typed array) hold no keys, only indexes.
    if (node === null || typeof node !== 'object' || ArrayBuffer.isView(node)) continue;
    if (depth > maxDepth) return { tooDeep: true };
    // Object.keys gives an array only the items it holds (a sparse one's length can be huge).
    const isArray = Array.isArray(node);
    for (const key of Object.keys(node)) {
      if (!isArray && RESERVED_KEYS.has(key)) return { path, key };
      const childPath = isArray ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      pending.push({
        node: (node as Record<string, unknown>)[key],
        path: childPath,
        depth: depth + 1,
      });
    }
  }
  return null;
}

/**
 * Refuses (400 validation_failed) a value holding a `__proto__`, `constructor` or `prototype`
 * key at any depth, or nesting deeper than `MAX_BODY_DEPTH`: a client that sends one learns it
 * was refused, as for any unknown field, instead of the key being dropped silently.
 */
export function refuseReservedKeys(value: unknown): void {
  const finding = findReservedKey(value, MAX_BODY_DEPTH);
  if (!finding) return;
  if ('tooDeep' in finding) {
    throw new AppException('validation_failed', `The body nests deeper than ${MAX_BODY_DEPTH}`);
  }
  const field = finding.path ? finding.path.split(/[.[]/)[0] : finding.key;
  throw AppException.validation(
    field,
    `key "${finding.key}" is not allowed (at ${finding.path || 'the top level'})`,
  );
}
