import { Injectable } from '@nestjs/common';
import { ApiKeyCredentials } from '../common/auth/api-key-credentials';
import { ApiKeyPrincipal } from '../common/auth/principal';
import { AppException } from '../common/errors/app.exception';
import { andThen, MaybePromise } from '../common/maybe-promise';
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

  authenticate(
    key: string,
    scope: true | string,
    routeOrganizationId?: string,
  ): MaybePromise<ApiKeyPrincipal> {
    return andThen(this.authenticator.authenticate(key), (live) => {
      if (typeof live === 'string') {
        throw new AppException('unauthorized', 'The API key is not valid');
      }
      if (routeOrganizationId !== undefined && routeOrganizationId !== live.organizationId) {
        throw new AppException('not_found', 'Organization not found');
      }
      if (scope !== true && !live.scopes.includes(scope)) {
        throw new AppException('forbidden', `This API key lacks the scope ${scope}`);
      }
      return andThen(this.meter.consume(live), ({ allowed }): ApiKeyPrincipal => {
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
      });
    });
  }
}
