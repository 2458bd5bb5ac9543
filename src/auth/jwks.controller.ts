import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/auth/public.decorator';
import { PublicJwk, SigningKeysService } from './tokens/signing-keys.service';

@ApiTags('auth')
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: SigningKeysService) {}

  @Get('jwks.json')
  @Public()
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'Public keys (ES256) that verify Gatehouse access tokens' })
  @ApiOkResponse({
    schema: {
      example: {
        keys: [{ kty: 'EC', crv: 'P-256', x: '…', y: '…', kid: '…', alg: 'ES256', use: 'sig' }],
      },
    },
  })
  jwks(): { keys: PublicJwk[] } {
    return this.keys.jwks();
  }
}
