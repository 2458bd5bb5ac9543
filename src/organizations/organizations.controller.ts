import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
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
import { PageQueryDto } from '../common/pagination/page-query.dto';
import {
  OrganizationCreateDto,
  OrganizationListResponseDto,
  OrganizationResponseDto,
  OrganizationUpdateDto,
  toOrganizationResponse,
} from './dto/organization.dto';
import { CurrentOrg } from './guards/current-org.decorator';
import { OrgAccess } from './org-access.service';
import { OrganizationsService } from './organizations.service';

@ApiTags('organizations')
@Controller('api/v1/organizations')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Post()
  @Auth()
  @ApiOperation({ summary: 'Create an organization (the caller becomes its owner)' })
  @ApiCreatedResponse({ type: OrganizationResponseDto })
  @ApiProblems(400, 409)
  async create(
    @CurrentPrincipal() principal: UserPrincipal,
    @Client() client: ClientInfo,
    @Body() body: OrganizationCreateDto,
  ): Promise<OrganizationResponseDto> {
    const { organization, role } = await this.organizations.create(
      { userId: principal.userId, client },
      body,
    );
    return toOrganizationResponse(organization, role);
  }

  @Get()
  @Auth()
  @ApiOperation({ summary: "The caller's organizations, with the caller's role in each" })
  @ApiOkResponse({ type: OrganizationListResponseDto })
  @ApiProblems(400)
  async listMine(
    @CurrentPrincipal() principal: UserPrincipal,
    @Query() query: PageQueryDto,
  ): Promise<OrganizationListResponseDto> {
    const page = await this.organizations.listMine(principal.userId, query);
    return {
      items: page.items.map(({ organization, role }) => toOrganizationResponse(organization, role)),
      nextCursor: page.nextCursor,
    };
  }

  @Get(':orgId')
  @Auth({ org: 'member', apiKey: 'org:read' })
  @ApiOperation({
    summary: 'An organization the caller is a member of (or an API key of it with org:read)',
  })
  @ApiOkResponse({ type: OrganizationResponseDto })
  get(@CurrentOrg() access: OrgAccess): OrganizationResponseDto {
    return toOrganizationResponse(access.organization, access.membership?.role ?? null);
  }

  @Patch(':orgId')
  @Auth({ org: 'admin' })
  @ApiOperation({ summary: 'Rename an organization or change its slug (admin)' })
  @ApiOkResponse({ type: OrganizationResponseDto })
  @ApiProblems(400, 409)
  async update(
    @CurrentPrincipal() principal: UserPrincipal,
    @Client() client: ClientInfo,
    @CurrentOrg() access: OrgAccess,
    @Body() body: OrganizationUpdateDto,
  ): Promise<OrganizationResponseDto> {
    const { organization, role } = await this.organizations.update(
      { userId: principal.userId, client },
      access,
      body,
    );
    return toOrganizationResponse(organization, role);
  }

  @Delete(':orgId')
  @Auth({ org: 'owner' })
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an organization with its memberships and invitations (owner)' })
  @ApiNoContentResponse()
  async delete(
    @CurrentPrincipal() principal: UserPrincipal,
    @Client() client: ClientInfo,
    @CurrentOrg() access: OrgAccess,
  ): Promise<void> {
    await this.organizations.delete({ userId: principal.userId, client }, access.organization.id);
  }

  @Get(':orgId/audit-events')
  @Auth({ org: 'admin' })
  @ApiOperation({ summary: "The organization's audit log, newest first (admin)" })
  @ApiOkResponse({ type: AuditEventListResponseDto })
  @ApiProblems(400)
  async auditLog(
    @CurrentOrg() access: OrgAccess,
    @Query() query: PageQueryDto,
  ): Promise<AuditEventListResponseDto> {
    const page = await this.organizations.auditLog(access.organization.id, query);
    return { items: page.items.map(toAuditEventResponse), nextCursor: page.nextCursor };
  }
}
