export const USERNAME_PATTERN = /^[a-z0-9_]{3,30}$/;
const MAX_LENGTH = 30;

/** Lower-case ASCII letters, digits and `_`, from any text (accents dropped). */
function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '');
}

/** The base of a generated username: the email's local part, else the name, else `user`. */
export function usernameBase(email: string, name?: string): string {
  const at = email.lastIndexOf('@');
  const fromEmail = slug(at === -1 ? email : email.slice(0, at));
  const candidate = fromEmail.length >= 3 ? fromEmail : slug(name ?? '');
  const base = candidate.length >= 3 ? candidate : 'user';
  // Leave room for a numeric suffix.
  return base.slice(0, MAX_LENGTH - 4).replace(/_$/, '');
}

/** The first free username: the base itself, else base2, base3… (gaps are reused). */
export function firstFreeUsername(base: string, taken: Iterable<string>): string {
  const takenSet = new Set(taken);
  if (!takenSet.has(base)) return base;
  for (let suffix = 2; ; suffix++) {
    const candidate = `${base}${suffix}`;
    if (!takenSet.has(candidate)) return candidate;
  }
}
