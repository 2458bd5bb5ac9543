import { Injectable } from '@nestjs/common';
import { ApiKeyCredentials } from '../common/auth/api-key-credentials';
import { ApiKeyPrincipal } from '../common/auth/principal';
import { AppException } from '../common/errors/app.exception';
import { ApiKeyAuthenticator } from './api-key-authenticator.service';
import { UsageMeter } from './usage-meter.service';

@Injectable()
export class ApiKeyCredentialsService extends ApiKeyCredentials {
  constructor(
    private readonly authenticator: ApiKeyAuthenticator,
    private readonly meter: UsageMeter,
  ) {
    super();
  }

  async authenticate(
    key: string,
    scope: true | string,
    routeOrganizationId?: string,
  ): Promise<ApiKeyPrincipal> {
    const live = await this.authenticator.authenticate(key);
    if (typeof live === 'string') {
      throw new AppException('unauthorized', 'The API key is not valid');
    }
    if (routeOrganizationId !== undefined && routeOrganizationId !== live.organizationId) {
      throw new AppException('not_found', 'Organization not found');
    }
    if (scope !== true && !live.scopes.includes(scope)) {
      throw new AppException('forbidden', `This API key lacks the scope ${scope}`);
    }
    const organization = await this.authenticator.organization(live.organizationId);
    const { allowed } = await this.meter.consume(live, organization.quotaLimit);
    if (!allowed) {
      throw new AppException('quota_exceeded', 'The organization has used its monthly quota');
    }
    return {
      type: 'api_key',
      keyId: live.id,
      organizationId: live.organizationId,
      name: live.name,
      prefix: live.prefix,
      scopes: live.scopes,
    };
  }
}
