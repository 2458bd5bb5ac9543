import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Auth } from '../common/auth/auth.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { UserPrincipal } from '../common/auth/principal';
import { ApiProblems } from '../common/errors/api-problems.decorator';
import { Client } from '../common/http/client.decorator';
import { ClientInfo } from '../common/http/request-context';
import { DEFAULT_PAGE_LIMIT, PageQueryDto } from '../common/pagination/page-query.dto';
import { uuidOr404 } from '../organizations/uuid-param.pipe';
import { ApiKeysService } from './api-keys.service';
import {
  ApiKeyCreateDto,
  ApiKeyListResponseDto,
  ApiKeyResponseDto,
  ApiKeyRotateDto,
  ApiKeySecretResponseDto,
  ApiKeyUsageQueryDto,
  ApiKeyUsageResponseDto,
  QuotaDto,
  toApiKeyResponse,
} from './dto/api-key.dto';

@ApiTags('api-keys')
@Controller('api/v1/organizations/:orgId/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @Auth({ org: 'admin' })
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Issue a key (its secret is shown only in this answer)' })
  @ApiCreatedResponse({ type: ApiKeySecretResponseDto })
  @ApiProblems(400)
  async create(
    @Param('orgId') orgId: string,
    @Body() body: ApiKeyCreateDto,
    @CurrentPrincipal() principal: UserPrincipal,
    @Client() client: ClientInfo,
  ): Promise<ApiKeySecretResponseDto> {
    const { key, record } = await this.apiKeys.create(orgId, body, {
      userId: principal.userId,
      client,
    });
    return { ...toApiKeyResponse(record), key };
  }

  @Get()
  @Auth({ org: 'admin' })
  @ApiOperation({ summary: "The organization's keys (no secrets)" })
  @ApiOkResponse({ type: ApiKeyListResponseDto })
  @ApiProblems(400)
  async list(
    @Param('orgId') orgId: string,
    @Query() query: PageQueryDto,
  ): Promise<ApiKeyListResponseDto> {
    const page = await this.apiKeys.list(orgId, query.limit ?? DEFAULT_PAGE_LIMIT, query.cursor);
    return { items: page.items.map(toApiKeyResponse), nextCursor: page.nextCursor };
  }

  @Get('quota')
  @Auth({ org: 'admin' })
  @ApiOperation({
    summary: "This month's requests across the organization's keys, against its quota",
  })
  @ApiOkResponse({ type: QuotaDto })
  quota(@Param('orgId') orgId: string): Promise<QuotaDto> {
    return this.apiKeys.quota(orgId);
  }

  @Get(':id')
  @Auth({ org: 'admin' })
  @ApiOperation({ summary: 'One key (no secret)' })
  @ApiOkResponse({ type: ApiKeyResponseDto })
  async get(
    @Param('orgId') orgId: string,
    @Param('id', uuidOr404('API key')) id: string,
  ): Promise<ApiKeyResponseDto> {
    return toApiKeyResponse(await this.apiKeys.get(orgId, id));
  }

  @Delete(':id')
  @Auth({ org: 'admin' })
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a key: refused from the next request on' })
  @ApiNoContentResponse()
  revoke(
    @Param('orgId') orgId: string,
    @Param('id', uuidOr404('API key')) id: string,
    @CurrentPrincipal() principal: UserPrincipal,
    @Client() client: ClientInfo,
  ): Promise<void> {
    return this.apiKeys.revoke(orgId, id, { userId: principal.userId, client });
  }

  @Post(':id/rotate')
  @Auth({ org: 'admin' })
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Replace a key; the old one keeps working for expireOldInSeconds (0–7 days)',
  })
  @ApiCreatedResponse({ type: ApiKeySecretResponseDto })
  @ApiProblems(400, 409)
  async rotate(
    @Param('orgId') orgId: string,
    @Param('id', uuidOr404('API key')) id: string,
    @Body() body: ApiKeyRotateDto,
    @CurrentPrincipal() principal: UserPrincipal,
    @Client() client: ClientInfo,
  ): Promise<ApiKeySecretResponseDto> {
    const { key, record } = await this.apiKeys.rotate(orgId, id, body.expireOldInSeconds ?? 0, {
      userId: principal.userId,
      client,
    });
    return { ...toApiKeyResponse(record), key };
  }

  @Get(':id/usage')
  @Auth({ org: 'admin' })
  @ApiOperation({ summary: 'Requests per UTC day, from and to inclusive (YYYY-MM-DD)' })
  @ApiOkResponse({ type: ApiKeyUsageResponseDto })
  @ApiProblems(400)
  usage(
    @Param('orgId') orgId: string,
    @Param('id', uuidOr404('API key')) id: string,
    @Query() query: ApiKeyUsageQueryDto,
  ): Promise<ApiKeyUsageResponseDto> {
    return this.apiKeys.usage(orgId, id, query.from, query.to);
  }
}
