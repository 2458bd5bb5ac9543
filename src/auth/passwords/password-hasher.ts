import { type Algorithm, hash, verify } from '@node-rs/argon2';
import { availableParallelism } from 'node:os';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { randomToken } from '../../common/crypto/tokens';

/** OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane. */
export const ARGON2_PARAMETERS = {
  // Algorithm.Argon2id; the enum is `const` and cannot be read under isolatedModules.
  algorithm: 2 as Algorithm,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

const CURRENT_PARAMETERS = `$argon2id$v=19$m=${ARGON2_PARAMETERS.memoryCost},t=${ARGON2_PARAMETERS.timeCost},p=${ARGON2_PARAMETERS.parallelism}$`;

/**
 * argon2id hashing; @node-rs/argon2 runs it on libuv's thread pool, off the event loop.
 * At most one hash per usable core runs at a time (the rest wait in order): more would only
 * make them share the cores, each taking longer, with 19 MiB apiece held meanwhile.
 */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  /** Verified against when the user does not exist, so both cases cost the same time. */
  private dummyHash = '';
  /** Cores this process may run on (its CPU affinity, e.g. under taskset or a container). */
  private readonly slots = availableParallelism();
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  async onModuleInit(): Promise<void> {
    this.dummyHash = await this.hash(randomToken());
  }

  hash(password: string): Promise<string> {
    return this.limited(() => hash(password, ARGON2_PARAMETERS));
  }

  async verify(passwordHash: string | null, password: string): Promise<boolean> {
    try {
      return await this.limited(() => verify(passwordHash ?? this.dummyHash, password));
    } catch {
      // A malformed stored hash never signs anyone in.
      return false;
    }
  }

  /** Burns the same time as a real check, for accounts that do not exist. */
  async verifyDummy(password: string): Promise<false> {
    await this.verify(this.dummyHash, password);
    return false;
  }

  needsRehash(passwordHash: string): boolean {
    return !passwordHash.startsWith(CURRENT_PARAMETERS);
  }

  private async limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.slots) {
      await new Promise<void>((start) => this.waiting.push(start));
    } else {
      this.running += 1;
    }
    try {
      return await work();
    } finally {
      // The slot passes straight to the next in line, or is freed.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
