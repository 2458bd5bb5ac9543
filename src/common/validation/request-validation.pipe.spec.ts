import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { Type } from 'class-transformer';
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
  ];

  it.each(cases)('answers as Nest’s ValidationPipe does: %s', async (_name, metatype, values) => {
    for (const value of values) {
      const copy = () => (value && typeof value === 'object' ? structuredClone(value) : value);
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
