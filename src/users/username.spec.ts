import { firstFreeUsername, USERNAME_PATTERN, usernameBase } from './username';

describe('usernameBase', () => {
  it.each([
    ['alice@example.com', undefined, 'alice'],
    ['Alice.Smith+tag@example.com', undefined, 'alice_smith_tag'],
    ['josé.müller@example.com', undefined, 'jose_muller'],
    ['a@example.com', 'Bob Jones', 'bob_jones'],
    ['x@example.com', '李', 'user'],
    ['a'.repeat(60) + '@example.com', undefined, 'a'.repeat(26)],
  ])('%s / %s → %s', (email, name, expected) => {
    const base = usernameBase(email, name);
    expect(base).toBe(expected);
    expect(base).toMatch(USERNAME_PATTERN);
  });
});

describe('firstFreeUsername', () => {
  it('takes the base, then the first free numeric suffix', () => {
    expect(firstFreeUsername('alice', [])).toBe('alice');
    expect(firstFreeUsername('alice', ['alice'])).toBe('alice2');
    expect(firstFreeUsername('alice', ['alice', 'alice2', 'alice4'])).toBe('alice3');
  });
});
