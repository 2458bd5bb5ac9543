import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppException } from '../common/errors/app.exception';
import { randomToken, tokenDigest } from '../common/crypto/tokens';
import { EmailToken, EmailTokenPurpose } from './entities/email-token.entity';
import { EmailTokensRepository } from './email-tokens.repository';

const LIFETIME_MS: Record<EmailTokenPurpose, number> = {
  verify_email: 24 * 60 * 60 * 1000,
  reset_password: 60 * 60 * 1000,
};

/** Single-use tokens sent by email; a newer one of the same purpose retires the older. */
@Injectable()
export class EmailTokensService {
  constructor(private readonly tokens: EmailTokensRepository) {}

  /** Returns the token in clear: it goes into the email body and nowhere else. */
  async issue(manager: EntityManager, userId: string, purpose: EmailTokenPurpose): Promise<string> {
    const token = randomToken();
    await this.tokens.replace(manager, {
      userId,
      purpose,
      digest: tokenDigest(token),
      expiresAt: new Date(Date.now() + LIFETIME_MS[purpose]),
    });
    return token;
  }

  /** The live token, or 400 `token_invalid` / `token_expired`. Does not use it up. */
  async find(token: string, purpose: EmailTokenPurpose): Promise<EmailToken> {
    const found = await this.tokens.findByDigest(tokenDigest(token), purpose);
    if (!found || found.consumedAt) {
      throw new AppException('token_invalid', 'This link is not valid or was already used');
    }
    if (found.expiresAt.getTime() <= Date.now()) {
      throw new AppException('token_expired', 'This link has expired');
    }
    return found;
  }

  /** Uses the token up inside the caller's transaction; a second use loses. */
  async consume(manager: EntityManager, token: EmailToken): Promise<void> {
    if (!(await this.tokens.consume(manager, token.id))) {
      throw new AppException('token_invalid', 'This link is not valid or was already used');
    }
  }
}
