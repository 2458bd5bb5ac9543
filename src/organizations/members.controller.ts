import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../common/auth/auth.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { UserPrincipal } from '../common/auth/principal';
import { ApiProblems } from '../common/errors/api-problems.decorator';
import { Client } from '../common/http/client.decorator';
import { ClientInfo } from '../common/http/request-context';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import {
  MemberListResponseDto,
  MemberResponseDto,
  MemberRoleUpdateDto,
  OwnershipTransferDto,
} from './dto/member.dto';
import { OrganizationResponseDto, toOrganizationResponse } from './dto/organization.dto';
import { CurrentOrg, CurrentOrgScope } from './guards/current-org.decorator';
import { OrgAccessCheckedByQuery } from './guards/org-role.decorator';
import { MembershipsService } from './memberships.service';
import { OrgAccess, OrgScope } from './org-access.service';
import { uuidOr404 } from './uuid-param.pipe';

@ApiTags('organizations')
@Controller('api/v1/organizations/:orgId')
export class MembersController {
  constructor(private readonly memberships: MembershipsService) {}

  @Get('members')
  @Auth({ org: 'member', apiKey: 'members:read' })
  @OrgAccessCheckedByQuery()
  @ApiOperation({
    summary: 'Members of the organization, in the order they joined (API keys: members:read)',
  })
  @ApiOkResponse({ type: MemberListResponseDto })
  @ApiProblems(400)
  list(
    @CurrentOrgScope() scope: OrgScope,
    @Query() query: PageQueryDto,
  ): Promise<MemberListResponseDto> {
    return this.memberships.list(scope, query);
  }

  @Patch('members/:userId')
  @Auth({ org: 'admin' })
  @ApiOperation({
    summary: "Change a member's role between member and admin (admin)",
    description: "The owner's role cannot be changed here (403): the owner transfers ownership.",
  })
  @ApiOkResponse({ type: MemberResponseDto })
  @ApiProblems(400)
  changeRole(
    @CurrentPrincipal() principal: UserPrincipal,
    @Client() client: ClientInfo,
    @CurrentOrg() access: OrgAccess,
    @Param('userId', uuidOr404('Member')) userId: string,
    @Body() body: MemberRoleUpdateDto,
  ): Promise<MemberResponseDto> {
    return this.memberships.changeRole(
      { userId: principal.userId, client },
      access.organization.id,
      userId,
      body.role,
    );
  }

  @Delete('members/:userId')
  @Auth({ org: 'admin' })
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a member or another admin, never the owner (admin)' })
  @ApiNoContentResponse()
  async remove(
    @CurrentPrincipal() principal: UserPrincipal,
    @Client() client: ClientInfo,
    @CurrentOrg() access: OrgAccess,
    @Param('userId', uuidOr404('Member')) userId: string,
  ): Promise<void> {
    await this.memberships.remove(
      { userId: principal.userId, client },
      access.organization.id,
      userId,
    );
  }

  @Post('leave')
  @Auth({ org: 'member' })
  @HttpCode(204)
  @ApiOperation({ summary: 'Leave the organization (the owner cannot: 409)' })
  @ApiNoContentResponse()
  @ApiProblems(409)
  async leave(
    @CurrentPrincipal() principal: UserPrincipal,
    @Client() client: ClientInfo,
    @CurrentOrg() access: OrgAccess,
  ): Promise<void> {
    await this.memberships.leave({ userId: principal.userId, client }, access.organization.id);
  }

  @Post('transfer-ownership')
  @Auth({ org: 'owner' })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Hand the organization to another member (owner)',
    description: 'The new owner must be a member (404 otherwise); the old owner becomes an admin.',
  })
  @ApiOkResponse({ type: OrganizationResponseDto })
  @ApiProblems(400)
  async transferOwnership(
    @CurrentPrincipal() principal: UserPrincipal,
    @Client() client: ClientInfo,
    @CurrentOrg() access: OrgAccess,
    @Body() body: OwnershipTransferDto,
  ): Promise<OrganizationResponseDto> {
    const { organization, role } = await this.memberships.transferOwnership(
      { userId: principal.userId, client },
      access.organization.id,
      body.userId,
    );
    return toOrganizationResponse(organization, role);
  }
}
