import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { tokenDigest } from '../common/crypto/tokens';
import { AppException } from '../common/errors/app.exception';
import { andThen, MaybePromise } from '../common/maybe-promise';
import { ClientInfo } from '../common/http/request-context';
import { Page } from '../common/pagination/keyset';
import { ApiKeyAuthenticator } from './api-key-authenticator.service';
import { displayPrefix, generateApiKey } from './api-key-format';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeyVerifyResponseDto } from './dto/api-key.dto';
import { ApiKey } from './entities/api-key.entity';
import { UsageMeter } from './usage-meter.service';

const MAX_USAGE_RANGE_DAYS = 366;

export interface Actor {
  userId: string;
  client: ClientInfo;
}

/** Issuing, rotating and revoking keys; verifying them for other services. */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly repository: ApiKeysRepository,
    private readonly authenticator: ApiKeyAuthenticator,
    private readonly meter: UsageMeter,
    private readonly audit: AuditService,
  ) {}

  async create(
    organizationId: string,
    input: { name: string; scopes?: string[]; expiresAt?: Date },
    actor: Actor,
  ): Promise<{ key: string; record: ApiKey }> {
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
      throw AppException.validation('expiresAt', 'expiresAt must be in the future');
    }
    const key = generateApiKey();
    const record = await this.repository.transaction(async (manager) => {
      const created = await this.repository.insert(
        {
          organizationId,
          name: input.name,
          prefix: displayPrefix(key),
          keyDigest: tokenDigest(key),
          scopes: [...new Set(input.scopes ?? [])],
          createdBy: actor.userId,
          expiresAt: input.expiresAt ?? null,
        },
        manager,
      );
      await this.audit.record(
        {
          action: 'apikey.created',
          actor: { type: 'user', id: actor.userId },
          organizationId,
          target: { type: 'api_key', id: created.id },
          client: actor.client,
          metadata: { name: created.name, prefix: created.prefix, scopes: created.scopes },
        },
        manager,
      );
      return created;
    });
    return { key, record };
  }

  list(organizationId: string | null, limit: number, cursor?: string): Promise<Page<ApiKey>> {
    return this.repository.listForOrganization(organizationId, limit, cursor);
  }

  async get(organizationId: string, id: string): Promise<ApiKey> {
    const key = await this.repository.findInOrganization(organizationId, id);
    if (!key) throw new AppException('not_found', 'API key not found');
    return key;
  }

  /** Revokes a key (of `organizationId` when given); revoking a revoked key changes nothing. */
  async revoke(organizationId: string | null, id: string, actor: Actor): Promise<void> {
    const key = await this.repository.findById(id, organizationId ?? undefined);
    if (!key) throw new AppException('not_found', 'API key not found');
    if (!(await this.repository.revoke(id))) return;
    await this.authenticator.announce(id);
    await this.audit.record({
      action: 'apikey.revoked',
      actor: { type: 'user', id: actor.userId },
      organizationId: key.organizationId,
      target: { type: 'api_key', id },
      client: actor.client,
    });
  }

  async rotate(
    organizationId: string,
    id: string,
    graceSeconds: number,
    actor: Actor,
  ): Promise<{ key: string; record: ApiKey }> {
    const old = await this.get(organizationId, id);
    const key = generateApiKey();
    const record = await this.repository.transaction(async (manager) => {
      if (!(await this.repository.retire(manager, old.id, graceSeconds))) {
        throw new AppException('conflict', 'This API key is revoked');
      }
      const created = await this.repository.insert(
        {
          organizationId,
          name: old.name,
          prefix: displayPrefix(key),
          keyDigest: tokenDigest(key),
          scopes: old.scopes,
          createdBy: actor.userId,
          expiresAt: old.expiresAt,
          rotatedFromId: old.id,
        },
        manager,
      );
      await this.audit.record(
        {
          action: 'apikey.rotated',
          actor: { type: 'user', id: actor.userId },
          organizationId,
          target: { type: 'api_key', id: created.id },
          client: actor.client,
          metadata: { rotatedFromId: old.id, expireOldInSeconds: graceSeconds },
        },
        manager,
      );
      return created;
    });
    await this.authenticator.announce(old.id);
    return { key, record };
  }

  async usage(organizationId: string, id: string, from: string, to: string) {
    await this.get(organizationId, id);
    const start = Date.parse(`${from}T00:00:00Z`);
    const end = Date.parse(`${to}T00:00:00Z`);
    if (Number.isNaN(start)) throw AppException.validation('from', 'from must be a real date');
    if (Number.isNaN(end)) throw AppException.validation('to', 'to must be a real date');
    if (end < start) throw AppException.validation('to', 'to must not be before from');
    if ((end - start) / 86_400_000 > MAX_USAGE_RANGE_DAYS) {
      throw AppException.validation(
        'to',
        `the range may span at most ${MAX_USAGE_RANGE_DAYS} days`,
      );
    }
    await this.meter.flush();
    const items = await this.repository.usageByDay(id, from, to);
    return { items, total: items.reduce((sum, item) => sum + item.requests, 0) };
  }

  async quota(organizationId: string) {
    const organization = await this.authenticator.organization(organizationId);
    const used = await this.meter.monthlyUsed(organizationId);
    return {
      limit: organization.quotaLimit,
      used,
      remaining: Math.max(0, organization.quotaLimit - used),
    };
  }

  /**
   * Checks a key for another service and counts `cost` requests against its organization's
   * monthly quota. At once when the key, its organization and the month's usage are cached:
   * this is the route other services call for each request they serve.
   */
  verify(key: string, cost: number): MaybePromise<ApiKeyVerifyResponseDto> {
    return andThen(this.authenticator.authenticate(key), (live) =>
      typeof live === 'string'
        ? { valid: false, code: live }
        : andThen(this.meter.consume(live, cost), ({ allowed, used, limit }) =>
            allowed
              ? {
                  valid: true,
                  keyId: live.id,
                  organizationId: live.organizationId,
                  scopes: live.scopes,
                  quota: { limit, used, remaining: Math.max(0, limit - used) },
                }
              : { valid: false, code: 'quota_exceeded' },
          ),
    );
  }
}
