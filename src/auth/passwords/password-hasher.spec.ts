import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { HASHING_NICENESS } from './argon2-workers';
import { PasswordHasher } from './password-hasher';

/** A thread's nice value (Linux): field 19 of its stat line, counted after the command name. */
function niceOf(statPath: string): number {
  const stat = readFileSync(statPath, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher();

  beforeAll(() => hasher.onModuleInit());
  afterAll(() => hasher.onApplicationShutdown());

  it('answers every one of more concurrent checks than it runs at once, each correctly', async () => {
    const stored = await hasher.hash('correct horse battery');
    const attempts = Array.from({ length: availableParallelism() + 3 }, (_, i) =>
      i % 2 === 0 ? 'correct horse battery' : `wrong ${i}`,
    );
    const results = await Promise.all(attempts.map((password) => hasher.verify(stored, password)));
    expect(results).toEqual(attempts.map((_, i) => i % 2 === 0));
  });

  it('frees its thread when a check fails, so later checks still run', async () => {
    const failures = await Promise.all(
      Array.from({ length: availableParallelism() + 2 }, () => hasher.verify('not-a-hash', 'x')),
    );
    expect(failures.every((ok) => ok === false)).toBe(true);
    const stored = await hasher.hash('another secret 42');
    await expect(hasher.verify(stored, 'another secret 42')).resolves.toBe(true);
    await expect(hasher.verifyDummy('anything')).resolves.toBe(false);
  });

  it('hashes in the argon2id format with the current parameters', async () => {
    const stored = await hasher.hash('format check 7');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(hasher.needsRehash(stored)).toBe(false);
  });

  it('keeps the event loop free while hashing', async () => {
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 1);
    const started = performance.now();
    await Promise.all(Array.from({ length: 4 }, () => hasher.hash('loop stays free')));
    clearInterval(timer);
    const elapsedMs = performance.now() - started;
    // A hash on the event loop would leave no turn for the timer until it finished.
    expect(ticks).toBeGreaterThan(elapsedMs / 10);
  });

  it('refuses work once shut down, failing what was still queued', async () => {
    const closing = new PasswordHasher();
    const queued = Array.from({ length: availableParallelism() + 2 }, () => closing.hash('q'));
    const settled = Promise.allSettled(queued);
    await closing.onApplicationShutdown();
    const outcomes = await settled;
    // More jobs than threads: some were waiting, and none of them is left hanging.
    expect(outcomes.filter((outcome) => outcome.status === 'rejected').length).toBeGreaterThan(0);
    await expect(closing.hash('too late')).rejects.toThrow('shut down');
  });

  (process.platform === 'linux' ? it : it.skip)(
    'runs its threads below the event loop’s priority (Linux)',
    async () => {
      // The event loop is this thread, whose id is the process's; the hashing threads run
      // HASHING_NICENESS steps below it, and it keeps its own priority.
      const eventLoopNice = niceOf(`/proc/self/task/${process.pid}/stat`);
      await hasher.hash('priority check');
      const threads = readdirSync('/proc/self/task');
      expect(threads.map((tid) => niceOf(`/proc/self/task/${tid}/stat`))).toContain(
        Math.min(19, eventLoopNice + HASHING_NICENESS),
      );
      expect(niceOf(`/proc/self/task/${process.pid}/stat`)).toBe(eventLoopNice);
    },
  );
});
