import {
  commonPasswordCount,
  MAX_PASSWORD_LENGTH,
  PasswordPolicy,
  PasswordPolicyContext,
} from './password-policy';

const TOO_SHORT = 'Password must be at least 8 characters long.';
const TOO_LONG = 'Password must be at most 256 characters long.';
const TOO_COMMON = 'This password is too common; choose one that is harder to guess.';
const CONTAINS_IDENTIFIER = 'Password must not contain your email address or username.';
const CONTROL_CHARACTER = 'Password must not contain control characters.';

interface PolicyCase {
  name: string;
  password: string;
  context?: PasswordPolicyContext;
  expected: string | null;
}

describe('PasswordPolicy', () => {
  const policy = new PasswordPolicy(8);

  const cases: PolicyCase[] = [
    { name: 'one character short', password: 'zq7#mv2', expected: TOO_SHORT },
    { name: 'empty', password: '', expected: TOO_SHORT },
    { name: 'exactly the minimum length', password: 'zq7#mv2!', expected: null },
    // 7 emoji are 14 UTF-16 units but 7 code points, so the length rule must count code points.
    { name: 'astral characters count once each', password: '🦊'.repeat(7), expected: TOO_SHORT },
    { name: 'exactly the maximum length', password: 'ab3$'.repeat(64), expected: null },
    { name: 'one over the maximum length', password: 'ab3$'.repeat(64) + 'z', expected: TOO_LONG },
    { name: 'maximum length in emoji', password: '🦊'.repeat(256), expected: null },
    { name: 'common: password', password: 'password', expected: TOO_COMMON },
    { name: 'common: 123456789', password: '123456789', expected: TOO_COMMON },
    { name: 'common, mixed case: Password1', password: 'Password1', expected: TOO_COMMON },
    { name: 'common, upper case: PASSWORD', password: 'PASSWORD', expected: TOO_COMMON },
    { name: 'common, full-width letters', password: 'ｐａｓｓｗｏｒｄ', expected: TOO_COMMON },
    {
      name: 'contains the email local part, case-insensitively',
      password: 'xxAliceRocks99',
      context: { email: 'alice@example.com' },
      expected: CONTAINS_IDENTIFIER,
    },
    {
      name: 'local part is taken before the last @',
      password: 'my-a@b.c-rocks',
      context: { email: 'a@b.c@example.com' },
      expected: CONTAINS_IDENTIFIER,
    },
    {
      name: 'a 3-character local part is not checked',
      password: 'xxBobRocks99',
      context: { email: 'bob@example.com' },
      expected: null,
    },
    {
      name: 'contains the username, case-insensitively',
      password: 'secret-CAROL99-lake',
      context: { username: 'carol99' },
      expected: CONTAINS_IDENTIFIER,
    },
    {
      name: 'a 3-character username is not checked',
      password: 'secret-Dan-lake',
      context: { username: 'dan' },
      expected: null,
    },
    {
      name: 'the email domain alone does not count',
      password: 'example.com-lake-77',
      context: { email: 'erin@example.com' },
      expected: null,
    },
    { name: 'contains NUL', password: 'correct\0horse battery', expected: CONTROL_CHARACTER },
    {
      name: 'strong passphrase',
      password: 'correct horse battery staple',
      context: { email: 'alice@example.com', username: 'alice' },
      expected: null,
    },
  ];

  it.each(cases)('$name', ({ password, context, expected }) => {
    expect(policy.check(password, context)).toBe(expected);
  });

  it('uses the configured minimum length in its message', () => {
    expect(new PasswordPolicy(12).check('zq7#mv2!abc')).toBe(
      'Password must be at least 12 characters long.',
    );
  });

  it.each([0, -1, 1.5, Number.NaN, MAX_PASSWORD_LENGTH + 1])(
    'refuses a minimum length of %p',
    (minLength) => {
      expect(() => new PasswordPolicy(minLength)).toThrow(RangeError);
    },
  );
});

describe('common password list', () => {
  it('has at least 10,000 entries', () => {
    expect(commonPasswordCount()).toBeGreaterThanOrEqual(10_000);
  });
});
