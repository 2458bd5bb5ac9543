/** Lower-case ASCII letters and digits in hyphen-separated groups, 1–50 characters. */
export const SLUG_PATTERN = /^(?=.{1,50}$)[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const SLUG_MAX_LENGTH = 50;
/** Room left after a generated base for a `-NNNN` suffix. */
const BASE_MAX_LENGTH = SLUG_MAX_LENGTH - 8;
const FALLBACK_BASE = 'org';

/** The base of a generated slug: the name in `a-z0-9` and `-` (accents dropped), else `org`. */
export function slugBase(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, BASE_MAX_LENGTH)
    .replace(/-+$/, '');
  return slug || FALLBACK_BASE;
}

/** The base itself when free, else `base-2`, `base-3`… (the first free suffix). */
export function firstFreeSlug(base: string, taken: Iterable<string>): string {
  const takenSet = new Set(taken);
  if (!takenSet.has(base)) return base;
  for (let suffix = 2; ; suffix++) {
    const candidate = `${base}-${suffix}`;
    if (!takenSet.has(candidate)) return candidate;
  }
}
