import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { flattenValidationErrors } from '../common/errors/validation';
import { ProfileUpdateDto } from './dto/profile-update.dto';
import { canonicalLocale, canonicalTimeZone, preferencesProblem } from './profile-validation';

describe('canonicalTimeZone', () => {
  it.each([
    ['UTC', 'UTC'],
    ['utc', 'UTC'],
    ['Europe/Paris', 'Europe/Paris'],
    ['europe/paris', 'Europe/Paris'],
    ['Asia/Kolkata', 'Asia/Kolkata'],
    ['America/Argentina/Buenos_Aires', 'America/Argentina/Buenos_Aires'],
    ['Etc/GMT+5', 'Etc/GMT+5'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalTimeZone(input)).toBe(expected);
  });

  it.each(['', 'Mars/Olympus', '+01:00', 'UTC+1', 'Europe/../etc/passwd', 'x'.repeat(65), ' UTC'])(
    'refuses %j',
    (input) => expect(canonicalTimeZone(input)).toBeNull(),
  );
});

describe('canonicalLocale', () => {
  it.each([
    ['en', 'en'],
    ['en-us', 'en-US'],
    ['EN-gb', 'en-GB'],
    ['zh-Hant-TW', 'zh-Hant-TW'],
    ['sr-Latn-RS', 'sr-Latn-RS'],
    ['de-DE-u-co-phonebk', 'de-DE-u-co-phonebk'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalLocale(input)).toBe(expected);
  });

  it.each(['', 'e', 'en_US', 'x-private', '123', 'en--US', 'en-US-', 'en US', 'a'.repeat(65)])(
    'refuses %j',
    (input) => expect(canonicalLocale(input)).toBeNull(),
  );
});

describe('preferencesProblem', () => {
  const nested = (levels: number) => {
    let value: Record<string, unknown> = { leaf: 1 };
    for (let level = 1; level < levels; level++) value = { n: value };
    return value;
  };

  it('accepts JSON objects up to 16 KiB and 8 levels', () => {
    expect(preferencesProblem({})).toBeNull();
    expect(preferencesProblem({ a: [1, 'two', null, true, { b: [] }] })).toBeNull();
    expect(preferencesProblem(nested(8))).toBeNull();
    expect(preferencesProblem({ s: 'x'.repeat(16 * 1024 - 10) })).toBeNull();
  });

  it.each([
    ['an array', []],
    ['null', null],
    ['a string', 'dark'],
    ['a class instance', new Date()],
    ['9 levels', nested(9)],
    ['17 KiB', { s: 'x'.repeat(17 * 1024) }],
    ['a non-finite number', { n: Infinity }],
    ['a NUL', { s: 'a\u0000' }],
    ['a NUL in a key', { 'a\u0000': 1 }],
    ['a lone surrogate', { s: '\udc00' }],
    ['a constructor key', { constructor: 1 }],
    ['a nested prototype key', { a: { b: [{ prototype: 1 }] } }],
    ['an own __proto__ key (as JSON.parse makes it)', JSON.parse('{"a":{"__proto__":{"x":1}}}')],
  ])('refuses %s', (_name, value) => {
    expect(preferencesProblem(value)).toEqual(expect.any(String));
  });
});

describe('ProfileUpdateDto (defence in depth, outside the HTTP pipe)', () => {
  // As another caller would use it: class-transformer then class-validator, no key stripping.
  async function errorsFor(body: unknown) {
    const dto = plainToInstance(ProfileUpdateDto, body);
    const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
    return { dto, errors: flattenValidationErrors(errors) };
  }

  it('keeps valid preferences exactly as sent', async () => {
    const body = { preferences: { theme: 'dark', nested: { list: [1, 2] } } };
    const { dto, errors } = await errorsFor(body);
    expect(errors).toEqual([]);
    expect(dto.preferences).toEqual(body.preferences);
  });

  it.each([
    '{"preferences":{"__proto__":{"isAdmin":true}}}',
    '{"preferences":{"a":{"__proto__":{"isAdmin":true}}}}',
    '{"preferences":{"a":{"constructor":{"prototype":{"isAdmin":true}}}}}',
    '{"preferences":{"constructor":1}}',
    '{"preferences":{"prototype":1}}',
  ])('refuses %s', async (raw) => {
    const { errors } = await errorsFor(JSON.parse(raw));
    expect(errors).toEqual([
      { field: 'preferences', message: expect.stringMatching(/is not allowed/) },
    ]);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });
});
