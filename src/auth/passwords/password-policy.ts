import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// common-passwords.txt is the `passwords-common` dictionary of @zxcvbn-ts/language-common 4.1.3
// (MIT, (c) Dan Wheeler and Dropbox, Inc. and @zxcvbn-ts), lower-cased and deduplicated.
// It sits next to this file in src and, through nest-cli.json's assets, in dist too.
const COMMON_PASSWORDS_FILE = join(__dirname, 'common-passwords.txt');

export const MAX_PASSWORD_LENGTH = 256;

// Shorter identifiers (e.g. "bob") occur inside too many unrelated passwords to be worth rejecting.
const MIN_IDENTIFIER_LENGTH = 4;

export interface PasswordPolicyContext {
  email?: string;
  username?: string;
}

// Loaded on first use so that importing the policy costs nothing until a password is checked.
let commonPasswords: Set<string> | undefined;

function loadCommonPasswords(): Set<string> {
  if (commonPasswords === undefined) {
    const entries = readFileSync(COMMON_PASSWORDS_FILE, 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0);
    commonPasswords = new Set(entries);
  }
  return commonPasswords;
}

export function commonPasswordCount(): number {
  return loadCommonPasswords().size;
}

// NFKC folds look-alike forms (full-width letters, ligatures) so they cannot dodge the comparisons.
function foldForComparison(value: string): string {
  return value.normalize('NFKC').toLowerCase();
}

function codePointLength(value: string): number {
  return [...value].length;
}

function emailLocalPart(email: string): string {
  const atIndex = email.lastIndexOf('@');
  return atIndex === -1 ? email : email.slice(0, atIndex);
}

function characters(count: number): string {
  return count === 1 ? '1 character' : `${count} characters`;
}

export class PasswordPolicy {
  constructor(private readonly minLength: number) {
    if (!Number.isInteger(minLength) || minLength < 1 || minLength > MAX_PASSWORD_LENGTH) {
      throw new RangeError(
        `Password minimum length must be an integer between 1 and ${MAX_PASSWORD_LENGTH}, got ${minLength}.`,
      );
    }
  }

  /** Returns null when the password is acceptable, otherwise a sentence explaining why not. */
  check(password: string, context: PasswordPolicyContext = {}): string | null {
    // NUL truncates strings in C-based libraries and some storage layers, so it never gets through.
    if (password.includes('\0')) {
      return 'Password must not contain control characters.';
    }

    // Code points, not UTF-16 units, so an emoji counts as one character as a person would count it.
    const length = codePointLength(password);
    if (length < this.minLength) {
      return `Password must be at least ${characters(this.minLength)} long.`;
    }
    if (length > MAX_PASSWORD_LENGTH) {
      return `Password must be at most ${characters(MAX_PASSWORD_LENGTH)} long.`;
    }

    const foldedPassword = foldForComparison(password);
    if (loadCommonPasswords().has(foldedPassword)) {
      return 'This password is too common; choose one that is harder to guess.';
    }

    const identifiers = [
      context.email === undefined ? undefined : emailLocalPart(context.email),
      context.username,
    ];
    for (const identifier of identifiers) {
      if (identifier === undefined) continue;
      const foldedIdentifier = foldForComparison(identifier.trim());
      if (
        codePointLength(foldedIdentifier) >= MIN_IDENTIFIER_LENGTH &&
        foldedPassword.includes(foldedIdentifier)
      ) {
        return 'Password must not contain your email address or username.';
      }
    }

    return null;
  }
}
