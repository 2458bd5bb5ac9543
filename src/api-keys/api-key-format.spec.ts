import { displayPrefix, generateApiKey, isWellFormedApiKey } from './api-key-format';

describe('API key format', () => {
  it('makes gk_ keys with 256 bits of URL-safe randomness', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => generateApiKey()));
    expect(keys.size).toBe(1000);
    for (const key of keys) {
      expect(key).toMatch(/^gk_[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(key.slice(3), 'base64url')).toHaveLength(32);
    }
  });

  it('spreads characters evenly (no obvious bias)', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      for (const char of generateApiKey().slice(3, 45))
        counts.set(char, (counts.get(char) ?? 0) + 1);
    }
    expect(counts.size).toBe(64);
    const expected = (2000 * 42) / 64;
    for (const count of counts.values())
      expect(Math.abs(count - expected) / expected).toBeLessThan(0.2);
  });

  it.each([
    '',
    'gk_',
    'gk_short',
    `GK_${'a'.repeat(43)}`,
    `gk_${'a'.repeat(42)}!`,
    `gk_${'a'.repeat(44)}`,
  ])('refuses %p', (value) => expect(isWellFormedApiKey(value)).toBe(false));

  it('shows only a short prefix', () => {
    const key = generateApiKey();
    expect(displayPrefix(key)).toBe(key.slice(0, 11));
  });
});
