import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { Exclude, Expose, Transform, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { AppException } from '../errors/app.exception';
import { validationException } from '../errors/validation';
import { RequestValidationPipe } from './request-validation.pipe';
import { NormalizeEmail, Trim } from './transforms';

class VerifyLike {
  @IsString()
  @MaxLength(8)
  key!: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10)
  cost?: number;
}

class Conditional {
  @IsIn(['email', 'phone'])
  channel!: string;

  @ValidateIf((object: Conditional) => object.channel === 'email')
  @IsString()
  @MaxLength(5)
  address?: string;
}

class Inner {
  @IsString()
  name!: string;
}

class Outer {
  @ValidateNested()
  @Type(() => Inner)
  inner!: Inner;
}

class Listed {
  @IsString({ each: true })
  tags!: string[];
}

class WithoutRules {
  name?: string;
}

class Transformed {
  @NormalizeEmail()
  @IsString()
  email!: string;

  @Trim()
  @IsString()
  @MaxLength(3)
  name!: string;
}

/** As the page query: converted fields beside a plain one. */
class PartlyConverted {
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : value,
  )
  @IsInt()
  @Min(1)
  limit?: number;

  @IsOptional()
  @IsString()
  cursor?: string;

  @IsOptional()
  @Trim()
  @IsString()
  label?: string;
}

class WithDefaults {
  @IsOptional()
  @IsInt()
  limit: number = 20;

  @IsOptional()
  @IsString()
  cursor?: string;
}

@Exclude()
class ExposedOnly {
  @Expose()
  @IsString()
  shown!: string;

  @IsOptional()
  @IsString()
  hidden?: string;
}

class WithAccessor {
  @IsOptional()
  @IsString()
  get label(): string {
    return 'fixed';
  }
}

/** Nest's own pipe with the same options: the reference every answer must match. */
const reference = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  transform: true,
  exceptionFactory: validationException,
});

async function outcome(pipe: ValidationPipe, metatype: new () => unknown, value: unknown) {
  const metadata: ArgumentMetadata = { type: 'body', metatype };
  try {
    const result: unknown = await pipe.transform(value, metadata);
    return { ok: true, instanceOf: (result as object).constructor.name, result };
  } catch (error) {
    if (!(error instanceof AppException)) throw error;
    return { ok: false, status: error.status, message: error.message, errors: error.errors };
  }
}

/**
 * A shallow copy with the same prototype, made in this realm: structuredClone's objects come
 * from Node's own realm, not the test's, and would never look like a parsed JSON body.
 */
function copyOf(value: unknown): unknown {
  if (Array.isArray(value)) return [...(value as unknown[])];
  if (value === null || typeof value !== 'object') return value;
  return Object.assign(
    Object.create(Object.getPrototypeOf(value) as object | null) as object,
    value,
  );
}

describe('RequestValidationPipe', () => {
  const pipe = new RequestValidationPipe(validationException);

  afterEach(() => {
    RequestValidationPipe.crossCheck = false;
  });

  const cases: Array<[string, new () => unknown, unknown[]]> = [
    [
      'flat rules with an optional field',
      VerifyLike,
      [
        { key: 'abc' },
        { key: 'abc', cost: 3 },
        { key: 'abc', cost: null },
        { key: 'abcdefghi' },
        { key: 5 },
        {},
        { key: 'abc', cost: 11 },
        { key: 'abc', cost: 1.5 },
        { key: 'abc', cost: '3' },
        { key: 'abc', extra: true },
        { key: 'abc', __proto__: { polluted: true } },
        null,
        'text',
        [],
      ],
    ],
    [
      '@ValidateIf',
      Conditional,
      [
        { channel: 'email', address: 'a@b' },
        { channel: 'email', address: 'toolong@example.com' },
        { channel: 'email' },
        { channel: 'phone', address: 12 },
        { channel: 'fax' },
      ],
    ],
    [
      'nested objects (left to class-validator)',
      Outer,
      [{ inner: { name: 'x' } }, { inner: { name: 1 } }, { inner: 'x' }],
    ],
    [
      '`each` (left to class-validator)',
      Listed,
      [{ tags: ['a', 'b'] }, { tags: ['a', 2] }, { tags: 'a' }],
    ],
    ['a class without rules', WithoutRules, [{}, { name: 'x' }]],
    [
      'class-transformer decorators (left to class-transformer)',
      Transformed,
      [
        { email: ' A@Example.COM ', name: ' ab' },
        { email: 'a@example.com', name: ' abcd ' },
        { email: 'a@example.com', name: ['ab'] },
      ],
    ],
    [
      'converted fields beside a plain one',
      PartlyConverted,
      [
        {},
        { cursor: 'c' },
        { limit: '5' },
        { limit: '5', cursor: 'c' },
        { limit: 'x' },
        { limit: 0 },
        { label: ' x ', cursor: 'c' },
      ],
    ],
    [
      'property defaults',
      WithDefaults,
      [{}, { limit: 5 }, { cursor: 'c' }, { limit: null }, { limit: 'x' }, { cursor: { a: 1 } }],
    ],
    ['@Expose / @Exclude', ExposedOnly, [{ shown: 'x' }, { shown: 'x', hidden: 'y' }]],
    ['an accessor', WithAccessor, [{}, { label: 'x' }]],
  ];

  it.each(cases)('answers as Nest’s ValidationPipe does: %s', async (_name, metatype, values) => {
    for (const value of values) {
      const copy = () => copyOf(value);
      const expected = await outcome(reference, metatype, copy());
      const actual = await outcome(pipe, metatype, copy());
      expect({ value, ...actual }).toEqual({ value, ...expected });
    }
  });

  it('builds the DTO instance for a valid body', async () => {
    const result = await outcome(pipe, VerifyLike, { key: 'abc', cost: 2 });
    expect(result).toMatchObject({
      ok: true,
      instanceOf: 'VerifyLike',
      result: { key: 'abc', cost: 2 },
    });
  });

  it('builds a flat body without class-transformer, and the same instance as it would', async () => {
    const general = jest.spyOn(ValidationPipe.prototype, 'transform');
    try {
      const quick = await outcome(pipe, WithDefaults, { cursor: 'c' });
      expect(general).not.toHaveBeenCalled();
      expect(quick).toEqual(await outcome(reference, WithDefaults, { cursor: 'c' }));
      expect(quick).toMatchObject({
        instanceOf: 'WithDefaults',
        result: { limit: 20, cursor: 'c' },
      });

      await outcome(pipe, Transformed, { email: 'a@example.com', name: 'ab' });
      expect(general).toHaveBeenCalledTimes(2); // the reference above, then this one
    } finally {
      general.mockRestore();
    }
  });

  it('skips class-transformer when no field present has a decorator of it', async () => {
    const general = jest.spyOn(ValidationPipe.prototype, 'transform');
    try {
      await expect(outcome(pipe, PartlyConverted, { cursor: 'c' })).resolves.toMatchObject({
        ok: true,
        instanceOf: 'PartlyConverted',
        result: { cursor: 'c' },
      });
      await expect(outcome(pipe, PartlyConverted, {})).resolves.toMatchObject({ ok: true });
      expect(general).not.toHaveBeenCalled();

      // A converted field, present, goes through class-transformer.
      await expect(outcome(pipe, PartlyConverted, { limit: '5' })).resolves.toMatchObject({
        ok: true,
        result: { limit: 5 },
      });
      await expect(outcome(pipe, PartlyConverted, { label: ' x ' })).resolves.toMatchObject({
        ok: true,
        result: { label: 'x' },
      });
      expect(general).toHaveBeenCalledTimes(2);
    } finally {
      general.mockRestore();
    }
  });

  it('in cross-check mode, compares a quick instance with the general path’s', async () => {
    RequestValidationPipe.crossCheck = true;
    await expect(outcome(pipe, VerifyLike, { key: 'abc', cost: 2 })).resolves.toMatchObject({
      ok: true,
      result: { key: 'abc', cost: 2 },
    });
  });

  it('in cross-check mode, lets class-validator confirm what a plan passed', async () => {
    RequestValidationPipe.crossCheck = true;
    await expect(outcome(pipe, VerifyLike, { key: 'abc' })).resolves.toMatchObject({ ok: true });
    await expect(outcome(pipe, VerifyLike, { key: 'abcdefghi' })).resolves.toMatchObject({
      ok: false,
      status: 400,
      errors: [expect.objectContaining({ field: 'key' })],
    });
  });
});
