import { AppException } from '../errors/app.exception';
import { findReservedKey, refuseReservedKeys } from './reserved-keys';

describe('findReservedKey', () => {
  it('finds reserved keys at any depth, without recursion', () => {
    expect(findReservedKey({ a: { b: 1 } }, 32)).toBeNull();
    expect(findReservedKey(JSON.parse('{"p":{"x":[{"__proto__":1}]}}'), 32)).toEqual({
      path: 'p.x[0]',
      key: '__proto__',
    });
    expect(findReservedKey({ constructor: 1 }, 32)).toEqual({ path: '', key: 'constructor' });
    let deep: unknown = 1;
    for (let level = 0; level < 100_000; level++) deep = [deep];
    expect(findReservedKey(deep, 32)).toEqual({ tooDeep: true });
  });

  it('reads only the items a sparse array holds, and no bytes', () => {
    const sparse: unknown[] = [];
    sparse[4_294_967_294] = { prototype: 1 };
    expect(findReservedKey({ tags: sparse }, 32)).toEqual({
      path: 'tags[4294967294]',
      key: 'prototype',
    });
    expect(findReservedKey({ file: Buffer.alloc(1 << 20) }, 32)).toBeNull();
  });
});

describe('refuseReservedKeys', () => {
  it('names the top-level field that holds the key, and lets clean values pass', () => {
    expect(() => refuseReservedKeys({ a: [{ b: 1 }], c: 'constructor' })).not.toThrow();
    for (const [value, field] of [
      [JSON.parse('{"name":"x","constructor":"y"}'), 'constructor'],
      [JSON.parse('{"prefs":{"a":[{"prototype":1}]}}'), 'prefs'],
    ] as const) {
      let thrown: unknown;
      try {
        refuseReservedKeys(value);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(AppException);
      expect(thrown).toMatchObject({ code: 'validation_failed', errors: [{ field }] });
    }
  });
});
