import { type Algorithm, hash, verify } from '@node-rs/argon2';
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

/** argon2id hashing; @node-rs/argon2 runs it on libuv's thread pool, off the event loop. */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  /** Verified against when the user does not exist, so both cases cost the same time. */
  private dummyHash = '';

  async onModuleInit(): Promise<void> {
    this.dummyHash = await this.hash(randomToken());
  }

  hash(password: string): Promise<string> {
    return hash(password, ARGON2_PARAMETERS);
  }

  async verify(passwordHash: string | null, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash ?? this.dummyHash, password);
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
