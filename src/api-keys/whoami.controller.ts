import { Controller, Get } from '@nestjs/common';
import { RouteSchema } from '@nestjs/platform-fastify';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Auth } from '../common/auth/auth.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { Principal, UserPrincipal } from '../common/auth/principal';
import { AppException } from '../common/errors/app.exception';
import { andThen, MaybePromise } from '../common/maybe-promise';
import { UsersService } from '../users/users.service';
import { ApiKeyAuthenticator } from './api-key-authenticator.service';

export class WhoamiResponseDto {
  @ApiProperty({ enum: ['user', 'api_key'] })
  type!: 'user' | 'api_key';
  @ApiProperty({ required: false, description: '{ id, email, username } for a user' })
  user?: { id: string; email: string; username: string };
  @ApiProperty({ required: false, format: 'uuid' })
  sessionId?: string;
  @ApiProperty({ required: false, description: '{ id, name, prefix, scopes } for an API key' })
  apiKey?: { id: string; name: string; prefix: string; scopes: string[] };
  @ApiProperty({ required: false, description: '{ id, name, slug } for an API key' })
  organization?: { id: string; name: string; slug: string };
}

const text = { type: 'string' } as const;
const textOrNull = { type: ['string', 'null'] } as const;

/**
 * WhoamiResponseDto for Fastify's compiled serializer, quicker than JSON.stringify on an object
 * it has to inspect (whoami is the route other services' calls are measured by).
 */
const WHOAMI_RESPONSE_SCHEMA = {
  type: 'object',
  required: ['type'],
  properties: {
    type: text,
    user: { type: 'object', properties: { id: text, email: text, username: textOrNull } },
    sessionId: text,
    apiKey: {
      type: 'object',
      properties: { id: text, name: text, prefix: text, scopes: { type: 'array', items: text } },
    },
    organization: { type: 'object', properties: { id: text, name: text, slug: text } },
  },
} as const;

@ApiTags('api-keys')
@Controller('api/v1/whoami')
export class WhoamiController {
  constructor(
    private readonly users: UsersService,
    private readonly apiKeys: ApiKeyAuthenticator,
  ) {}

  /** Answers from caches: no query per request in the steady state. */
  @Get()
  @Auth({ apiKey: true })
  @RouteSchema({ response: { 200: WHOAMI_RESPONSE_SCHEMA } })
  @ApiOperation({ summary: 'Who is calling: a user (access token) or an API key' })
  @ApiOkResponse({ type: WhoamiResponseDto })
  whoami(@CurrentPrincipal() principal: Principal): MaybePromise<WhoamiResponseDto> {
    if (principal.type === 'api_key') {
      return andThen(this.apiKeys.organization(principal.organizationId), (organization) => ({
        type: 'api_key' as const,
        apiKey: {
          id: principal.keyId,
          name: principal.name,
          prefix: principal.prefix,
          scopes: principal.scopes,
        },
        organization: { id: organization.id, name: organization.name, slug: organization.slug },
      }));
    }
    return this.userSummary(principal);
  }

  private async userSummary(principal: UserPrincipal): Promise<WhoamiResponseDto> {
    const user = await this.users.summary(principal.userId);
    if (!user || !user.isActive) throw new AppException('unauthorized', 'Not signed in');
    return {
      type: 'user',
      user: { id: user.id, email: user.email, username: user.username },
      sessionId: principal.sessionId,
    };
  }
}
