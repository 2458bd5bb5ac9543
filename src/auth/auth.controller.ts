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
  UseGuards,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
  ApiExtraModels,
} from '@nestjs/swagger';
import { Auth } from '../common/auth/auth.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { UserPrincipal } from '../common/auth/principal';
import { Public } from '../common/auth/public.decorator';
import { ApiProblems } from '../common/errors/api-problems.decorator';
import { AppException } from '../common/errors/app.exception';
import { Client } from '../common/http/client.decorator';
import { ClientInfo } from '../common/http/request-context';
import { IpRateLimitGuard } from '../common/rate-limit/ip-rate-limit.guard';
import { AuthService } from './auth.service';
import {
  EmailOnlyDto,
  EmailTokenDto,
  LoginDto,
  PasswordChangeDto,
  PasswordResetDto,
  RefreshDto,
  SignupDto,
  TokenVerifyDto,
} from './dto/auth-requests.dto';
import {
  SessionListResponseDto,
  toSessionResponse,
  TokenVerifyResponseDto,
} from './dto/session-response.dto';
import { SignupPendingResponseDto, TokenResponseDto } from './dto/token-response.dto';
import { MfaChallengeResponseDto } from './mfa/dto/mfa-challenge-response.dto';
import { SessionsService } from './sessions.service';
import { AccessTokensService } from './tokens/access-tokens.service';
import { WebSession } from './web-session-cookie';

@ApiTags('auth')
@ApiExtraModels(TokenResponseDto, SignupPendingResponseDto, MfaChallengeResponseDto)
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
    private readonly accessTokens: AccessTokensService,
  ) {}

  @Post('signup')
  @Public()
  @WebSession('issue')
  @UseGuards(IpRateLimitGuard)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Create an account',
    description:
      'With EMAIL_VERIFICATION=mandatory: `{ status: "verification_required", email }` for new ' +
      'and existing emails alike (the owner of an existing one is emailed). With `optional`: ' +
      'the token response.',
  })
  @ApiCreatedResponse({
    schema: {
      oneOf: [
        { $ref: getSchemaPath(SignupPendingResponseDto) },
        { $ref: getSchemaPath(TokenResponseDto) },
      ],
    },
  })
  @ApiProblems(400, 409, 429)
  async signup(
    @Body() body: SignupDto,
    @Client() client: ClientInfo,
  ): Promise<SignupPendingResponseDto | TokenResponseDto> {
    const result = await this.auth.signup(body, client);
    return result.kind === 'verification_required'
      ? { status: 'verification_required', email: result.email }
      : result.tokens;
  }

  @Post('login')
  @Public()
  @WebSession('issue')
  @UseGuards(IpRateLimitGuard)
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Sign in with an email or username and a password',
    description:
      'The token response; with 2FA on, `{ mfaRequired: true, mfaToken }` instead, to finish ' +
      'at POST /api/v1/auth/login/mfa.',
  })
  @ApiOkResponse({
    schema: {
      oneOf: [
        { $ref: getSchemaPath(TokenResponseDto) },
        { $ref: getSchemaPath(MfaChallengeResponseDto) },
      ],
    },
  })
  @ApiProblems(400, 401, 403, 429)
  login(
    @Body() body: LoginDto,
    @Client() client: ClientInfo,
  ): Promise<TokenResponseDto | MfaChallengeResponseDto> {
    const identifier = body.identifier ?? body.email ?? body.username;
    if (!identifier) {
      throw AppException.validation('identifier', 'identifier (an email or username) is required');
    }
    return this.auth.login(identifier, body.password, {
      rememberMe: body.rememberMe ?? false,
      client,
    });
  }

  @Post('refresh')
  @Public()
  @WebSession('refresh')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Spend a refresh token for a new token pair (rotation)' })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiProblems(400, 401)
  refresh(@Body() body: RefreshDto): Promise<TokenResponseDto> {
    return this.auth.refresh(body.refreshToken);
  }

  @Post('logout')
  @Auth()
  @WebSession('end')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke the current session (its tokens stop working at once)' })
  @ApiNoContentResponse()
  logout(@CurrentPrincipal() principal: UserPrincipal, @Client() client: ClientInfo) {
    return this.auth.logout(principal.userId, principal.sessionId, client, false);
  }

  @Post('logout-all')
  @Auth()
  @WebSession('end')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke every session of the user' })
  @ApiNoContentResponse()
  logoutAll(@CurrentPrincipal() principal: UserPrincipal, @Client() client: ClientInfo) {
    return this.auth.logout(principal.userId, principal.sessionId, client, true);
  }

  @Get('sessions')
  @Auth()
  @ApiOperation({ summary: "The user's active sessions" })
  @ApiOkResponse({ type: SessionListResponseDto })
  async listSessions(
    @CurrentPrincipal() principal: UserPrincipal,
  ): Promise<SessionListResponseDto> {
    const sessions = await this.sessions.listActive(principal.userId);
    return {
      items: sessions.map((session) => toSessionResponse(session, principal.sessionId)),
      nextCursor: null,
    };
  }

  @Delete('sessions/:id')
  @Auth()
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke one of the user’s sessions' })
  @ApiNoContentResponse()
  @ApiProblems(404)
  revokeSession(
    @CurrentPrincipal() principal: UserPrincipal,
    @Param(
      'id',
      new ParseUUIDPipe({
        exceptionFactory: () => new AppException('not_found', 'No such active session'),
      }),
    )
    id: string,
    @Client() client: ClientInfo,
  ) {
    return this.auth.revokeSession(principal.userId, id, client);
  }

  @Post('token/verify')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Check an access token: signature, claims, expiry and revocation' })
  @ApiOkResponse({ type: TokenVerifyResponseDto })
  @ApiProblems(400, 401)
  async verifyToken(@Body() body: TokenVerifyDto): Promise<TokenVerifyResponseDto> {
    try {
      return { valid: true, claims: { ...(await this.accessTokens.verifyFresh(body.token)) } };
    } catch {
      throw new AppException('token_invalid', 'The token is not valid', { status: 401 });
    }
  }

  @Post('verify-email')
  @Public()
  @UseGuards(IpRateLimitGuard)
  @HttpCode(200)
  @ApiOperation({ summary: 'Confirm an email address with the emailed token' })
  @ApiOkResponse({ schema: { example: { status: 'verified' } } })
  @ApiProblems(400, 429)
  async verifyEmail(@Body() body: EmailTokenDto, @Client() client: ClientInfo) {
    await this.auth.verifyEmail(body.token, client);
    return { status: 'verified' };
  }

  @Post('verify-email/resend')
  @Public()
  @UseGuards(IpRateLimitGuard)
  @HttpCode(202)
  @ApiOperation({ summary: 'Send the verification email again (202 whatever the email)' })
  @ApiAcceptedResponse()
  @ApiProblems(400, 429)
  resendVerification(@Body() body: EmailOnlyDto) {
    this.auth.resendVerification(body.email);
  }

  @Post('password/forgot')
  @Public()
  @UseGuards(IpRateLimitGuard)
  @HttpCode(202)
  @ApiOperation({ summary: 'Email a password-reset link (202 whatever the email)' })
  @ApiAcceptedResponse()
  @ApiProblems(400, 429)
  forgotPassword(@Body() body: EmailOnlyDto, @Client() client: ClientInfo) {
    this.auth.forgotPassword(body.email, client);
  }

  @Post('password/reset')
  @Public()
  @HttpCode(204)
  @ApiOperation({ summary: 'Set a new password with the emailed token; every session ends' })
  @ApiNoContentResponse()
  @ApiProblems(400)
  resetPassword(@Body() body: PasswordResetDto, @Client() client: ClientInfo) {
    return this.auth.resetPassword(body.token, body.newPassword, client);
  }

  @Post('password/change')
  @Auth()
  @HttpCode(204)
  @ApiOperation({ summary: 'Change the password; every other session ends' })
  @ApiNoContentResponse()
  @ApiProblems(400)
  changePassword(
    @CurrentPrincipal() principal: UserPrincipal,
    @Body() body: PasswordChangeDto,
    @Client() client: ClientInfo,
  ) {
    return this.auth.changePassword(
      principal.userId,
      principal.sessionId,
      body.currentPassword,
      body.newPassword,
      client,
    );
  }
}
