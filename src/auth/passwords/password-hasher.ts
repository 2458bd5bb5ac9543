import type { Algorithm } from '@node-rs/argon2';
import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomToken } from '../../common/crypto/tokens';
import { Argon2Workers } from './argon2-workers';

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
 * argon2id hashing, on worker threads below the event loop's priority (see Argon2Workers):
 * off the event loop, and never delaying it.
 */
@Injectable()
export class PasswordHasher implements OnModuleInit, OnApplicationShutdown {
  /** Verified against when the user does not exist, so both cases cost the same time. */
  private dummyHash = '';
  private readonly workers = new Argon2Workers(ARGON2_PARAMETERS);

  async onModuleInit(): Promise<void> {
    this.dummyHash = await this.hash(randomToken());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.workers.close();
  }

  async hash(password: string): Promise<string> {
    return (await this.workers.run({ op: 'hash', password })) as string;
  }

  async verify(passwordHash: string | null, password: string): Promise<boolean> {
    try {
      const hash = passwordHash ?? this.dummyHash;
      return (await this.workers.run({ op: 'verify', hash, password })) === true;
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
}
