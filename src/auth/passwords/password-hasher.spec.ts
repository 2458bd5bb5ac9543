import { availableParallelism } from 'node:os';
import { PasswordHasher } from './password-hasher';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher();

  beforeAll(() => hasher.onModuleInit());

  it('answers every one of more concurrent checks than it runs at once, each correctly', async () => {
    const stored = await hasher.hash('correct horse battery');
    const attempts = Array.from({ length: availableParallelism() + 3 }, (_, i) =>
      i % 2 === 0 ? 'correct horse battery' : `wrong ${i}`,
    );
    const results = await Promise.all(attempts.map((password) => hasher.verify(stored, password)));
    expect(results).toEqual(attempts.map((_, i) => i % 2 === 0));
  });

  it('frees its slot when a check fails, so later checks still run', async () => {
    const failures = await Promise.all(
      Array.from({ length: availableParallelism() + 2 }, () => hasher.verify('not-a-hash', 'x')),
    );
    expect(failures.every((ok) => ok === false)).toBe(true);
    const stored = await hasher.hash('another secret 42');
    await expect(hasher.verify(stored, 'another secret 42')).resolves.toBe(true);
    await expect(hasher.verifyDummy('anything')).resolves.toBe(false);
  });
});
