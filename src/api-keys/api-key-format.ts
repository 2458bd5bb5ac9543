import { randomToken } from '../common/crypto/tokens';

export const API_KEY_PREFIX = 'gk_';
/** `gk_` + 43 base64url characters: 32 random bytes (256 bits). */
const API_KEY_PATTERN = /^gk_[A-Za-z0-9_-]{43}$/;
const DISPLAY_PREFIX_LENGTH = API_KEY_PREFIX.length + 8;

export function generateApiKey(): string {
  return API_KEY_PREFIX + randomToken();
}

/** Checked before any database lookup: a malformed key costs no database work. */
export function isWellFormedApiKey(value: string): boolean {
  return API_KEY_PATTERN.test(value);
}

export function displayPrefix(key: string): string {
  return key.slice(0, DISPLAY_PREFIX_LENGTH);
}
