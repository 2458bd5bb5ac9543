import { randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

/** RFC 6238 as every authenticator app implements it: SHA-1, 30 s, 6 digits. */
const PERIOD_SECONDS = 30;
const DIGITS = 6;
/** One step either side, for clock drift and slow typing. */
const WINDOW = 1;
const ISSUER = 'Gatehouse';

export const RECOVERY_CODE_COUNT = 10;
/** No 0/o, 1/l/i: codes are read off paper. 31 symbols × 10 ≈ 49.5 bits each. */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const RECOVERY_HALF = 5;
const RECOVERY_PATTERN = new RegExp(`^[${RECOVERY_ALPHABET}]{${RECOVERY_HALF * 2}}$`);
const TOTP_PATTERN = /^\d{6}$/;

function totp(secretBase32: string, label = ''): TOTP {
  return new TOTP({
    issuer: ISSUER,
    label,
    algorithm: 'SHA1',
    digits: DIGITS,
    period: PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  });
}

/** A fresh 160-bit secret (RFC 4226's recommended size), base32 as apps expect it. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export function otpauthUrl(secretBase32: string, accountName: string): string {
  return totp(secretBase32, accountName).toString();
}

/**
 * The time step a code belongs to when it is valid now (±1 step), else null. The caller
 * accepts it only when the step is later than the last accepted one (no replay).
 */
export function matchTotp(secretBase32: string, code: string, now = Date.now()): number | null {
  if (!TOTP_PATTERN.test(code)) return null;
  const delta = totp(secretBase32).validate({ token: code, timestamp: now, window: WINDOW });
  if (delta === null) return null;
  return Math.floor(now / 1000 / PERIOD_SECONDS) + delta;
}

/** Codes as typed: spaces and dashes dropped, lower case. */
export function normalizeCode(code: string): string {
  return code.replace(/[\s-]/g, '').toLowerCase();
}

export type CodeKind = 'totp' | 'recovery' | 'malformed';

export function kindOfCode(normalized: string): CodeKind {
  if (TOTP_PATTERN.test(normalized)) return 'totp';
  if (RECOVERY_PATTERN.test(normalized)) return 'recovery';
  return 'malformed';
}

/** Ten single-use recovery codes, `xxxxx-xxxxx`, from a CSPRNG. */
export function newRecoveryCodes(): string[] {
  const codes = new Set<string>();
  while (codes.size < RECOVERY_CODE_COUNT) {
    const chars = Array.from(
      { length: RECOVERY_HALF * 2 },
      () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)],
    ).join('');
    codes.add(`${chars.slice(0, RECOVERY_HALF)}-${chars.slice(RECOVERY_HALF)}`);
  }
  return [...codes];
}
