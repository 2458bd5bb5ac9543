import { Injectable } from '@nestjs/common';
import { EntityManager, QueryFailedError } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { AppException } from '../../common/errors/app.exception';
import { ClientInfo } from '../../common/http/request-context';
import { decodeCursor, Page, toPage } from '../../common/pagination/keyset';
import { DEFAULT_PAGE_LIMIT } from '../../common/pagination/page-query.dto';
import { hasUnsafeCharacters } from '../../common/validation/safe-text';
import { AppConfig } from '../../config/app-config';
import { User } from '../../users/user.entity';
import { UsersService } from '../../users/users.service';
import { AuthService } from '../auth.service';
import { IdentityResponseDto } from './dto/identity-response.dto';
import { OAuthProviders } from './oauth-providers';
import { OAuthRepository } from './oauth.repository';
import { OAuthFlowError, ProviderIdentity } from './providers/oauth-provider';

const PG_UNIQUE_VIOLATION = '23505';
const NAME_MAX = 100;

function isUniqueViolation(error: unknown): boolean {
  return (
    error instanceof QueryFailedError &&
    (error.driverError as { code?: string }).code === PG_UNIQUE_VIOLATION
  );
}

/** A display name from the provider, safe for our `name` column, else the email's local part. */
function displayName(identity: ProviderIdentity, email: string): string {
  const cleaned = [...(identity.name ?? '')]
    .filter((char) => !hasUnsafeCharacters(char))
    .join('')
    .trim()
    .slice(0, NAME_MAX)
    .trim();
  return cleaned || email.slice(0, email.indexOf('@')).slice(0, NAME_MAX);
}

/**
 * Who a provider's identity is here: the linked user; else the user with that email when
 * the provider verified it (linked from then on); else a new user. An unverified provider
 * email never links to an existing account.
 */
@Injectable()
export class IdentitiesService {
  constructor(
    private readonly identities: OAuthRepository,
    private readonly providers: OAuthProviders,
    private readonly users: UsersService,
    private readonly auth: AuthService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  /** The user to sign in, or an OAuthFlowError saying why not. */
  async resolve(provider: string, identity: ProviderIdentity, client: ClientInfo): Promise<User> {
    let user: User;
    try {
      user = await this.resolveOnce(provider, identity, client);
    } catch (error) {
      const lostRace =
        isUniqueViolation(error) || (error instanceof AppException && error.code === 'email_taken');
      // A parallel callback for the same person linked or created first: use what it made.
      if (!lostRace) throw error;
      user = await this.resolveOnce(provider, identity, client);
    }
    if (!user.isActive) throw new OAuthFlowError('access_denied', 'This account is deactivated');
    if (this.config.auth.emailVerification === 'mandatory' && !user.emailVerifiedAt) {
      throw new OAuthFlowError('email_not_verified', 'Verify your email address to sign in');
    }
    return user;
  }

  private resolveOnce(provider: string, identity: ProviderIdentity, client: ClientInfo) {
    return this.users.transaction(async (manager): Promise<User> => {
      const linked = await this.identities.findIdentity(provider, identity.subject, manager);
      if (linked) {
        if (linked.email !== identity.email) {
          await this.identities.refreshIdentityEmail(manager, linked.id, identity.email);
        }
        const user = await this.identities.findLinkedUser(manager, linked.userId);
        if (!user) throw new OAuthFlowError('server_error', 'The linked account is gone');
        return user;
      }

      const email = identity.email;
      if (!email) {
        throw new OAuthFlowError('email_not_verified', 'The provider shared no email address');
      }
      const existing = await this.users.findByEmail(email, manager);
      if (existing) {
        // Only a provider's word that the mailbox is theirs links to an account, and only
        // to one whose owner proved the same (else a stranger's unverified signup would
        // capture the provider account, or the other way round).
        if (!identity.emailVerified || !existing.emailVerifiedAt) {
          throw new OAuthFlowError(
            'email_not_verified',
            'An account with this email exists; sign in to it and link the provider',
          );
        }
        await this.link(manager, existing, provider, identity, client);
        return existing;
      }

      const user = await this.users.create(
        {
          email,
          name: displayName(identity, email),
          passwordHash: null,
          emailVerified: identity.emailVerified,
        },
        manager,
      );
      await this.audit.record(
        {
          action: 'user.signup',
          actor: { type: 'user', id: user.id },
          target: { type: 'user', id: user.id },
          client,
          metadata: { method: `oauth:${provider}` },
        },
        manager,
      );
      await this.link(manager, user, provider, identity, client);
      if (!identity.emailVerified) await this.auth.queueVerificationEmail(manager, user);
      return user;
    });
  }

  private async link(
    manager: EntityManager,
    user: User,
    provider: string,
    identity: ProviderIdentity,
    client: ClientInfo,
  ): Promise<void> {
    await this.identities.addIdentity(manager, {
      provider,
      subject: identity.subject,
      userId: user.id,
      email: identity.email,
    });
    await this.audit.record(
      {
        action: 'user.identity_linked',
        actor: { type: 'user', id: user.id },
        target: { type: 'user', id: user.id },
        client,
        metadata: { provider },
      },
      manager,
    );
  }

  async list(
    userId: string,
    page: { limit?: number; cursor?: string },
  ): Promise<Page<IdentityResponseDto>> {
    const limit = page.limit ?? DEFAULT_PAGE_LIMIT;
    const rows = await this.identities.listIdentities(userId, limit + 1, decodeCursor(page.cursor));
    return toPage(
      rows,
      limit,
      (row) => ({ at: row.cursorAt, id: row.id }),
      (row) => ({
        id: row.id,
        provider: row.provider,
        providerName: this.providers.find(row.provider)?.name ?? row.provider,
        email: row.email,
        createdAt: row.createdAt,
      }),
    );
  }

  /** Unlinks an identity, unless it is the user's last way to sign in. */
  async unlink(userId: string, identityId: string, client: ClientInfo): Promise<void> {
    await this.users.transaction(async (manager) => {
      const methods = await this.identities.lockSignInMethods(manager, userId);
      const identity = methods
        ? await this.identities.findUserIdentity(manager, userId, identityId)
        : null;
      if (!methods || !identity) throw new AppException('not_found', 'No such identity');
      if (!methods.hasPassword && methods.identities <= 1) {
        throw new AppException(
          'conflict',
          'This is the only way to sign in to this account; set a password first',
        );
      }
      await this.identities.deleteIdentity(manager, identity.id);
      await this.audit.record(
        {
          action: 'user.identity_unlinked',
          actor: { type: 'user', id: userId },
          target: { type: 'user', id: userId },
          client,
          metadata: { provider: identity.provider, identityId: identity.id },
        },
        manager,
      );
    });
  }
}
