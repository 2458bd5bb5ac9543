import { isVerifiedFlag, normalizeProviderEmail } from './oauth-provider';

describe('provider claims', () => {
  it.each([
    ['  Alice@Example.COM ', 'alice@example.com'],
    ['bob+tag@sub.example.org', 'bob+tag@sub.example.org'],
    ['no-at-sign', null],
    ['two words@example.com', null],
    ['a@localhost', null],
    [`${'x'.repeat(250)}@example.com`, null],
    [42, null],
    [undefined, null],
  ])('normalizes the email %p to %p', (input, expected) => {
    expect(normalizeProviderEmail(input)).toBe(expected);
  });

  it('trusts only an explicit true as "verified"', () => {
    expect(isVerifiedFlag(true)).toBe(true);
    expect(isVerifiedFlag('true')).toBe(true);
    for (const value of [false, 'false', 1, 'yes', undefined, null]) {
      expect(isVerifiedFlag(value)).toBe(false);
    }
  });
});
