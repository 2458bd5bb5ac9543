import { Body, Controller, Header, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../../common/auth/auth.decorator';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator';
import { UserPrincipal } from '../../common/auth/principal';
import { Public } from '../../common/auth/public.decorator';
import { ApiProblems } from '../../common/errors/api-problems.decorator';
import { Client } from '../../common/http/client.decorator';
import { ClientInfo } from '../../common/http/request-context';
import { IpRateLimitGuard } from '../../common/rate-limit/ip-rate-limit.guard';
import { TokenResponseDto } from '../dto/token-response.dto';
import { WebSession } from '../web-session-cookie';
import {
  MfaDisableDto,
  MfaEnableDto,
  MfaLoginDto,
  MfaRecoveryCodesRegenerateDto,
} from './dto/mfa-requests.dto';
import { MfaRecoveryCodesResponseDto, MfaSetupResponseDto } from './dto/mfa-response.dto';
import { MfaService } from './mfa.service';

@ApiTags('auth')
@Controller('api/v1/auth')
export class MfaController {
  constructor(private readonly mfa: MfaService) {}

  @Post('2fa/setup')
  @Auth()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Start setting up TOTP two-factor authentication',
    description:
      'A new secret, as text, otpauth URL and QR code. Nothing changes for sign-in until ' +
      '/2fa/enable confirms it with a code; a newer setup replaces a pending one.',
  })
  @ApiOkResponse({ type: MfaSetupResponseDto })
  @ApiProblems(409)
  setup(@CurrentPrincipal() principal: UserPrincipal): Promise<MfaSetupResponseDto> {
    return this.mfa.setup(principal.userId);
  }

  @Post('2fa/enable')
  @Auth()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Turn 2FA on with a code from the app; returns the recovery codes, once',
  })
  @ApiOkResponse({ type: MfaRecoveryCodesResponseDto })
  @ApiProblems(400, 409, 429)
  enable(
    @CurrentPrincipal() principal: UserPrincipal,
    @Body() body: MfaEnableDto,
    @Client() client: ClientInfo,
  ): Promise<MfaRecoveryCodesResponseDto> {
    return this.mfa.enable(principal.userId, body.code, client);
  }

  @Post('2fa/disable')
  @Auth()
  @HttpCode(204)
  @ApiOperation({ summary: 'Turn 2FA off (password, and a TOTP or recovery code)' })
  @ApiNoContentResponse()
  @ApiProblems(400, 409, 429)
  disable(
    @CurrentPrincipal() principal: UserPrincipal,
    @Body() body: MfaDisableDto,
    @Client() client: ClientInfo,
  ): Promise<void> {
    return this.mfa.disable(principal.userId, body, client);
  }

  @Post('2fa/recovery-codes')
  @Auth()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Replace the recovery codes (the old ones stop working)',
    description: 'Needs the password; an account without one gives a TOTP code instead.',
  })
  @ApiOkResponse({ type: MfaRecoveryCodesResponseDto })
  @ApiProblems(400, 409, 429)
  regenerateRecoveryCodes(
    @CurrentPrincipal() principal: UserPrincipal,
    @Body() body: MfaRecoveryCodesRegenerateDto,
    @Client() client: ClientInfo,
  ): Promise<MfaRecoveryCodesResponseDto> {
    return this.mfa.regenerateRecoveryCodes(principal.userId, body, client);
  }

  @Post('login/mfa')
  @Public()
  @WebSession('issue')
  @UseGuards(IpRateLimitGuard)
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Finish a sign-in that answered `mfaRequired` with a TOTP or recovery code',
  })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiProblems(400, 401, 429)
  loginMfa(@Body() body: MfaLoginDto, @Client() client: ClientInfo): Promise<TokenResponseDto> {
    return this.mfa.completeLogin(body.mfaToken, body.code, client);
  }
}
