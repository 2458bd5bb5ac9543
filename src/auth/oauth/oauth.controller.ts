import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiExtraModels,
  ApiFoundResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { Auth } from '../../common/auth/auth.decorator';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator';
import { UserPrincipal } from '../../common/auth/principal';
import { Public } from '../../common/auth/public.decorator';
import { ApiProblems } from '../../common/errors/api-problems.decorator';
import { AppException } from '../../common/errors/app.exception';
import { Client } from '../../common/http/client.decorator';
import { ClientInfo } from '../../common/http/request-context';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { IpRateLimitGuard } from '../../common/rate-limit/ip-rate-limit.guard';
import { AppConfig } from '../../config/app-config';
import { TokenResponseDto } from '../dto/token-response.dto';
import { MfaChallengeResponseDto } from '../mfa/dto/mfa-challenge-response.dto';
import { WebSession } from '../web-session-cookie';
import { IdentityListResponseDto } from './dto/identity-response.dto';
import { OAuthProviderListResponseDto } from './dto/oauth-provider-response.dto';
import { OAuthExchangeDto, OAuthStartQueryDto } from './dto/oauth-requests.dto';
import { FLOW_LIFETIME_MS } from './oauth-flows';
import { IdentitiesService } from './identities.service';
import { OAuthService } from './oauth.service';

/** Holds the id of the browser's sign-in in progress; only our callback path sees it. */
export const FLOW_COOKIE = 'gatehouse_oauth_flow';
const FLOW_COOKIE_PATH = '/api/v1/auth/oauth';

function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator !== -1 && part.slice(0, separator).trim() === name) {
      return part.slice(separator + 1).trim();
    }
  }
  return null;
}

/** Only single string values: a repeated parameter is not something a provider sends. */
function stringParams(query: unknown): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (typeof value === 'string') params[key] = value;
  }
  return params;
}

@ApiTags('auth')
@ApiExtraModels(TokenResponseDto, MfaChallengeResponseDto)
@Controller('api/v1/auth')
export class OAuthController {
  private readonly secureCookie: boolean;

  constructor(
    private readonly oauth: OAuthService,
    private readonly identities: IdentitiesService,
    config: AppConfig,
  ) {
    this.secureCookie = config.http.appUrl.startsWith('https:');
  }

  private flowCookie(value: string, maxAgeSeconds: number): string {
    return [
      `${FLOW_COOKIE}=${value}`,
      `Path=${FLOW_COOKIE_PATH}`,
      `Max-Age=${maxAgeSeconds}`,
      'HttpOnly',
      'SameSite=Lax',
      ...(this.secureCookie ? ['Secure'] : []),
    ].join('; ');
  }

  @Get('oauth/providers')
  @Public()
  @ApiOperation({ summary: 'The configured social sign-in providers' })
  @ApiOkResponse({ type: OAuthProviderListResponseDto })
  listProviders(): OAuthProviderListResponseDto {
    return { items: this.oauth.listProviders() };
  }

  @Get('oauth/:provider/start')
  @Public()
  @ApiOperation({
    summary: 'Start a social sign-in: 302 to the provider',
    description:
      'Open in the browser (not with fetch): the answer sets a short-lived HttpOnly cookie ' +
      'that binds the sign-in to this browser, and redirects to the provider with state, ' +
      'nonce and PKCE (S256).',
  })
  @ApiFoundResponse({ description: 'To the provider (or to OAUTH_SUCCESS_REDIRECT?error=…)' })
  @ApiProblems(400, 404)
  async start(
    @Param('provider') provider: string,
    @Query() query: OAuthStartQueryDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { location, flowId } = await this.oauth.start(provider, query.rememberMe ?? false);
    if (flowId) void reply.header('set-cookie', this.flowCookie(flowId, FLOW_LIFETIME_MS / 1000));
    await reply.status(302).header('cache-control', 'no-store').header('location', location).send();
  }

  @Get('oauth/:provider/callback')
  @Public()
  @ApiOperation({
    summary: 'Where the provider sends the browser back',
    description:
      'Redirects to OAUTH_SUCCESS_REDIRECT with `?code=` (single use, 60 s, for ' +
      'POST /oauth/exchange) or `?error=` (`access_denied`, `state_mismatch`, ' +
      '`email_not_verified`, `invalid_request`, `server_error`).',
  })
  @ApiFoundResponse({ description: 'To OAUTH_SUCCESS_REDIRECT with ?code= or ?error=' })
  async callback(
    @Param('provider') provider: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @Client() client: ClientInfo,
  ): Promise<void> {
    const location = await this.oauth.callback(
      provider,
      stringParams(request.query),
      readCookie(request.headers.cookie, FLOW_COOKIE),
      client,
    );
    await reply
      .status(302)
      .header('set-cookie', this.flowCookie('', 0))
      .header('cache-control', 'no-store')
      .header('location', location)
      .send();
  }

  @Post('oauth/exchange')
  @Public()
  @WebSession('issue')
  @UseGuards(IpRateLimitGuard)
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Turn the callback’s one-time code into the token response',
    description: 'With 2FA on: `{ mfaRequired: true, mfaToken }`, to finish at /login/mfa.',
  })
  @ApiOkResponse({
    schema: {
      oneOf: [
        { $ref: getSchemaPath(TokenResponseDto) },
        { $ref: getSchemaPath(MfaChallengeResponseDto) },
      ],
    },
  })
  @ApiProblems(400, 401, 429)
  exchange(
    @Body() body: OAuthExchangeDto,
    @Client() client: ClientInfo,
  ): Promise<TokenResponseDto | MfaChallengeResponseDto> {
    return this.oauth.exchange(body.code, client);
  }

  @Get('identities')
  @Auth()
  @ApiOperation({ summary: 'The provider accounts linked to the user' })
  @ApiOkResponse({ type: IdentityListResponseDto })
  @ApiProblems(400)
  listIdentities(
    @CurrentPrincipal() principal: UserPrincipal,
    @Query() query: PageQueryDto,
  ): Promise<IdentityListResponseDto> {
    return this.identities.list(principal.userId, query);
  }

  @Delete('identities/:id')
  @Auth()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Unlink a provider account',
    description: 'Not the last way to sign in: without a password, the last identity stays (409).',
  })
  @ApiNoContentResponse()
  @ApiProblems(404, 409)
  unlinkIdentity(
    @CurrentPrincipal() principal: UserPrincipal,
    @Param(
      'id',
      new ParseUUIDPipe({
        exceptionFactory: () => new AppException('not_found', 'No such identity'),
      }),
    )
    id: string,
    @Client() client: ClientInfo,
  ): Promise<void> {
    return this.identities.unlink(principal.userId, id, client);
  }
}
