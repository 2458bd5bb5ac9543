import { Body, Controller, HttpCode, Ip, Post, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/auth/public.decorator';
import { ApiProblems } from '../common/errors/api-problems.decorator';
import { FailedVerifyRateLimitGuard } from './failed-verify-rate-limit.guard';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyVerifyDto, ApiKeyVerifyResponseDto } from './dto/api-key.dto';

@ApiTags('api-keys')
@Controller('api/v1/api-keys')
export class ApiKeyVerifyController {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly failures: FailedVerifyRateLimitGuard,
  ) {}

  @Post('verify')
  @Public()
  @UseGuards(FailedVerifyRateLimitGuard)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Check a key another service received, counting `cost` requests when it is valid',
    description:
      'The key is the credential. Always 200 for a well-formed body: `valid: false` with a ' +
      '`code` (`not_found`, `revoked`, `expired`, `quota_exceeded`) otherwise. Failed calls ' +
      'are rate-limited per client IP.',
  })
  @ApiOkResponse({ type: ApiKeyVerifyResponseDto })
  @ApiProblems(400, 429)
  async verify(
    @Body() body: ApiKeyVerifyDto,
    // Fastify's request.ip (TRUST_PROXY-aware), as @Client() gives; Nest passes built-in
    // parameters like this one straight through, custom ones through the validation pipe.
    @Ip() ip: string | undefined,
  ): Promise<ApiKeyVerifyResponseDto> {
    const result = await this.apiKeys.verify(body.key, body.cost ?? 1);
    if (!result.valid) await this.failures.recordFailure(ip ?? 'unknown');
    return result;
  }
}
