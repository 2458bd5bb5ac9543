import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { ApiKeyListResponseDto, toApiKeyResponse } from '../api-keys/dto/api-key.dto';
import { AuditEventsRepository } from '../audit/audit-events.repository';
import {
  AuditEventListResponseDto,
  toAuditEventResponse,
} from '../audit/dto/audit-event-response.dto';
import { Auth } from '../common/auth/auth.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { UserPrincipal } from '../common/auth/principal';
import { ApiProblems } from '../common/errors/api-problems.decorator';
import { Client } from '../common/http/client.decorator';
import { ClientInfo } from '../common/http/request-context';
import { DEFAULT_PAGE_LIMIT, PageQueryDto } from '../common/pagination/page-query.dto';
import { uuidOr404 } from '../organizations/uuid-param.pipe';
import { AdminRepository } from './admin.repository';
import { AdminService, toOrganizationSummary } from './admin.service';
import {
  AdminAuditQueryDto,
  AdminOrganizationListResponseDto,
  AdminOrganizationResponseDto,
  AdminOrganizationUpdateDto,
  AdminUserListResponseDto,
  AdminUserResponseDto,
  AdminUserSearchDto,
  AdminUserUpdateDto,
  toAdminUserResponse,
} from './dto/admin.dto';

/** Superusers only (403 for anyone else); every change is audited with the admin as actor. */
@ApiTags('admin')
@Auth({ superuser: true })
@Controller('api/v1/admin')
export class AdminController {
  constructor(
    private readonly admin: AdminService,
    private readonly repository: AdminRepository,
    private readonly apiKeys: ApiKeysService,
    private readonly auditEvents: AuditEventsRepository,
  ) {}

  private actor(principal: UserPrincipal, client: ClientInfo) {
    return { userId: principal.userId, client };
  }

  @Get('users')
  @ApiOperation({ summary: 'Users, newest first; `search` matches email, username or name' })
  @ApiOkResponse({ type: AdminUserListResponseDto })
  @ApiProblems(400)
  async listUsers(@Query() query: AdminUserSearchDto): Promise<AdminUserListResponseDto> {
    const page = await this.repository.searchUsers(
      query.search,
      query.limit ?? DEFAULT_PAGE_LIMIT,
      query.cursor,
    );
    return { items: page.items.map(toAdminUserResponse), nextCursor: page.nextCursor };
  }

  @Get('users/:id')
  @ApiOperation({ summary: 'One user' })
  @ApiOkResponse({ type: AdminUserResponseDto })
  @ApiProblems(404)
  async getUser(@Param('id', uuidOr404('User')) id: string): Promise<AdminUserResponseDto> {
    return toAdminUserResponse(await this.admin.getUser(id));
  }

  @Patch('users/:id')
  @ApiOperation({ summary: 'Activate/deactivate (ends every session), grant superuser, verify' })
  @ApiOkResponse({ type: AdminUserResponseDto })
  @ApiProblems(400, 404, 409)
  async updateUser(
    @Param('id', uuidOr404('User')) id: string,
    @Body() body: AdminUserUpdateDto,
    @CurrentPrincipal() principal: UserPrincipal,
    @Client() client: ClientInfo,
  ): Promise<AdminUserResponseDto> {
    return toAdminUserResponse(
      await this.admin.updateUser(this.actor(principal, client), id, body),
    );
  }

  @Delete('users/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a user (409 while they own an organization)' })
  @ApiNoContentResponse()
  @ApiProblems(404, 409)
  deleteUser(
    @Param('id', uuidOr404('User')) id: string,
    @CurrentPrincipal() principal: UserPrincipal,
    @Client() client: ClientInfo,
  ): Promise<void> {
    return this.admin.deleteUser(this.actor(principal, client), id);
  }

  @Get('organizations')
  @ApiOperation({ summary: 'Organizations, newest first, with member counts' })
  @ApiOkResponse({ type: AdminOrganizationListResponseDto })
  @ApiProblems(400)
  async listOrganizations(@Query() query: PageQueryDto): Promise<AdminOrganizationListResponseDto> {
    const page = await this.repository.listOrganizations(
      query.limit ?? DEFAULT_PAGE_LIMIT,
      query.cursor,
    );
    return {
      items: page.items.map(({ organization, memberCount }) =>
        toOrganizationSummary(organization, memberCount),
      ),
      nextCursor: page.nextCursor,
    };
  }

  @Get('organizations/:id')
  @ApiOperation({ summary: 'One organization with its member count and this month’s usage' })
  @ApiOkResponse({ type: AdminOrganizationResponseDto })
  @ApiProblems(404)
  getOrganization(
    @Param('id', uuidOr404('Organization')) id: string,
  ): Promise<AdminOrganizationResponseDto> {
    return this.admin.describeOrganization(id);
  }

  @Patch('organizations/:id')
  @ApiOperation({ summary: 'Change the subscription tier or the monthly quota' })
  @ApiOkResponse({ type: AdminOrganizationResponseDto })
  @ApiProblems(400, 404)
  updateOrganization(
    @Param('id', uuidOr404('Organization')) id: string,
    @Body() body: AdminOrganizationUpdateDto,
    @CurrentPrincipal() principal: UserPrincipal,
    @Client() client: ClientInfo,
  ): Promise<AdminOrganizationResponseDto> {
    return this.admin.updateOrganization(this.actor(principal, client), id, body);
  }

  @Get('api-keys')
  @ApiOperation({ summary: 'API keys of every organization (no secrets)' })
  @ApiOkResponse({ type: ApiKeyListResponseDto })
  @ApiProblems(400)
  async listApiKeys(@Query() query: PageQueryDto): Promise<ApiKeyListResponseDto> {
    const page = await this.apiKeys.list(null, query.limit ?? DEFAULT_PAGE_LIMIT, query.cursor);
    return { items: page.items.map(toApiKeyResponse), nextCursor: page.nextCursor };
  }

  @Delete('api-keys/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke any key' })
  @ApiNoContentResponse()
  @ApiProblems(404)
  revokeApiKey(
    @Param('id', uuidOr404('API key')) id: string,
    @CurrentPrincipal() principal: UserPrincipal,
    @Client() client: ClientInfo,
  ): Promise<void> {
    return this.apiKeys.revoke(null, id, this.actor(principal, client));
  }

  @Get('audit-events')
  @ApiOperation({
    summary: 'The audit log, newest first, filtered by actor, organization, action, time',
  })
  @ApiOkResponse({ type: AuditEventListResponseDto })
  @ApiProblems(400)
  async listAuditEvents(@Query() query: AdminAuditQueryDto): Promise<AuditEventListResponseDto> {
    const page = await this.auditEvents.listNewestFirst(
      {
        actorId: query.actorId,
        organizationId: query.organizationId,
        action: query.action,
        from: query.from,
        to: query.to,
      },
      { limit: query.limit, cursor: query.cursor },
    );
    return { items: page.items.map(toAuditEventResponse), nextCursor: page.nextCursor };
  }
}
