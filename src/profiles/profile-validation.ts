import { registerDecorator, ValidationOptions } from 'class-validator';
import { RESERVED_KEYS } from '../common/validation/reserved-keys';

export const PREFERENCES_MAX_BYTES = 16 * 1024;
export const PREFERENCES_MAX_DEPTH = 8;

// Area/Location names and the legacy single-word zones (UTC, EST5EDT, Etc/GMT+5); never a raw
// offset such as "+01:00".
const TIME_ZONE_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*(?:\/[A-Za-z0-9_+-]+){0,2}$/;
const KNOWN_TIME_ZONES = new Map(
  [...Intl.supportedValuesOf('timeZone'), 'UTC'].map((zone) => [zone.toLowerCase(), zone]),
);

/**
 * The IANA time zone `value` names, in its usual spelling, or null. ICU decides (it knows
 * aliases such as Asia/Kolkata that `Intl.supportedValuesOf` leaves out).
 */
export function canonicalTimeZone(value: string): string | null {
  if (value.length > 64 || !TIME_ZONE_PATTERN.test(value)) return null;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
  const lower = value.toLowerCase();
  const known = KNOWN_TIME_ZONES.get(lower);
  if (known) return known;
  return resolved.toLowerCase() === lower ? resolved : value;
}

// language (2–3 letters, or 5–8 registered), then subtags of 1–8 letters/digits.
const LOCALE_PATTERN =
  /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$|^[A-Za-z]{5,8}(?:-[A-Za-z0-9]{1,8})*$/;

/** The canonical BCP 47 form of `value` (`en-us` → `en-US`), or null when it is not one. */
export function canonicalLocale(value: string): string | null {
  if (value.length > 64 || !LOCALE_PATTERN.test(value)) return null;
  try {
    const [canonical] = Intl.getCanonicalLocales(value);
    return canonical && canonical.length <= 64 ? canonical : null;
  } catch {
    return null;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** Why `value` is not an acceptable preferences object, or null when it is. */
export function preferencesProblem(value: unknown): string | null {
  if (!isPlainObject(value)) return 'must be a JSON object';
  const problem = jsonProblem(value, 'preferences', 1);
  if (problem) return problem;
  const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
  return bytes > PREFERENCES_MAX_BYTES
    ? `must be at most ${PREFERENCES_MAX_BYTES} bytes as JSON (got ${bytes})`
    : null;
}

// PostgreSQL's jsonb cannot hold NUL or unpaired surrogates: refused rather than a 500.
// eslint-disable-next-line no-control-regex -- matching NUL is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function stringProblem(text: string, where: string): string | null {
  if (UNSTORABLE.test(text)) {
    return `${where} contains a NUL character or invalid Unicode`;
  }
  return null;
}

function jsonProblem(value: unknown, path: string, depth: number): string | null {
  if (value === null || typeof value === 'boolean') return null;
  if (typeof value === 'string') return stringProblem(value, path);
  if (typeof value === 'number') return Number.isFinite(value) ? null : `${path} is not finite`;
  if (typeof value !== 'object') return `${path} is not a JSON value`;
  if (depth > PREFERENCES_MAX_DEPTH) return `nests deeper than ${PREFERENCES_MAX_DEPTH} levels`;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const problem = jsonProblem(value[index], `${path}[${index}]`, depth + 1);
      if (problem) return problem;
    }
    return null;
  }
  if (!isPlainObject(value)) return `${path} is not a JSON value`;
  // Own keys, read without touching the prototype chain (a JSON `__proto__` is an own key).
  for (const key of Object.keys(value)) {
    if (RESERVED_KEYS.has(key)) return `key "${key}" is not allowed (at ${path})`;
    const keyProblem = stringProblem(key, `a key at ${path}`);
    if (keyProblem) return keyProblem;
    const problem = jsonProblem(value[key], `${path}.${key}`, depth + 1);
    if (problem) return problem;
  }
  return null;
}

/** An IANA time zone name. */
export function IsTimeZone(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isTimeZone',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && canonicalTimeZone(value) !== null,
        defaultMessage: (args) =>
          `${args?.property} must be an IANA time zone name such as Europe/Paris or UTC`,
      },
    });
}

/** A BCP 47 language tag. */
export function IsLocale(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isLocale',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && canonicalLocale(value) !== null,
        defaultMessage: (args) => `${args?.property} must be a BCP 47 language tag such as en-US`,
      },
    });
}

/** A plain JSON object within the size, depth and key rules of `preferencesProblem`. */
export function IsPreferences(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isPreferences',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => preferencesProblem(value) === null,
        defaultMessage: (args) => `${args?.property} ${preferencesProblem(args?.value)}`,
      },
    });
}
