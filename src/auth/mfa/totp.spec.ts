import { Secret, TOTP } from 'otpauth';
import {
  kindOfCode,
  matchTotp,
  newRecoveryCodes,
  newTotpSecret,
  normalizeCode,
  otpauthUrl,
} from './totp';

describe('TOTP', () => {
  const secret = newTotpSecret();
  const at = (timestamp: number) =>
    new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp });
  const now = Date.UTC(2030, 0, 1, 12, 0, 15);
  const step = Math.floor(now / 30_000);

  it('makes 160-bit base32 secrets and an otpauth URL apps understand', () => {
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(secret);
    const url = new URL(otpauthUrl(secret, 'alice@example.com'));
    expect(url.protocol).toBe('otpauth:');
    expect(url.searchParams.get('secret')).toBe(secret);
    expect(url.searchParams.get('issuer')).toBe('Gatehouse');
    expect(url.searchParams.get('digits')).toBe('6');
    expect(url.searchParams.get('period')).toBe('30');
  });

  it('accepts the current code and one step either side, naming its step', () => {
    expect(matchTotp(secret, at(now), now)).toBe(step);
    expect(matchTotp(secret, at(now - 30_000), now)).toBe(step - 1);
    expect(matchTotp(secret, at(now + 30_000), now)).toBe(step + 1);
  });

  it('matches the RFC 6238 test vector (SHA-1, T=59 s)', () => {
    // The RFC's 8-digit 94287082, truncated to the 6 digits apps show.
    expect(matchTotp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', '287082', 59_000)).toBe(1);
  });

  it('refuses codes two steps away and malformed codes', () => {
    expect(matchTotp(secret, at(now - 60_000), now)).toBeNull();
    expect(matchTotp(secret, at(now + 60_000), now)).toBeNull();
    expect(matchTotp(secret, '12345', now)).toBeNull();
    expect(matchTotp(secret, 'abcdef', now)).toBeNull();
  });
});

describe('recovery codes', () => {
  it('makes ten distinct high-entropy codes', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) {
      expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
      expect(kindOfCode(normalizeCode(code))).toBe('recovery');
    }
  });

  it('tells TOTP codes, recovery codes and junk apart as typed', () => {
    expect(kindOfCode(normalizeCode(' 123 456 '))).toBe('totp');
    expect(kindOfCode(normalizeCode('ABCDE-FGHJK'))).toBe('recovery');
    expect(kindOfCode(normalizeCode('abcde-fghj'))).toBe('malformed');
    expect(kindOfCode(normalizeCode('1234567'))).toBe('malformed');
    expect(kindOfCode(normalizeCode('abcde-fghi0'))).toBe('malformed');
  });
});
