import { SecretBox } from './secret-box';
import { randomToken, tokenDigest } from './tokens';

describe('SecretBox', () => {
  const box = new SecretBox('a'.repeat(32), 'test');

  it('round-trips and never repeats a ciphertext', () => {
    const sealed = box.seal('private key material');
    expect(sealed).not.toContain('private');
    expect(box.open(sealed)).toBe('private key material');
    expect(box.seal('private key material')).not.toBe(sealed);
  });

  it('refuses a tampered value, another purpose and another secret', () => {
    const sealed = box.seal('secret');
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(() => box.open(tampered)).toThrow();
    expect(() => new SecretBox('a'.repeat(32), 'other').open(sealed)).toThrow();
    expect(() => new SecretBox('b'.repeat(32), 'test').open(sealed)).toThrow();
    expect(() => box.open('garbage')).toThrow('Unrecognised');
  });
});

describe('tokens', () => {
  it('makes 256-bit URL-safe tokens and stable digests', () => {
    const token = randomToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken()).not.toBe(token);
    expect(tokenDigest(token).equals(tokenDigest(token))).toBe(true);
    expect(tokenDigest(token)).toHaveLength(32);
  });
});
